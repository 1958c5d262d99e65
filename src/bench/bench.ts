import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { link, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from '../archive/build.js';
import { packageRoot } from '../package-root.js';
import { loadProfile } from '../profiles/load-profile.js';
import { typesetterFor } from '../typeset/typesetter.js';
import { generateInputs } from './generate.js';
import { abandonUpload, driveLoad, loadFiles, loadProblems, p50, p95, peakRssMb, startServe } from './serve-load.js';
import { reportChild, type ReportFigures } from './report-bench.js';

/**
 * npm run bench -- [--forms N] [--runs 3] [--vs-libreoffice] [--one] [--rerun] [--scale N] [--jobs N] [--stages] [--keep]
 * npm run bench -- --serve-load [--clients 8] [--each 25] [--runs 3] [--keep]
 *
 * Times whole commands as a user runs them: `node bin/ziping.js build` as a new process (loading,
 * fonts and JIT warm-up included; the inputs are in the OS file cache, as they are after being
 * copied in), each run into a fresh folder, the median of --runs runs; with --vs-libreoffice,
 * LibreOffice's batch conversion of the same inputs, taken in turns with ziping's runs, each with a
 * fresh user profile (about 0.3 s of its ~9 s), and the ratio of the medians.
 * --one: one form, cold. --rerun: the same build again over unchanged inputs. --scale N: N forms
 * (default 1,000), their rate against the --forms rate, peak RSS and a rerun. --stages: where the
 * time goes, per stage, in-process. Peak RSS is the process's (worker threads included), from
 * /usr/bin/time when it is there.
 * --serve-load: --clients colleagues uploading --each forms each (one in ten broken) to one
 * `ziping serve` at once, plus one whose browser closes mid-upload; the whole load's time against
 * a cold `ziping build` of the same files (taken in turns), each upload's time from sending to its
 * result (p50, p95), the serve's peak RSS, and the checks of serve-load.ts. Exits 1 when a check
 * fails or the load takes more than 3× the build.
 * --report 1,100,1000,2000: the year's report (年度报告.pdf) for years of that many forms, each built
 * first and its report then drawn alone in a fresh process, as built and with a third of the forms
 * on the attention list; and where the time of a build of 1,000 (or the largest) goes, the report included.
 */
const { values } = parseArgs({
  options: {
    forms: { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    jobs: { type: 'string' },
    'vs-libreoffice': { type: 'boolean', default: false },
    one: { type: 'boolean', default: false },
    rerun: { type: 'boolean', default: false },
    scale: { type: 'string' },
    stages: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'serve-load': { type: 'boolean', default: false },
    clients: { type: 'string', default: '8' },
    each: { type: 'string', default: '25' },
    report: { type: 'string' },
    'report-child': { type: 'string' },
    attention: { type: 'boolean', default: false },
  },
});

// A fresh process drawing the reports of an output folder, for --report (see report-bench.ts).
if (values['report-child'] !== undefined) {
  console.log(JSON.stringify(await reportChild(values['report-child'], values.attention)));
  process.exit(0);
}
const count = Number(values.forms);
const reportSizes = values.report === undefined ? [] : (values.report || '1,100,1000,2000').split(',').map(Number);
const runs = Math.max(1, Number(values.runs));
const scaleCount = values.scale === undefined ? 0 : Number(values.scale || '1000');
if (scaleCount !== 0 && scaleCount <= count) throw new Error(`--scale ${scaleCount} must be more than --forms ${count}`);
const jobArgs = values.jobs ? ['--jobs', values.jobs] : [];
const cli = join(packageRoot, 'bin', 'ziping.js');
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

interface Run {
  seconds: number;
  peakMb: number | null;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const fmt = (x: number, d = 2): string => x.toFixed(d);

/** One command, its wall time and (with GNU time) its peak resident memory. */
function timed(command: string, args: string[], exitCodes = [0]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const [file, argv] = gnuTime ? [gnuTime, ['-f', 'ZIPING_BENCH_RSS %M', command, ...args]] : [command, args];
    const child = spawn(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (!exitCodes.includes(code ?? -1)) return reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`));
      const kb = /ZIPING_BENCH_RSS (\d+)/.exec(err)?.[1];
      resolve({ seconds, peakMb: kb ? Number(kb) / 1024 : null });
    });
  });
}

function summary(label: string, forms: number, rs: Run[]): { rate: number; seconds: number; peakMb: number | null } {
  const seconds = median(rs.map((r) => r.seconds));
  const peaks = rs.map((r) => r.peakMb).filter((p): p is number => p !== null);
  const peakMb = peaks.length ? Math.max(...peaks) : null;
  const each = rs.map((r) => `${fmt(r.seconds)} s`).join(', ');
  console.log(`${label}: median ${fmt(seconds)} s (${each}) → ${fmt(forms / seconds, 1)} forms/s${peakMb === null ? '' : `, peak RSS ${fmt(peakMb, 0)} MB (largest of ${rs.length})`}`);
  return { rate: forms / seconds, seconds, peakMb };
}

/** One cold `ziping build` of `input` into a fresh folder, checked. */
async function zipingBuild(input: string, forms: number, out: string, exitCodes = [0]): Promise<Run> {
  await rm(out, { recursive: true, force: true });
  const run = await timed(process.execPath, [cli, 'build', input, '--out', out, ...jobArgs], exitCodes);
  await checkBuilt(out, forms);
  return run;
}

async function zipingBuilds(label: string, input: string, forms: number, work: string): Promise<{ rate: number; seconds: number; peakMb: number | null; out: string }> {
  const rs: Run[] = [];
  let out = '';
  for (let i = 0; i < runs; i++) {
    out = join(work, `out-${basename(input)}-${i}`);
    rs.push(await zipingBuild(input, forms, out));
  }
  return { ...summary(label, forms, rs), out };
}

/** A bench of a failing build would time the failure: every form must be in the manifest, built. */
async function checkBuilt(out: string, forms: number): Promise<void> {
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { forms: Array<{ status: string }> };
  const built = manifest.forms.filter((f) => f.status !== 'error').length;
  if (built !== forms) throw new Error(`${out}: ${built} of ${forms} forms built`);
}

/** Whether a command is on PATH (GNU time would run a missing one and exit 127). */
function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

/** One batch conversion by LibreOffice, with a fresh user profile (as a first run on a machine has). */
async function libreOfficeBatch(files: string[], out: string): Promise<Run> {
  const profileDir = await mkdtemp(join(tmpdir(), 'ziping-bench-lo-'));
  try {
    const run = await timed('soffice', ['--headless', '--norestore', `-env:UserInstallation=file://${profileDir}`, '--convert-to', 'pdf', '--outdir', out, ...files]);
    const pdfs = (await readdir(out)).filter((f) => f.endsWith('.pdf')).length;
    if (pdfs !== files.length) throw new Error(`LibreOffice made ${pdfs} of ${files.length} PDFs`);
    return run;
  } finally {
    await rm(profileDir, { recursive: true, force: true });
  }
}

/** The first `n` inputs in a folder of their own (hard links), so both tools get the same files. */
async function subset(files: string[], n: number, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  return Promise.all(
    files.slice(0, n).map(async (f) => {
      const to = join(dir, basename(f));
      await link(f, to);
      return to;
    }),
  );
}

async function stages(input: string, work: string): Promise<void> {
  const typeset = typesetterFor();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await build([input], { out: join(work, 'out-stages'), profile: { kind: 'auto' }, mode: 'auto', typeset, jobs: 1 });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const t = r.stats.timings;
  const per = (x: number): string => `${fmt(x / r.stats.built, 1)} ms`;
  const renders = Object.entries(t.render).map(([format, x]) => `${format} ${per(x)}`);
  console.log(`stages, in-process, one thread, per form (${r.stats.built} forms in ${fmt(ms / 1000)} s, CPU ${fmt((cpu.user + cpu.system) / 1000 / 1000)} s):`);
  console.log(`  read ${per(t.read)}, ingest ${per(t.ingest)}, score ${per(t.score)}, layout ${per(t.layout)}, ${renders.join(', ')}, write ${per(t.write)} (write overlaps the next form)`);
}

/** The serve load against a build of the same files, `runs` times in turns. */
async function serveLoad(work: string): Promise<void> {
  const clients = Number(values.clients);
  const total = clients * Number(values.each);
  console.log(`ziping bench --serve-load: ${clients} clients × ${values.each} uploads, ${runs} run(s), ${cpus().length} CPU(s), node ${process.version}`);
  const files = await loadFiles(join(work, 'forms'), total, 18);
  const good = files.filter((f) => f.good).length;
  const builds: Run[] = [];
  const loads: Array<{ seconds: number; p50: number; p95: number; peakMb: number | null; batch: number }> = [];
  let failed = false;
  for (let i = 0; i < runs; i++) {
    // Exit 1: the broken files are reported as such.
    builds.push(await zipingBuild(join(work, 'forms'), good, join(work, `out-build-${i}`), [1]));
    const home = join(work, `serve-${i}`);
    await mkdir(home);
    const live = await startServe(cli, ['--out', '归档', '--quiet'], home);
    try {
      const abandoned = abandonUpload(live.url, '中途断开.xlsx', files[0]?.bytes ?? Buffer.alloc(0));
      const result = await driveLoad(live.url, files, clients, 600_000);
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
  const build = summary(`ziping build, ${total} files (${total - good} broken), cold command`, total, builds);
  const seconds = median(loads.map((l) => l.seconds));
  const peaks = loads.map((l) => l.peakMb).filter((p): p is number => p !== null);
  console.log(
    `serve load, ${clients} clients × ${values.each} uploads: median ${fmt(seconds)} s (${loads.map((l) => `${fmt(l.seconds)} s`).join(', ')}); per upload, from sending to its result: p50 ${fmt(median(loads.map((l) => l.p50)))} s, p95 ${fmt(median(loads.map((l) => l.p95)))} s (medians of the runs)${peaks.length ? `; serve's peak RSS ${fmt(Math.max(...peaks), 0)} MB` : ''}`,
  );
  const ratio = seconds / build.seconds;
  console.log(`ratio serve load / build of the same files: ${fmt(ratio)}× (limit 3×)`);
  if (failed || ratio > 3) {
    console.log(failed ? 'serve load: a check failed (see the runs above)' : 'serve load: slower than 3× the build');
    process.exitCode = 1;
  }
}

/** A fresh `node dist/bench.js --report-child OUT` and what it measured. */
async function reportRun(out: string, attention: boolean): Promise<ReportFigures[]> {
  const { spawnSync } = await import('node:child_process');
  const child = spawnSync(process.execPath, [process.argv[1] ?? '', '--report-child', out, ...(attention ? ['--attention'] : [])], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`report child failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '[]') as ReportFigures[];
}

async function reportBench(all: string[], work: string): Promise<void> {
  for (const n of reportSizes) {
    const input = join(work, `in-report-${n}`);
    await subset(all, n, input);
    const out = join(work, `out-report-${n}`);
    const built = await zipingBuild(input, n, out);
    for (const attention of [false, true]) {
      const runsOf: ReportFigures[] = [];
      for (let i = 0; i < runs; i++) runsOf.push(...(await reportRun(out, attention)));
      const ms = median(runsOf.map((r) => r.ms));
      const r = runsOf[0];
      if (!r) continue;
      console.log(
        `report of a ${n}-form year${attention ? ', a third on the attention list' : ''}: median ${fmt(ms / 1000)} s cold (${runsOf.map((x) => `${fmt(x.ms / 1000)} s`).join(', ')}), ${r.pages} pages, ${fmt(r.bytes / 1024, 0)} KB, RSS ${fmt(r.rssBeforeMb, 0)} MB before → peak ${fmt(Math.max(...runsOf.map((x) => x.peakMb)), 0)} MB (the whole build: ${fmt(built.seconds)} s)`,
      );
    }
  }
  // Where a build of 1,000 forms (or the largest year) spends its time, the report among the rest (one thread, in-process).
  const largest = reportSizes.includes(1000) ? 1000 : Math.max(...reportSizes);
  const typeset = typesetterFor();
  const t0 = performance.now();
  const r = await build([join(work, `in-report-${largest}`)], { out: join(work, `out-report-stages-${largest}`), profile: { kind: 'auto' }, mode: 'auto', typeset, jobs: 1 });
  const t = r.stats.timings;
  const parts: Array<[string, number]> = [
    ['read', t.read],
    ['ingest', t.ingest],
    ['score', t.score],
    ['layout', t.layout],
    ...Object.entries(t.render),
    ['write', t.write],
    ['report', r.stats.reportMs],
  ];
  console.log(
    `build of ${largest} forms, in-process, one thread, ${fmt((performance.now() - t0) / 1000)} s; summed per part: ${parts
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${fmt(v / 1000)} s`)
      .join(', ')}`,
  );
}

/** Build speed: whole commands over generated forms, against LibreOffice, at scale, by stage. */
async function speed(work: string): Promise<void> {
  const total = Math.max(count, scaleCount, ...reportSizes);
  console.log(
    `ziping bench: ${count} forms${scaleCount ? ` and ${scaleCount}` : ''}, ${runs} run(s) each, ${cpus().length} CPU(s), node ${process.version}${values.jobs ? `, --jobs ${values.jobs}` : ''}`,
  );
  const g0 = performance.now();
  const all = await generateInputs(join(work, 'all'), total, loadProfile('ningxia'), typesetterFor());
  console.log(`generated ${all.length} seed-sized inputs in ${fmt((performance.now() - g0) / 1000)} s (${work})`);
  const files = await subset(all, count, join(work, `in-${count}`));
  const input = join(work, `in-${count}`);

  let ours: { rate: number; out: string };
  if (values['vs-libreoffice'] && onPath('soffice')) {
    // Taken in turns, so a change in the machine's load falls on both alike.
    const mine: Run[] = [];
    const theirs: Run[] = [];
    let out = '';
    for (let i = 0; i < runs; i++) {
      out = join(work, `out-${count}-${i}`);
      mine.push(await zipingBuild(input, count, out));
      theirs.push(await libreOfficeBatch(files, join(work, `lo-${i}`)));
    }
    ours = { ...summary(`ziping build, ${count} forms, cold command`, count, mine), out };
    const lo = summary(`libreoffice --convert-to pdf, one batch, ${count} forms`, count, theirs);
    console.log(`ratio ziping / libreoffice (medians of ${runs}, runs taken in turns): ${fmt(ours.rate / lo.rate, 1)}×`);
  } else {
    ours = await zipingBuilds(`ziping build, ${count} forms, cold command`, input, count, work);
    if (values['vs-libreoffice']) console.log('LibreOffice (soffice) not installed: no comparison');
  }
  if (values.rerun) {
    const rs: Run[] = [];
    for (let i = 0; i < runs; i++) rs.push(await timed(process.execPath, [cli, 'build', input, '--out', ours.out, ...jobArgs]));
    summary(`rerun over ${count} unchanged forms`, count, rs);
  }
  if (values.one) {
    const one = await subset(files, 1, join(work, 'in-1'));
    const rs: Run[] = [];
    for (let i = 0; i < runs; i++) {
      const out = join(work, `out-one-${i}`);
      rs.push(await zipingBuild(one[0] ?? '', 1, out));
    }
    summary('one form, cold command', 1, rs);
  }
  if (scaleCount) {
    const big = await zipingBuilds(`ziping build, ${scaleCount} forms, cold command`, join(work, 'all'), scaleCount, work);
    console.log(`rate at ${scaleCount} against ${count} forms: ${fmt(big.rate / ours.rate)}×`);
    const rs: Run[] = [];
    for (let i = 0; i < runs; i++) rs.push(await timed(process.execPath, [cli, 'build', join(work, 'all'), '--out', big.out, ...jobArgs]));
    summary(`rerun over ${scaleCount} unchanged forms`, scaleCount, rs);
  }
  if (values.stages) await stages(input, work);
  if (reportSizes.length > 0) await reportBench(all, work);
}

const work = await mkdtemp(join(tmpdir(), 'ziping-bench-'));
try {
  await (values['serve-load'] ? serveLoad(work) : speed(work));
} finally {
  if (!values.keep) await rm(work, { recursive: true, force: true });
}
