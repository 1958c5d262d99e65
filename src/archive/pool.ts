import { availableParallelism } from 'node:os';
import { renderLanes } from '../render/render-lanes.js';
import { runFormJob, type FormJob, type JobResult } from './form-job.js';

export type RunJob = (job: FormJob) => Promise<JobResult>;

export interface Pool {
  run: RunJob;
  close(): Promise<void>;
}

export const defaultJobs = (): number => Math.max(1, availableParallelism());

/**
 * How a build uses the cores: this thread reads, scores and lays out every form, and the rendering
 * goes to `jobs − 1` worker threads or, when they are busy, to this thread (see render-lanes).
 * Reading needs the xlsx reader and rendering exceljs' writer and pdfmake, so no thread warms up the
 * whole pipeline twice. A few forms are in flight at once so reading one overlaps drawing another.
 */
export function createPool(jobs: number): Pool {
  const lanes = renderLanes(jobs - 1, jobs);
  // Enough forms in flight that this thread keeps reading while the workers warm up and draw.
  const limit = jobs > 1 ? 3 * jobs : 1;
  let active = 0;
  const waiting: Array<() => void> = [];
  const run: RunJob = async (job) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await runFormJob(job, lanes.render);
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
  return { run, close: () => lanes.close() };
}
