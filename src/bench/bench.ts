import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { autoJobs, build, type BuildResult } from '../archive/build.js';
import { loadProfile } from '../profiles/load-profile.js';
import { typesetterFor } from '../typeset/typesetter.js';
import { generateInputs } from './generate.js';

/**
 * npm run bench -- [--forms N] [--jobs N] [--vs-libreoffice] [--rerun]
 * Generates N forms, builds them all (ingest, score, layout, xlsx, pdf, write), prints throughput,
 * per-stage time, peak RSS and time to the first finished form; optionally LibreOffice's batch
 * conversion of the same inputs, in the same run, and a rerun over the unchanged set.
 */
const { values } = parseArgs({
  options: {
    forms: { type: 'string', default: '100' },
    jobs: { type: 'string' },
    'vs-libreoffice': { type: 'boolean', default: false },
    rerun: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const count = Number(values.forms);
const jobs = values.jobs ? Number(values.jobs) : autoJobs(count);
const profile = loadProfile('ningxia');
const choice = { kind: 'auto' } as const;
const typeset = typesetterFor();

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 20);

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function libreOffice(files: string[], out: string): Promise<{ seconds: number; pdfs: number } | null> {
  const started = performance.now();
  const profileDir = await mkdtemp(join(tmpdir(), 'ziping-bench-lo-'));
  const ok = await new Promise<boolean>((resolve) => {
    execFile(
      'soffice',
      ['--headless', '--norestore', `-env:UserInstallation=file://${profileDir}`, '--convert-to', 'pdf', '--outdir', out, ...files],
      { timeout: 600_000, maxBuffer: 64 * 1024 * 1024 },
      (error) => resolve(error === null || (error as NodeJS.ErrnoException).code !== 'ENOENT'),
    );
  });
  await rm(profileDir, { recursive: true, force: true });
  if (!ok) return null;
  const pdfs = (await readdir(out)).filter((f) => f.endsWith('.pdf')).length;
  return { seconds: (performance.now() - started) / 1000, pdfs };
}

function report(label: string, r: BuildResult, ms: number): void {
  const t = r.stats.timings;
  console.log(`${label}: ${r.stats.built} built, ${r.stats.reused} up to date, ${r.stats.failed} failed in ${s(ms)} → ${(r.current.length / (ms / 1000)).toFixed(1)} forms/s`);
  if (r.stats.built > 0) {
    const renders = Object.entries(t.render)
      .map(([format, ms]) => `${format} ${s(ms)}`)
      .join(', ');
    console.log(
      `  per-stage time (summed per form; forms overlap, rendering on worker threads): read ${s(t.read)}, ingest ${s(t.ingest)}, score ${s(t.score)}, layout ${s(t.layout)}, ${renders}, write ${s(t.write)}`,
    );
    console.log(`  first form finished ${s(r.stats.firstFormMs ?? 0)} after start`);
  }
}

const work = await mkdtemp(join(tmpdir(), 'ziping-bench-'));
try {
  console.log(`ziping bench: ${count} forms, ${jobs} job(s), node ${process.version}`);
  const g0 = performance.now();
  const files = await generateInputs(join(work, 'in'), count, profile, typeset);
  console.log(`generated ${files.length} inputs in ${s(performance.now() - g0)} (${work})`);
  peakRss = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const first = await build([join(work, 'in')], { out: join(work, 'out'), profile: choice, mode: 'auto', typeset, jobs });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  report('ziping build', first, ms);
  console.log(`  CPU time (all threads) ${s((cpu.user + cpu.system) / 1000)} = ${((cpu.user + cpu.system) / 1000 / ms).toFixed(2)} cores busy on average`);
  console.log(`  peak RSS (main process, includes worker threads) ${(peakRss / 1024 / 1024).toFixed(0)} MB`);
  const ours = first.current.length / (ms / 1000);
  if (values.rerun) {
    const t1 = performance.now();
    report('rerun (unchanged)', await build([join(work, 'in')], { out: join(work, 'out'), profile: choice, mode: 'auto', typeset, jobs }), performance.now() - t1);
  }
  if (values['vs-libreoffice']) {
    const lo = await libreOffice(files, join(work, 'lo'));
    if (!lo) console.log('LibreOffice (soffice) not installed: no comparison');
    else {
      const theirs = lo.pdfs / lo.seconds;
      console.log(`libreoffice --convert-to pdf (one batch): ${lo.pdfs} PDFs in ${lo.seconds.toFixed(2)} s → ${theirs.toFixed(1)} forms/s`);
      console.log(`ratio ziping / libreoffice: ${(ours / theirs).toFixed(1)}×`);
    }
  }
} finally {
  clearInterval(sampler);
  if (!values.keep) await rm(work, { recursive: true, force: true });
}
