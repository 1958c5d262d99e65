import { readFile, rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { MANIFEST_SCHEMA, ManifestOutputs, outputFiles, type Manifest, type ManifestForm, type RemovedSource } from '../model/manifest.js';
import type { Format } from '../render/registry.js';
import { finding } from '../model/messages.js';
import type { Finding } from '../model/finding.js';
import { filedName } from '../model/form-input.js';
import type { Profile, ProfileChoice, ScoreMode } from '../model/profile.js';
import { hasError } from '../model/finding.js';
import { addTimings, noTimings, type Timings } from '../model/timings.js';
import { createPool, defaultJobs } from '../pipeline/pool.js';
import { choiceName, sha256, type FileOutcome } from '../pipeline/process.js';
import { loadProfile } from '../profiles/load-profile.js';
import { writeYearReports } from '../reports/year-reports.js';
import { writeArchiveIndex } from '../reports/archive-index.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { generator } from '../version.js';
import { discover } from './discover.js';
import { errorEntry, manifestEntry } from './manifest.js';
import { DEFAULT_NAME_PATTERN, OutputNames } from './output-names.js';
import { previousManifest } from './previous-manifest.js';
import { isInside } from './safe-name.js';
import { sweepTemporaries } from './sweep.js';
import { writeAtomic } from './write-atomic.js';

export interface BuildOptions {
  out: string;
  /** each form by its layout, or one profile forced for all */
  profile: ProfileChoice;
  mode: ScoreMode;
  typeset: Typesetter;
  namePattern?: string;
  /** rebuild even what is up to date */
  force?: boolean;
  /** delete the outputs of inputs that no longer exist */
  prune?: boolean;
  /** worker threads; 1 renders in this thread */
  jobs?: number;
}

export interface BuildStats {
  files: number;
  built: number;
  reused: number;
  failed: number;
  withErrors: number;
  removed: RemovedSource[];
  pruned: number;
  /** summed over all files (across workers) */
  timings: Timings;
  /** ms from the first job to the first form written */
  firstFormMs: number | null;
}

export interface BuildResult {
  manifest: Manifest;
  /** the forms of this run's inputs, rebuilt or up to date */
  current: ManifestForm[];
  missing: string[];
  /** folders that hold no spreadsheet (yet) */
  empty: string[];
  /** forms left out on purpose (blank templates), with why: said, never archived */
  notes: Finding[];
  stats: BuildStats;
}

export type BuildEvent = { kind: 'start'; total: number } | { kind: 'file'; file: string; done: number; total: number; forms: ManifestForm[]; reused: boolean; notes: Finding[] };

const toPosix = (p: string): string => p.replace(/\\/g, '/');
const exists = async (p: string): Promise<boolean> => (await stat(p).catch(() => null)) !== null;
const outputsOf = (forms: ManifestForm[]): string[] => forms.flatMap((f) => outputFiles(f.outputs).map((o) => o.path));
/** An output's name without its extension: what the names of a form's files share. */
const baseName = (path: string): string => path.slice(0, path.length - extname(path).length);

function groupBySource(forms: ManifestForm[]): Map<string, ManifestForm[]> {
  const map = new Map<string, ManifestForm[]>();
  for (const f of forms) map.set(f.source, [...(map.get(f.source) ?? []), f]);
  return map;
}

/**
 * ziping build: every form of every input, scored, laid out and written in every registered
 * format under `out`, plus manifest.json. A file whose bytes, profile, options and tool version
 * are unchanged since the last build (its fingerprint) is not rebuilt. One bad file becomes an
 * error entry; the others go on.
 */
export async function build(inputs: string[], options: BuildOptions, onEvent?: (e: BuildEvent) => void): Promise<BuildResult> {
  const out = options.out;
  await sweepTemporaries(out);
  const previous = await previousManifest(out);
  const before = groupBySource(previous?.forms ?? []);
  const { files, missing, empty } = await discover(inputs);
  const sources = files.map((file) => ({ file, source: toPosix(file) }));
  const discovered = new Set(sources.map((s) => s.source));
  const pattern = options.namePattern ?? DEFAULT_NAME_PATTERN;
  const settings = sha256(JSON.stringify({ generator, profile: options.profile, mode: options.mode, pattern, fonts: options.typeset.fontDir }));
  const stats: BuildStats = { files: files.length, built: 0, reused: 0, failed: 0, withErrors: 0, removed: [], pruned: 0, timings: noTimings(), firstFormMs: null };

  // Inputs of earlier runs that are not part of this one: still current if their file exists.
  const carried: ManifestForm[] = [];
  for (const [source, forms] of before) {
    if (discovered.has(source)) continue;
    if (await exists(source)) carried.push(...forms);
    else stats.removed.push({ source, projectName: forms[0]?.projectName ?? null, outputs: outputsOf(forms) });
  }
  for (const r of previous?.removed ?? []) if (!discovered.has(r.source) && !(await exists(r.source))) stats.removed.push(r);
  if (options.prune) {
    for (const r of stats.removed)
      for (const o of r.outputs)
        if (isInside(out, o) && (await exists(join(out, o)))) {
          await rm(join(out, o), { force: true });
          stats.pruned++;
        }
  }

  // Decide what is up to date before naming anything, so rebuilt forms never take a kept name.
  const plan: Array<{ file: string; source: string; fingerprint: string; reuse: ManifestForm[] | null }> = [];
  for (const { file, source } of sources) {
    const bytes = await readFile(file).catch(() => null);
    const fingerprint = sha256(`${settings}\n${source}\n${bytes ? sha256(bytes) : 'unreadable'}`);
    const old = before.get(source);
    let reuse: ManifestForm[] | null = null;
    if (!options.force && old && old.every((f) => f.fingerprint === fingerprint)) {
      const present = await Promise.all(outputsOf(old).map((o) => exists(join(out, o))));
      if (present.every(Boolean)) reuse = old;
    }
    plan.push({ file, source, fingerprint, reuse });
  }
  const names = new OutputNames(pattern);
  const owner = (f: { source: string; sheet: string | null }): string => `文件“${f.source}”${f.sheet ? `工作表“${f.sheet}”` : ''}`;
  for (const f of [...carried, ...plan.flatMap((p) => p.reuse ?? [])]) for (const o of outputsOf([f])) names.reserve(baseName(o), owner(f));
  if (!options.prune) for (const r of stats.removed) for (const o of r.outputs) names.reserve(baseName(o), `已删除的文件“${r.source}”`);

  onEvent?.({ kind: 'start', total: plan.length });
  const started = performance.now();
  const toBuild = plan.filter((p) => !p.reuse).length;
  const pool = createPool(options.jobs ?? autoJobs(toBuild), { profile: options.profile, mode: options.mode, typeset: options.typeset });
  const current: ManifestForm[] = [];
  const notes: Finding[] = [];
  try {
    // Jobs run in parallel; results are taken in input order, so names do not depend on timing.
    const jobs = plan.map((item) => (item.reuse ? null : pool.run(item.file, item.source)));
    for (const [index, item] of plan.entries()) {
      let produced: ManifestForm[];
      let fileNotes: Finding[] = [];
      const job = jobs[index];
      if (item.reuse || !job) {
        produced = item.reuse ?? [];
        stats.reused++;
      } else {
        const result = await job.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
        produced = result instanceof Error ? [failedEntry(item, options, result)] : await writeOutputs(result, item, options, names, stats);
        if (!(result instanceof Error)) fileNotes = result.notes;
        // Outputs this source had before and no longer produces (renamed project) go.
        const now = new Set(outputsOf(produced));
        for (const o of outputsOf(before.get(item.source) ?? [])) if (!now.has(o) && isInside(out, o)) await rm(join(out, o), { force: true });
        stats.built++;
        if (stats.firstFormMs === null) stats.firstFormMs = performance.now() - started;
      }
      for (const f of produced) {
        if (f.status === 'error') stats.failed++;
        else if (hasError(f.findings)) stats.withErrors++;
      }
      current.push(...produced);
      notes.push(...fileNotes);
      onEvent?.({ kind: 'file', file: item.source, done: index + 1, total: plan.length, forms: produced, reused: item.reuse !== null, notes: fileNotes });
    }
  } finally {
    await pool.close();
  }
  const forms = [...carried, ...current].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  const manifest: Manifest = { schema: MANIFEST_SCHEMA, generator, forms, ...(options.prune || stats.removed.length === 0 ? {} : { removed: stats.removed }) };
  await writeAtomic(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { sync: true });
  // Nothing changed: the year pages on disk are current unless one went missing.
  const unchanged = stats.built === 0 && stats.pruned === 0 && stats.removed.length === (previous?.removed?.length ?? 0);
  await writeYearReports(out, forms, unchanged, (name) => gradesOf(name, options.profile));
  await writeArchiveIndex({ read: (p) => readFile(join(out, p), 'utf8').catch(() => null), write: (p, text) => writeAtomic(join(out, p), text) }, forms, generator);
  return { manifest, current, missing, empty, notes, stats };
}

/**
 * Threads for a build when the user did not say: a worker thread's warm-up (loading and compiling
 * the writers and the fonts) costs about as much CPU as 80 forms, so below a few hundred forms one
 * thread finishes first; above, every core pays off (measured with npm run bench: 100 forms 24 vs
 * 22 forms/s, 1000 forms 28.5 vs 33.7 forms/s on 2 cores).
 */
export function autoJobs(forms: number): number {
  return forms >= 250 ? defaultJobs() : 1;
}

/** Grade thresholds of the profile a form was scored by (a forced JSON profile is known by its name only here). */
function gradesOf(name: string, choice: ProfileChoice): Profile['grades'] {
  if (choice.kind === 'fixed' && choice.profile.name === name) return choice.profile.grades;
  try {
    return loadProfile(name).grades;
  } catch {
    return loadProfile('ningxia').grades;
  }
}

interface PlanItem {
  file: string;
  source: string;
  fingerprint: string;
}

function failedEntry(item: PlanItem, options: BuildOptions, error: Error): ManifestForm {
  const detail = (error.message.split('\n')[0] ?? '').slice(0, 160);
  return {
    ...errorEntry({ source: item.source, sha256: '', ...choiceName(options.profile), mode: options.mode }, [finding('BUILD_INTERNAL_ERROR', { file: item.source }, { detail })]),
    fingerprint: item.fingerprint,
  };
}

/** Names and writes the outputs of one file's forms (main thread: names must not race). */
async function writeOutputs(result: FileOutcome, item: PlanItem, options: BuildOptions, names: OutputNames, stats: BuildStats): Promise<ManifestForm[]> {
  addTimings(stats.timings, result.timings);
  const t = performance.now();
  const produced: ManifestForm[] = [];
  for (const form of result.forms) {
    const entry = manifestEntry(form, result);
    const input = form.scored?.input;
    if (!input || form.files.length === 0) {
      produced.push({ ...entry, fingerprint: item.fingerprint });
      continue;
    }
    const { name: base, clashesWith } = names.next(
      {
        年度: input.year.value === null ? '未知年度' : String(input.year.value),
        主管部门: input.department.text || '未填写主管部门',
        实施单位: input.implementingUnit.text || '未填写实施单位',
        项目名称: filedName(input) || '未填写项目名称',
        文件名:
          item.source
            .split('/')
            .pop()
            ?.replace(/\.xlsx?$/i, '') ?? '',
        工作表: input.source.sheet,
      },
      `文件“${item.source}”工作表“${input.source.sheet}”`,
    );
    const paths: Partial<Record<Format, string>> = {};
    const sums: Partial<Record<Format, string>> = {};
    for (const file of form.files) {
      const path = `${base}${file.extension}`;
      if (!isInside(options.out, path)) throw new Error(`refusing to write outside ${options.out}: ${base}`);
      await writeAtomic(join(options.out, path), file.bytes);
      paths[file.format] = path;
      sums[file.format] = sha256(file.bytes);
    }
    const outputs = ManifestOutputs.parse({ ...paths, sha256: sums });
    const last = form.files[form.files.length - 1];
    if (clashesWith && last) {
      const name = filedName(input) || '(未填写)';
      entry.findings = [...entry.findings, finding('DUPLICATE_FORM', { file: item.source, cell: input.projectName.cell }, { name, other: clashesWith, output: `${base}${last.extension}` })];
    }
    produced.push({ ...entry, outputs, fingerprint: item.fingerprint });
  }
  stats.timings.write += performance.now() - t;
  return produced;
}
