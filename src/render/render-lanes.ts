import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { activeFontDir } from '../layout/fonts.js';
import type { FormSheet } from '../model/form-sheet.js';
import { renderBoth, type Rendered } from './render-both.js';

export type RenderSheet = (sheet: FormSheet, file: string) => Promise<Rendered>;

export interface RenderLanes {
  render: RenderSheet;
  close(): Promise<void>;
}

/** The compiled worker beside this module; from the TypeScript sources (tests), the one in dist/. */
function workerScript(): URL {
  const here = new URL('./render-worker.js', import.meta.url);
  return existsSync(fileURLToPath(here)) ? here : new URL('../../dist/render/render-worker.js', import.meta.url);
}

interface Lane {
  worker: Worker | null;
  busy: boolean;
}

/**
 * Rendering (.xlsx and PDF, about two thirds of a form's work) on `workers` worker threads, and on
 * this thread when more than `stealAbove` sheets wait, so the threads balance themselves while this
 * thread also reads and scores the next files. With 0 workers everything runs here. A worker
 * that dies fails the sheets it had; the next sheet starts a fresh one.
 */
export function renderLanes(workers: number, stealAbove = 2): RenderLanes {
  const lanes: Lane[] = [{ worker: null, busy: false }];
  const queue: Array<{ sheet: FormSheet; file: string; resolve: (r: Rendered) => void; reject: (e: Error) => void }> = [];
  const pending = new Map<number, { resolve: (r: Rendered) => void; reject: (e: Error) => void; lane: Lane }>();
  let nextId = 0;

  const start = (): Lane => {
    const worker = new Worker(workerScript());
    const lane: Lane = { worker, busy: false };
    worker.on('message', (m: { id: number; result?: Rendered; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      lane.busy = false;
      if (m.result) {
        const r = m.result;
        const buf = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
        p.resolve({ ...r, xlsx: buf(r.xlsx), pdf: { ...r.pdf, buffer: buf(r.pdf.buffer) } });
      } else p.reject(new Error(m.error ?? 'render worker failed'));
      pump();
    });
    worker.on('error', (error) => {
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
  for (let i = 0; i < workers; i++) start();

  const pump = (): void => {
    while (queue.length > 0) {
      // Workers first: this thread has reading and scoring to do as well.
      // This thread draws only when the workers are behind: its own job is reading the next files.
      const inlineOk = workers === 0 || queue.length > stealAbove;
      const lane = lanes.find((l) => l.worker && !l.busy) ?? (lanes.length - 1 < workers ? start() : inlineOk ? lanes.find((l) => !l.busy) : undefined);
      if (!lane) return;
      const item = queue.shift();
      if (!item) return;
      lane.busy = true;
      if (lane.worker === null) {
        renderBoth(item.sheet, item.file)
          .then(item.resolve, item.reject)
          .finally(() => {
            lane.busy = false;
            pump();
          });
        continue;
      }
      const id = nextId++;
      pending.set(id, { resolve: item.resolve, reject: item.reject, lane });
      lane.worker.postMessage({ id, sheet: item.sheet, file: item.file, fontsDir: activeFontDir() });
    }
  };

  return {
    render: (sheet, file) =>
      new Promise<Rendered>((resolve, reject) => {
        queue.push({ sheet, file, resolve, reject });
        pump();
      }),
    close: async () => {
      await Promise.all(lanes.map((l) => l.worker?.terminate()));
    },
  };
}
