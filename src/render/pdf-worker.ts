import { parentPort } from 'node:worker_threads';
import { useFontDir } from '../layout/fonts.js';
import type { FormSheet } from '../model/form-sheet.js';
import { renderPdf } from './render-pdf.js';

/**
 * A PDF lane: FormSheet in, PDF bytes out. Only the PDF code and the fonts live here, so the
 * thread starts and warms up quickly; the bytes go back without copying.
 */
parentPort?.on('message', (message: { id: number; sheet: FormSheet; file: string; fontsDir: string }) => {
  useFontDir(message.fontsDir);
  renderPdf(message.sheet, message.file).then(
    (result) => {
      const own = result.buffer.byteOffset === 0 && result.buffer.byteLength === result.buffer.buffer.byteLength ? result.buffer : Buffer.from(result.buffer);
      parentPort?.postMessage({ id: message.id, result: { ...result, buffer: own } }, [own.buffer as ArrayBuffer]);
    },
    (error: unknown) => parentPort?.postMessage({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
