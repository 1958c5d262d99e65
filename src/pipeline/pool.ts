import { availableParallelism } from 'node:os';
import type { ProfileChoice, ScoreMode } from '../model/profile.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { processFile, type FileOutcome } from './process.js';
import { renderLanes } from './render-lanes.js';

export interface Pool {
  run(file: string, source: string): Promise<FileOutcome>;
  /** how many files it works on at once */
  width: number;
  close(): Promise<void>;
}

export const defaultJobs = (): number => Math.max(1, availableParallelism());

/**
 * How a build uses the cores: this thread reads and scores every form (and the build writes them
 * here), and the layout and drawing go to `jobs − 1` worker threads or, when more than `jobs` forms
 * wait for them, to this thread too (see render-lanes). Reading needs the reader and drawing the
 * layout and writers, so no thread warms up the whole pipeline unless it must. 3 × jobs files are
 * in flight, so reading the next ones overlaps the workers' warm-up and drawing.
 */
export function createPool(jobs: number, settings: { profile: ProfileChoice; mode: ScoreMode; typeset: Typesetter }): Pool {
  const lanes = renderLanes(jobs - 1, settings.typeset, jobs);
  const options = { ...settings, render: lanes.render };
  // Enough files in flight that this thread keeps reading while the workers warm up and draw.
  const limit = jobs > 1 ? 3 * jobs : 1;
  let active = 0;
  const waiting: Array<() => void> = [];
  const run = async (file: string, source: string): Promise<FileOutcome> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await processFile(file, source, options);
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
  return { run, width: limit, close: () => lanes.close() };
}
