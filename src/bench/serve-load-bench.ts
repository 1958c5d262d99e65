import { mkdir } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { cli, fmt, median, say, summarise, thisNode, zipingBuild, type BuildArgs, type Run } from './measure.js';
import { abandonUpload, driveLoad, loadFiles, loadProblems, p50, p95, peakRssMb, startServe } from './serve-load.js';

export interface ServeLoadOptions {
  clients: number;
  /** uploads per client */
  each: number;
  runs: number;
  args: BuildArgs;
}

/**
 * The serve load against a cold `ziping build` of the same files, `runs` times in turns: every
 * client uploading at once to one `ziping serve`, plus one whose browser closes mid-upload. Sets
 * exit code 1 when a check of serve-load.ts fails or the load takes more than 3× the build.
 */
export async function serveLoadBench(work: string, o: ServeLoadOptions): Promise<void> {
  const total = o.clients * o.each;
  console.log(`ziping bench --serve-load: ${o.clients} clients × ${o.each} uploads, ${o.runs} run(s), ${cpus().length} CPU(s), node ${process.version}`);
  const files = await loadFiles(join(work, 'forms'), total, 18);
  const good = files.filter((f) => f.good).length;
  const builds: Run[] = [];
  const loads: Array<{ seconds: number; p50: number; p95: number; peakMb: number | null; batch: number }> = [];
  let failed = false;
  for (let i = 0; i < o.runs; i++) {
    // Exit 1: the broken files are reported as such.
    builds.push(await zipingBuild(thisNode(), join(work, 'forms'), good, join(work, `out-build-${i}`), o.args, [1]));
    const home = join(work, `serve-${i}`);
    await mkdir(home);
    const live = await startServe(cli, ['--out', '归档', '--quiet'], home);
    try {
      const abandoned = abandonUpload(live.url, '中途断开.xlsx', files[0]?.bytes ?? Buffer.alloc(0));
      const result = await driveLoad(live.url, files, o.clients, 600_000);
      await abandoned;
      const peakMb = await peakRssMb(live.child.pid);
      const problems = await loadProblems(join(home, '归档'), join(home, '归档-上传的表格'), files, result);
      const answered = [...result.statuses.values()];
      console.log(
        `  run ${i + 1}: build ${fmt(builds[i]?.seconds ?? 0)} s; serve load ${fmt(result.totalMs / 1000)} s, ${answered.length} answers (${answered.filter((s) => s === 202).length} × 202, ${answered.filter((s) => s >= 500).length} × 5xx), largest batch ${result.largestBatch}, ${problems.length === 0 ? 'all checks pass' : `PROBLEMS: ${problems.join('; ')}`}`,
      );
      failed ||= problems.length > 0;
      loads.push({ seconds: result.totalMs / 1000, p50: p50(result.perUploadMs) / 1000, p95: p95(result.perUploadMs) / 1000, peakMb, batch: result.largestBatch });
    } finally {
      await live.stop();
    }
  }
  const build = summarise(total, builds);
  say(`ziping build, ${total} files (${total - good} broken), cold command`, build);
  const seconds = median(loads.map((l) => l.seconds));
  const peaks = loads.map((l) => l.peakMb).filter((p): p is number => p !== null);
  console.log(
    `serve load, ${o.clients} clients × ${o.each} uploads: median ${fmt(seconds)} s (${loads.map((l) => `${fmt(l.seconds)} s`).join(', ')}); per upload, from sending to its result: p50 ${fmt(median(loads.map((l) => l.p50)))} s, p95 ${fmt(median(loads.map((l) => l.p95)))} s (medians of the runs)${peaks.length ? `; serve's peak RSS ${fmt(Math.max(...peaks), 0)} MB` : ''}`,
  );
  const ratio = seconds / build.seconds;
  console.log(`ratio serve load / build of the same files: ${fmt(ratio)}× (limit 3×)`);
  if (failed || ratio > 3) {
    console.log(failed ? 'serve load: a check failed (see the runs above)' : 'serve load: slower than 3× the build');
    process.exitCode = 1;
  }
}
