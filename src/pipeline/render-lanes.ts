import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Finding } from '../model/finding.js';
import type { Profile } from '../model/profile.js';
import type { ScoredForm } from '../model/scored-form.js';
import { packageRoot } from '../package-root.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { drawHere, type Draw, type DrawnForm } from './process.js';
import type { WorkerReply, WorkerRequest, WorkerStart } from './render-worker.js';
import type { SharedFaces } from '../typeset/typesetter.js';

export interface RenderLanes {
  render: Draw;
  close(): Promise<void>;
}

/** The bundled worker beside this code (dist/); from the TypeScript sources (tests), the one in dist/ too. */
function workerScript(): URL {
  const here = new URL('./render-worker.js', import.meta.url);
  return existsSync(fileURLToPath(here)) ? here : pathToFileURL(join(packageRoot, 'dist', 'render-worker.js'));
}

/**
 * A worker's young generation at Node 20's size (16 MB semi-spaces). Node 24 sizes it from the
 * machine's memory, 64 MB semi-spaces here: 1,000 forms of one department peaked at 611 MB on
 * Node 24 against 410 MB on Node 20, and one worker isolate's share of that is this.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 48 };

interface Lane {
  worker: Worker | null;
  busy: boolean;
}

interface Waiting {
  resolve: (drawn: DrawnForm) => void;
  reject: (e: Error) => void;
}

/**
 * Layout and rendering (every registered format, about two thirds of a form's work) on `workers`
 * worker threads, and on this thread when more than `stealAbove` forms wait, so the threads balance
 * themselves while this thread reads, scores and writes. With 0 workers everything runs here. A
 * worker that dies (an error, or an exit of its own) fails the forms it had, which the next build
 * tries again; the next form starts a fresh worker. Workers that die before drawing anything, twice
 * (a missing or broken worker script), are not started again: this thread draws everything.
 */
export function renderLanes(workers: number, typeset: Typesetter, stealAbove = 2, script: URL = workerScript()): RenderLanes {
  const hereLane: Lane = { worker: null, busy: false };
  const lanes: Lane[] = [hereLane];
  const queue: Array<Waiting & { scored: ScoredForm; profile: Profile; findings: Finding[] }> = [];
  const here = drawHere(typeset);
  const pending = new Map<number, Waiting & { lane: Lane }>();
  let nextId = 0;
  let workersWanted = workers;
  let deadBeforeDrawing = 0;
  let closing = false;
  /** the faces' bytes, read once and shared with every worker */
  let faces: SharedFaces | undefined;

  const start = (): Lane => {
    faces ??= typeset.sharedFaces();
    const workerData: WorkerStart = { fontDir: typeset.fontDir, faces };
    const worker = new Worker(script, { resourceLimits: WORKER_LIMITS, workerData });
    const lane: Lane = { worker, busy: false };
    let drew = false;
    worker.on('message', (m: WorkerReply) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      lane.busy = false;
      drew = true;
      if (m.drawn) p.resolve(m.drawn);
      else p.reject(new Error(m.error ?? 'render worker failed'));
      pump();
    });
    const died = (error: Error): void => {
      const at = lanes.indexOf(lane);
      if (at < 0) return;
      lanes.splice(at, 1);
      for (const [id, p] of pending) {
        if (p.lane !== lane) continue;
        pending.delete(id);
        p.reject(error);
      }
      if (!drew && ++deadBeforeDrawing >= 2) workersWanted = 0;
      pump();
    };
    worker.on('error', died);
    worker.on('exit', (code) => {
      if (!closing) died(new Error(`render worker exited (code ${code})`));
    });
    lanes.push(lane);
    return lane;
  };
  // Started at once: their warm-up overlaps the reading of the first files.
  for (let i = 0; i < workers; i++) start();

  const pump = (): void => {
    while (queue.length > 0) {
      // Workers first: this thread draws only when they are behind; its own job is reading the next files.
      const inlineOk = workersWanted === 0 || queue.length > stealAbove;
      const workerLanes = lanes.length - 1;
      const lane = lanes.find((l) => l.worker && !l.busy) ?? (workerLanes < workersWanted ? start() : inlineOk && !hereLane.busy ? hereLane : undefined);
      if (!lane) return;
      const item = queue.shift();
      if (!item) return;
      lane.busy = true;
      if (lane.worker === null) {
        here(item.scored, item.profile, item.findings)
          .then(item.resolve, item.reject)
          .finally(() => {
            lane.busy = false;
            pump();
          });
        continue;
      }
      const id = nextId++;
      pending.set(id, { resolve: item.resolve, reject: item.reject, lane });
      const request: WorkerRequest = { id, scored: item.scored, profile: item.profile, findings: item.findings, fontDir: typeset.fontDir };
      lane.worker.postMessage(request);
    }
  };

  return {
    render: (scored, profile, findings) =>
      new Promise<DrawnForm>((resolve, reject) => {
        queue.push({ scored, profile, findings, resolve, reject });
        pump();
      }),
    close: async () => {
      closing = true;
      await Promise.all(lanes.map((l) => l.worker?.terminate()));
    },
  };
}
