import { availableParallelism } from 'node:os';
import { pdfLanes } from '../render/pdf-lanes.js';
import { runFormJob, type FormJob, type JobResult } from './form-job.js';

export type RunJob = (job: FormJob) => Promise<JobResult>;

export interface Pool {
  run: RunJob;
  close(): Promise<void>;
}

export const defaultJobs = (): number => Math.max(1, availableParallelism());

/**
 * How a build uses the cores: this thread reads, scores, lays out and writes the .xlsx of every
 * form, and `jobs − 1` worker threads draw the PDFs (about half the work). Splitting by stage
 * rather than by file means each thread loads and warms up only its half of the code — a whole
 * pipeline per worker spent its first seconds compiling exceljs and pdfmake twice on two cores.
 * A few forms are in flight at once so reading one overlaps drawing another.
 */
export function createPool(jobs: number): Pool {
  const lanes = pdfLanes(jobs - 1);
  const limit = jobs > 1 ? jobs + 1 : 1;
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
