import { parentPort } from 'node:worker_threads';
import type { FormSheet } from '../model/form-sheet.js';
import { typesetterFor } from '../typeset/typesetter.js';
import { renderSheet, type RenderedFile } from './process.js';

export interface WorkerRequest {
  id: number;
  sheet: FormSheet;
  fontDir: string;
}

export interface WorkerReply {
  id: number;
  files?: RenderedFile[];
  error?: string;
}

/** A render lane: a FormSheet in, its rendered files out (their bytes transferred, not copied). */
parentPort?.on('message', (message: WorkerRequest) => {
  renderSheet(message.sheet, typesetterFor(message.fontDir)).then(
    (files) => {
      const owned = files.map((f) => ({ ...f, bytes: f.bytes.byteOffset === 0 && f.bytes.byteLength === f.bytes.buffer.byteLength ? f.bytes : new Uint8Array(f.bytes) }));
      const reply: WorkerReply = { id: message.id, files: owned };
      parentPort?.postMessage(
        reply,
        owned.map((f) => f.bytes.buffer as ArrayBuffer),
      );
    },
    (error: unknown) => parentPort?.postMessage({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies WorkerReply),
  );
});
