import { z } from 'zod';

/**
 * Where the time of one file (or a whole build, summed) went, ms of the thread that did the work:
 * reading and hashing the file, ingest, scoring, layout, each renderer by format, writing.
 */
export const Timings = z.object({
  read: z.number(),
  ingest: z.number(),
  score: z.number(),
  layout: z.number(),
  render: z.record(z.string(), z.number()),
  write: z.number(),
});
export type Timings = z.infer<typeof Timings>;

export const noTimings = (): Timings => ({ read: 0, ingest: 0, score: 0, layout: 0, render: {}, write: 0 });

/** Adds `b` into `a`. */
export function addTimings(a: Timings, b: Timings): void {
  a.read += b.read;
  a.ingest += b.ingest;
  a.score += b.score;
  a.layout += b.layout;
  a.write += b.write;
  for (const [format, ms] of Object.entries(b.render)) a.render[format] = (a.render[format] ?? 0) + ms;
}

/** Runs `work` and adds its duration to `timings[stage]`. */
export function timed<T>(timings: Timings, stage: Exclude<keyof Timings, 'render'>, work: () => T): T {
  const t = performance.now();
  try {
    return work();
  } finally {
    timings[stage] += performance.now() - t;
  }
}

export async function timedAsync<T>(timings: Timings, stage: Exclude<keyof Timings, 'render'>, work: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await work();
  } finally {
    timings[stage] += performance.now() - t;
  }
}
