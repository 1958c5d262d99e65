import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { activeFontDir } from '../layout/fonts.js';
import type { FormSheet } from '../model/form-sheet.js';
import { renderPdf, type PdfResult } from './render-pdf.js';

export type RenderPdf = (sheet: FormSheet, file: string) => Promise<PdfResult>;

export interface PdfLanes {
  render: RenderPdf;
  close(): Promise<void>;
}

/** The compiled worker beside this module; from the TypeScript sources (tests), the one in dist/. */
function workerScript(): URL {
  const here = new URL('./pdf-worker.js', import.meta.url);
  return existsSync(fileURLToPath(here)) ? here : new URL('../../dist/render/pdf-worker.js', import.meta.url);
}

/**
 * PDF rendering on `count` worker threads, each taking the next sheet when free; 0 renders here.
 * A worker that dies fails the sheets it had; the next sheet starts a fresh one.
 */
export function pdfLanes(count: number): PdfLanes {
  if (count <= 0) return { render: (sheet, file) => renderPdf(sheet, file), close: async () => undefined };
  interface Lane {
    worker: Worker;
    busy: boolean;
  }
  const lanes: Lane[] = [];
  const queue: Array<{ sheet: FormSheet; file: string; resolve: (r: PdfResult) => void; reject: (e: Error) => void }> = [];
  const pending = new Map<number, { resolve: (r: PdfResult) => void; reject: (e: Error) => void; lane: Lane }>();
  let nextId = 0;

  const start = (): Lane => {
    const lane: Lane = { worker: new Worker(workerScript()), busy: false };
    lane.worker.on('message', (m: { id: number; result?: PdfResult; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      lane.busy = false;
      if (m.result) p.resolve({ ...m.result, buffer: Buffer.from(m.result.buffer.buffer, m.result.buffer.byteOffset, m.result.buffer.byteLength) });
      else p.reject(new Error(m.error ?? 'PDF worker failed'));
      pump();
    });
    lane.worker.on('error', (error) => {
      for (const [id, p] of pending) {
        if (p.lane !== lane) continue;
        pending.delete(id);
        p.reject(error);
      }
      lanes.splice(lanes.indexOf(lane), 1);
      pump();
    });
    lanes.push(lane);
    return lane;
  };
  // Started at once: their warm-up overlaps the reading of the first files.
  for (let i = 0; i < count; i++) start();

  const pump = (): void => {
    while (queue.length > 0) {
      const lane = lanes.find((l) => !l.busy) ?? (lanes.length < count ? start() : undefined);
      if (!lane) return;
      const item = queue.shift();
      if (!item) return;
      lane.busy = true;
      const id = nextId++;
      pending.set(id, { resolve: item.resolve, reject: item.reject, lane });
      lane.worker.postMessage({ id, sheet: item.sheet, file: item.file, fontsDir: activeFontDir() });
    }
  };

  return {
    render: (sheet, file) =>
      new Promise<PdfResult>((resolve, reject) => {
        queue.push({ sheet, file, resolve, reject });
        pump();
      }),
    close: async () => {
      await Promise.all(lanes.map((l) => l.worker.terminate()));
    },
  };
}
