import { parentPort } from 'node:worker_threads';
import { runFormJob, type FormJob } from './form-job.js';

/** A build worker: processes one file at a time and hands the bytes back without copying them. */
parentPort?.on('message', (message: { id: number; job: FormJob }) => {
  runFormJob(message.job).then(
    (result) => {
      // Only a view that owns its whole ArrayBuffer may be transferred; a pooled one is copied.
      const own = (u: Uint8Array): Uint8Array => (u.byteOffset === 0 && u.byteLength === u.buffer.byteLength ? u : new Uint8Array(u));
      for (const f of result.forms) if (f.rendered) f.rendered = { ...f.rendered, xlsx: own(f.rendered.xlsx), pdf: own(f.rendered.pdf) };
      const transfer = [...new Set(result.forms.flatMap((f) => (f.rendered ? [f.rendered.xlsx.buffer, f.rendered.pdf.buffer] : [])))] as ArrayBuffer[];
      parentPort?.postMessage({ id: message.id, result }, transfer);
    },
    (error: unknown) => parentPort?.postMessage({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
