import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runFormJob, type FormJob, type JobResult } from './form-job.js';

export type RunJob = (job: FormJob) => Promise<JobResult>;

export interface Pool {
  run: RunJob;
  close(): Promise<void>;
}

export const defaultJobs = (): number => Math.max(1, availableParallelism());

/** The compiled worker beside this module; from the TypeScript sources (tests), the one in dist/. */
function workerScript(): URL {
  const here = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL('../../dist/archive/worker.js', import.meta.url);
}

/**
 * Runs form jobs on `size` lanes: this thread plus `size − 1` worker threads (each loads the fonts
 * once and keeps them). This thread takes a share because it is otherwise idle and already has
 * the code loaded and compiled: a worker's cold start (modules, fonts, JIT) costs about a second,
 * more when every core starts one at once. A worker that dies fails its job; the next job gets a
 * fresh worker.
 */
export function createPool(size: number): Pool {
  if (size <= 1) return { run: runFormJob, close: async () => undefined };
  const workerUrl = workerScript();
  interface Slot {
    worker: Worker | null;
    busy: boolean;
  }
  const slots: Slot[] = [];
  const queue: Array<{ job: FormJob; resolve: (r: JobResult) => void; reject: (e: Error) => void }> = [];
  const pending = new Map<number, { resolve: (r: JobResult) => void; reject: (e: Error) => void; slot: Slot }>();
  let nextId = 0;

  const inline: Slot = { worker: null, busy: false };
  const spawn = (): Slot => {
    const worker = new Worker(workerUrl);
    const slot: Slot = { worker, busy: false };
    worker.on('message', (m: { id: number; result?: JobResult; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      slot.busy = false;
      if (m.result) p.resolve(m.result);
      else p.reject(new Error(m.error ?? 'worker failed'));
      pump();
    });
    worker.on('error', (error) => {
      for (const [id, p] of pending) if (p.slot === slot) {
        pending.delete(id);
        p.reject(error);
      }
      slots.splice(slots.indexOf(slot), 1);
      pump();
    });
    slots.push(slot);
    return slot;
  };

  const pump = (): void => {
    while (queue.length > 0) {
      const slot = (!inline.busy ? inline : undefined) ?? slots.find((s) => !s.busy) ?? (slots.length < size - 1 ? spawn() : undefined);
      if (!slot) return;
      const item = queue.shift();
      if (!item) return;
      slot.busy = true;
      if (slot.worker === null) {
        runFormJob(item.job).then(item.resolve, item.reject).finally(() => {
          inline.busy = false;
          pump();
        });
        continue;
      }
      const id = nextId++;
      pending.set(id, { resolve: item.resolve, reject: item.reject, slot });
      slot.worker.postMessage({ id, job: item.job });
    }
  };

  return {
    run: (job) =>
      new Promise<JobResult>((resolve, reject) => {
        queue.push({ job, resolve, reject });
        pump();
      }),
    close: async () => {
      await Promise.all(slots.map((s) => s.worker?.terminate()));
    },
  };
}
