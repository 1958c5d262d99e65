import { parentPort } from 'node:worker_threads';
import { useFontDir } from '../layout/fonts.js';
import type { FormSheet } from '../model/form-sheet.js';
import { renderBoth } from './render-both.js';

/** A render lane: FormSheet in, .xlsx and PDF bytes out (transferred, not copied). */
parentPort?.on('message', (message: { id: number; sheet: FormSheet; file: string; fontsDir: string }) => {
  useFontDir(message.fontsDir);
  renderBoth(message.sheet, message.file).then(
    (result) => {
      const own = (b: Buffer): Buffer => (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : Buffer.from(b));
      const out = { ...result, xlsx: own(result.xlsx), pdf: { ...result.pdf, buffer: own(result.pdf.buffer) } };
      parentPort?.postMessage({ id: message.id, result: out }, [out.xlsx.buffer as ArrayBuffer, out.pdf.buffer.buffer as ArrayBuffer]);
    },
    (error: unknown) => parentPort?.postMessage({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
