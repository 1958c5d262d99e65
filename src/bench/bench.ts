import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from '../archive/build.js';
import { packageRoot } from '../package-root.js';
import { loadProfile } from '../profiles/load-profile.js';
import { typesetterFor } from '../typeset/typesetter.js';
import { generateInputs } from './generate.js';
import {
  fmt,
  kb,
  libreOfficeBatch,
  mb,
  medianKb,
  onPath,
  pdfSizes,
  rerun,
  runtimes,
  say,
  subset,
  summarise,
  zipingBuild,
  zipingBuildWith,
  type BuildArgs,
  type Run,
  type Runtime,
  type Summary,
} from './measure.js';
import { reportBench, reportChild } from './report-bench.js';
import { serveLoadBench } from './serve-load-bench.js';

/**
 * npm run bench -- [--forms N] [--runs 3] [--vs-libreoffice] [--one] [--rerun] [--scale N]
 *                  [--one-department] [--sizes] [--node PATH]… [--jobs N] [--stages] [--idle] [--keep]
 * npm run bench -- --acceptance      (what issue 22's acceptance asks for, and --idle)
 * npm run bench -- --serve-load [--clients 8] [--each 25] [--runs 3] [--keep]
 * npm run bench -- --report 1,100,1000,2000 [--runs 3]
 *
 * Times whole commands as a user runs them: `node bin/ziping.js build` as a new process (loading,
 * fonts and JIT warm-up included; the inputs are in the OS file cache, as they are after being
 * copied in), each run into a fresh folder, the median of --runs runs; on every Node given with
 * --node (default: this one, and Node 24 where .ci/run installs it), taken in turns; with
 * --vs-libreoffice, LibreOffice's batch conversion of the same inputs in the same turns, each with
 * a fresh user profile (about 0.3 s of its ~9 s), and the ratio of the medians.
 * --one: one form, cold. --rerun: the same build again over unchanged inputs. --scale N: N forms
 * (default 1,000), their rate against the --forms rate, peak RSS and a rerun; --one-department
 * makes them all one 主管部门's, so one 合并打印.pdf holds all N. --sizes: the seed's PDF, the
 * bench forms' PDFs and the combined PDFs, in bytes. --stages: where the time goes, per stage,
 * in-process. --idle: the main thread's idle and garbage-collection time in one more cold build
 * of the --forms forms on each Node (V8's CPU profile). Peak RSS is the process's (worker threads
 * included), from /usr/bin/time when it is there.
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
    node: { type: 'string', multiple: true },
    'vs-libreoffice': { type: 'boolean', default: false },
    one: { type: 'boolean', default: false },
    rerun: { type: 'boolean', default: false },
    scale: { type: 'string' },
    'one-department': { type: 'boolean', default: false },
    sizes: { type: 'boolean', default: false },
    stages: { type: 'boolean', default: false },
    idle: { type: 'boolean', default: false },
    acceptance: { type: 'boolean', default: false },
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
const all = values.acceptance;
const want = {
  libreOffice: all || values['vs-libreoffice'],
  one: all || values.one,
  rerun: all || values.rerun,
  oneDepartment: all || values['one-department'],
  sizes: all || values.sizes,
};
const count = Number(values.forms);
const runs = Math.max(1, Number(values.runs));
const scaleCount = values.scale === undefined ? (all ? 1000 : 0) : Number(values.scale || '1000');
if (scaleCount !== 0 && scaleCount <= count) throw new Error(`--scale ${scaleCount} must be more than --forms ${count}`);
const reportSizes = values.report === undefined ? [] : (values.report || '1,100,1000,2000').split(',').map(Number);
const args: BuildArgs = { jobArgs: values.jobs ? ['--jobs', values.jobs] : [] };
const SEED = join(packageRoot, 'data', '2021-机构编制管理事务经费.xlsx');

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
  console.log(`stages, in-process (${process.version}), one thread, per form (${r.stats.built} forms in ${fmt(ms / 1000)} s, CPU ${fmt((cpu.user + cpu.system) / 1000 / 1000)} s):`);
  console.log(`  read ${per(t.read)}, ingest ${per(t.ingest)}, score ${per(t.score)}, layout ${per(t.layout)}, ${renders.join(', ')}, write ${per(t.write)} (write overlaps the next form)`);
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string } }>;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Where the main thread's time goes in one cold build (V8's CPU profile of the process's main
 * thread): working, idle (waiting for the disk or a worker) and collecting garbage, in all and
 * in the last quarter of the run, where the year pages, the combined PDFs and the manifest are
 * written one after another.
 */
async function mainThreadProfile(node: Runtime, input: string, forms: number, work: string): Promise<void> {
  const dir = join(work, `profile-${node.version}`);
  const out = join(work, `out-profile-${node.version}`);
  await zipingBuildWith(node, ['--cpu-prof', `--cpu-prof-dir=${dir}`], input, forms, out, args);
  const [file] = await readdir(dir);
  const profile = JSON.parse(await readFile(join(dir, file ?? ''), 'utf8')) as CpuProfile;
  const names = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName]));
  const total = profile.timeDeltas.reduce((a, b) => a + b, 0);
  const sum = { idle: 0, gc: 0, lateIdle: 0, late: 0 };
  let t = 0;
  profile.samples.forEach((id, i) => {
    const d = profile.timeDeltas[i] ?? 0;
    t += d;
    const name = names.get(id);
    const late = t > total * 0.75;
    if (late) sum.late += d;
    if (name === '(idle)') {
      sum.idle += d;
      if (late) sum.lateIdle += d;
    } else if (name === '(garbage collector)') sum.gc += d;
  });
  const s = (us: number): string => `${fmt(us / 1e6)} s`;
  console.log(`main thread, ${forms} forms [node ${node.version}]: ${s(total)} in all, idle ${s(sum.idle)}, garbage collection ${s(sum.gc)}; last quarter idle ${s(sum.lateIdle)} of ${s(sum.late)}`);
}

/** The closing table: one row per measure, one column per Node (and LibreOffice). */
const rows: Array<{ measure: string; cells: string[]; lo?: string }> = [];
const cell = (s: Summary, forms: number): string => `${fmt(s.seconds)} s${forms > 1 ? `, ${fmt(s.rate, 1)}/s` : ''}${s.peakMb === null ? '' : `, ${fmt(s.peakMb, 0)} MB`}`;

/** `measure` on every Node, taken in turns, the median of the runs for each. */
async function eachNode(nodes: Runtime[], measure: string, forms: number, once: (node: Runtime, run: number) => Promise<Run>): Promise<Summary[]> {
  const rs: Run[][] = nodes.map(() => []);
  for (let i = 0; i < runs; i++) for (const [k, node] of nodes.entries()) rs[k]?.push(await once(node, i));
  const sums = rs.map((r) => summarise(forms, r));
  sums.forEach((s, k) => say(`${measure} [node ${nodes[k]?.version}]`, s));
  rows.push({ measure, cells: sums.map((s) => cell(s, forms)) });
  return sums;
}

const nodes = runtimes(values.node);
const work = await mkdtemp(join(tmpdir(), 'ziping-bench-'));
try {
  if (values['serve-load']) await serveLoadBench(work, { clients: Number(values.clients), each: Number(values.each), runs, args });
  else if (reportSizes.length > 0 && !all) await reportBench(work, { sizes: reportSizes, runs, args });
  else await speed();
} finally {
  if (!values.keep) await rm(work, { recursive: true, force: true });
}

/** Build speed: whole commands over generated forms, on each Node, against LibreOffice, at scale, by stage. */
async function speed(): Promise<void> {
  console.log(
    `ziping bench: ${count} forms${scaleCount ? ` and ${scaleCount}${want.oneDepartment ? ' of one department' : ''}` : ''}, ${runs} run(s) each, ${cpus().length} CPU(s)${values.jobs ? `, --jobs ${values.jobs}` : ''}`,
  );
  console.log(`runtimes: ${nodes.map((n) => `node ${n.version} (${n.path})`).join('; ')}`);
  const g0 = performance.now();
  const typeset = typesetterFor();
  const profile = loadProfile('ningxia');
  const generated = await generateInputs(join(work, 'gen'), count, profile, typeset);
  const input = join(work, `in-${count}`);
  const files = await subset(generated, count, input);
  const scaleInput = join(work, `in-${scaleCount}`);
  if (scaleCount) await generateInputs(scaleInput, scaleCount, profile, typeset, want.oneDepartment ? '自治区财政厅' : undefined);
  console.log(`generated ${count + scaleCount} seed-sized inputs in ${fmt((performance.now() - g0) / 1000)} s (${work})`);

  const lastOut = new Map<string, string>();
  const build100 = (node: Runtime, i: number): Promise<Run> => {
    const out = join(work, `out-${count}-${node.version}-${i}`);
    lastOut.set(node.version, out);
    return zipingBuild(node, input, count, out, args);
  };
  const label = `${count} forms, cold command`;
  if (want.libreOffice && onPath('soffice')) {
    // Taken in turns (each Node, then LibreOffice), so a change in the machine's load falls on all alike.
    const mine: Run[][] = nodes.map(() => []);
    const theirs: Run[] = [];
    for (let i = 0; i < runs; i++) {
      for (const [k, node] of nodes.entries()) mine[k]?.push(await build100(node, i));
      theirs.push(await libreOfficeBatch(files, join(work, `lo-${i}`)));
    }
    const lo = summarise(count, theirs);
    say(`libreoffice --convert-to pdf, one batch, ${count} forms`, lo);
    const sums = mine.map((r) => summarise(count, r));
    sums.forEach((s, k) => {
      say(`${label} [node ${nodes[k]?.version}]`, s);
      console.log(`  ratio ziping / libreoffice (medians of ${runs}, runs taken in turns): ${fmt(s.rate / lo.rate, 1)}×`);
    });
    rows.push({ measure: label, cells: sums.map((s) => `${cell(s, count)} (${fmt(s.rate / lo.rate, 1)}× LibreOffice)`), lo: cell(lo, count) });
  } else {
    await eachNode(nodes, label, count, build100);
    if (want.libreOffice) console.log('LibreOffice (soffice) not installed: no comparison');
  }
  if (want.rerun) await eachNode(nodes, `rerun over ${count} unchanged forms`, count, (node) => rerun(node, input, lastOut.get(node.version) ?? '', args));
  if (want.one) {
    const [one] = await subset(files, 1, join(work, 'in-1'));
    await eachNode(nodes, 'one form, cold command', 1, (node, i) => zipingBuild(node, one ?? '', 1, join(work, `out-one-${node.version}-${i}`), args));
  }
  if (scaleCount) {
    const scaleOut = new Map<string, string>();
    const what = `${scaleCount} forms${want.oneDepartment ? ' of one department' : ''}, cold command`;
    await eachNode(nodes, what, scaleCount, (node, i) => {
      const out = join(work, `out-${scaleCount}-${node.version}-${i}`);
      scaleOut.set(node.version, out);
      return zipingBuild(node, scaleInput, scaleCount, out, args);
    });
    await eachNode(nodes, `rerun over ${scaleCount} unchanged forms`, scaleCount, (node) => rerun(node, scaleInput, scaleOut.get(node.version) ?? '', args));
    if (want.sizes) {
      const sizes = await pdfSizes(scaleOut.get(nodes[0]?.version ?? '') ?? '');
      const biggest = Math.max(0, ...sizes.combined);
      console.log(`sizes, ${scaleCount} forms: largest 合并打印.pdf ${mb(biggest)} (${sizes.combined.length} combined file(s)); forms' PDFs ${mb(sizes.forms.reduce((a, b) => a + b, 0))} together`);
      rows.push({ measure: `${scaleCount} forms: largest 合并打印.pdf`, cells: [mb(biggest)] });
    }
  }
  if (want.sizes) {
    const seedOut = join(work, 'out-seed');
    await zipingBuild(nodes[0] ?? { path: process.execPath, version: process.version }, SEED, 1, seedOut, args);
    const seed = (await pdfSizes(seedOut)).forms[0] ?? 0;
    const bench = await pdfSizes(lastOut.get(nodes[0]?.version ?? '') ?? '');
    console.log(
      `sizes: seed form PDF ${kb(seed)}; ${count} bench forms' PDFs median ${medianKb(bench.forms)}, one-page ones median ${medianKb(bench.onePage)} (${bench.onePage.length} of ${bench.forms.length}); 合并打印.pdf ${bench.combined.map(kb).join(', ')}`,
    );
    rows.push({ measure: 'seed form PDF (2 pages)', cells: [kb(seed)] });
    rows.push({ measure: `bench form PDF, median of ${bench.forms.length}`, cells: [medianKb(bench.forms)] });
  }
  if (values.stages) await stages(input, work);
  if (all || values.idle) for (const node of nodes) await mainThreadProfile(node, input, count, work);

  console.log('');
  console.log(`| measure | ${nodes.map((n) => `node ${n.version}`).join(' | ')} | LibreOffice |`);
  console.log(`| --- | ${nodes.map(() => '---').join(' | ')} | --- |`);
  for (const r of rows) {
    const cells = r.cells.length === 1 && nodes.length > 1 ? [r.cells[0] ?? '', ...nodes.slice(1).map(() => '(same)')] : r.cells;
    console.log(`| ${r.measure} | ${cells.join(' | ')} | ${r.lo ?? ''} |`);
  }
  if (reportSizes.length > 0) await reportBench(work, { sizes: reportSizes, runs, args });
}
