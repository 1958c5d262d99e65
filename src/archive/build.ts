import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { activeFontDir } from '../layout/fonts.js';
import { MANIFEST_SCHEMA, type Manifest, type ManifestForm, type RemovedSource } from '../model/manifest.js';
import type { Profile, ScoreMode } from '../model/profile.js';
import { finding } from '../model/messages.js';
import { generator } from '../version.js';
import { discover } from './discover.js';
import { DEFAULT_NAME_PATTERN, OutputNames } from './output-names.js';
import { previousManifest } from './previous-manifest.js';
import { readAndScore, sha256 } from './read-and-score.js';
import { renderForm } from './render-form.js';
import { isInside } from './safe-name.js';
import { sweepTemporaries } from './sweep.js';
import { writeAtomic } from './write-atomic.js';
import { writeYearReports } from './year-reports.js';

export interface BuildOptions {
  out: string;
  profile: Profile;
  mode: ScoreMode;
  namePattern?: string;
  /** rebuild even what is up to date */
  force?: boolean;
  /** delete the outputs of inputs that no longer exist */
  prune?: boolean;
}

export interface BuildStats {
  files: number;
  built: number;
  reused: number;
  failed: number;
  withErrors: number;
  removed: RemovedSource[];
  pruned: number;
}

export interface BuildResult {
  manifest: Manifest;
  /** the forms of this run's inputs, rebuilt or up to date */
  current: ManifestForm[];
  missing: string[];
  /** folders that hold no spreadsheet (yet) */
  empty: string[];
  stats: BuildStats;
}

export type BuildEvent =
  | { kind: 'start'; total: number }
  | { kind: 'file'; file: string; done: number; total: number; forms: ManifestForm[]; reused: boolean };

const toPosix = (p: string): string => p.replace(/\\/g, '/');
const exists = async (p: string): Promise<boolean> => (await stat(p).catch(() => null)) !== null;
const outputsOf = (forms: ManifestForm[]): string[] => forms.flatMap((f) => (f.outputs ? [f.outputs.xlsx, f.outputs.pdf] : []));

function groupBySource(forms: ManifestForm[]): Map<string, ManifestForm[]> {
  const map = new Map<string, ManifestForm[]>();
  for (const f of forms) map.set(f.source, [...(map.get(f.source) ?? []), f]);
  return map;
}

/**
 * ziping build: every form of every input, scored, laid out and written as .xlsx and .pdf under
 * `out`, plus manifest.json. A file whose bytes, profile, options and tool version are unchanged
 * since the last build (its fingerprint) is not rebuilt. One bad file becomes an error entry;
 * the others go on.
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
  const settings = sha256(JSON.stringify({ generator, profile: options.profile, mode: options.mode, pattern, fonts: activeFontDir() }));
  const stats: BuildStats = { files: files.length, built: 0, reused: 0, failed: 0, withErrors: 0, removed: [], pruned: 0 };

  // Inputs of earlier runs that are not part of this one: still current if their file exists.
  const carried: ManifestForm[] = [];
  for (const [source, forms] of before) {
    if (discovered.has(source)) continue;
    if (await exists(source)) carried.push(...forms);
    else stats.removed.push({ source, projectName: forms[0]?.projectName ?? null, outputs: outputsOf(forms) });
  }
  for (const r of previous?.removed ?? []) if (!discovered.has(r.source) && !(await exists(r.source))) stats.removed.push(r);
  if (options.prune) {
    for (const r of stats.removed) for (const o of r.outputs) if (isInside(out, o) && (await exists(join(out, o)))) {
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
  for (const f of [...carried, ...plan.flatMap((p) => p.reuse ?? [])]) for (const o of outputsOf([f])) names.reserve(o.replace(/\.(xlsx|pdf)$/, ''), owner(f));
  if (!options.prune) for (const r of stats.removed) for (const o of r.outputs) names.reserve(o.replace(/\.(xlsx|pdf)$/, ''), `已删除的文件“${r.source}”`);

  onEvent?.({ kind: 'start', total: plan.length });
  const current: ManifestForm[] = [];
  let done = 0;
  for (const item of plan) {
    let produced: ManifestForm[];
    if (item.reuse) {
      produced = item.reuse;
      stats.reused++;
    } else {
      produced = await buildFile(item.file, item.source, item.fingerprint, options, names);
      // Outputs this source had before and no longer produces (renamed project) go.
      const now = new Set(outputsOf(produced));
      for (const o of outputsOf(before.get(item.source) ?? [])) if (!now.has(o) && isInside(out, o)) await rm(join(out, o), { force: true });
      stats.built++;
    }
    for (const f of produced) {
      if (f.status === 'error') stats.failed++;
      else if (f.findings.some((x) => x.severity === 'error')) stats.withErrors++;
    }
    current.push(...produced);
    done++;
    onEvent?.({ kind: 'file', file: item.source, done, total: plan.length, forms: produced, reused: item.reuse !== null });
  }
  const forms = [...carried, ...current].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  const manifest: Manifest = { schema: MANIFEST_SCHEMA, generator, forms, ...(options.prune || stats.removed.length === 0 ? {} : { removed: stats.removed }) };
  await writeAtomic(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // Nothing changed: the year pages on disk are current unless one went missing.
  const unchanged = stats.built === 0 && stats.pruned === 0 && stats.removed.length === (previous?.removed?.length ?? 0);
  await writeYearReports(out, forms, unchanged);
  return { manifest, current, missing, empty, stats };
}

async function buildFile(file: string, source: string, fingerprint: string, options: BuildOptions, names: OutputNames): Promise<ManifestForm[]> {
  const produced: ManifestForm[] = [];
  for (const { entry, scored } of await readAndScore(file, source, options.profile, options.mode)) {
    if (!scored) {
      produced.push({ ...entry, fingerprint });
      continue;
    }
    const rendered = await renderForm(scored, options.profile);
    const input = scored.input;
    const { name: base, clashesWith } = names.next({
      年度: input.year.value === null ? '未知年度' : String(input.year.value),
      主管部门: input.department.text || '未填写主管部门',
      实施单位: input.implementingUnit.text || '未填写实施单位',
      项目名称: input.projectName.text || '未填写项目名称',
      文件名: source.split('/').pop()?.replace(/\.xlsx?$/i, '') ?? '',
      工作表: input.source.sheet,
    }, `文件“${source}”工作表“${input.source.sheet}”`);
    const xlsx = `${base}.xlsx`;
    const pdf = `${base}.pdf`;
    if (!isInside(options.out, xlsx) || !isInside(options.out, pdf)) throw new Error(`refusing to write outside ${options.out}: ${base}`);
    await writeAtomic(join(options.out, xlsx), rendered.xlsx);
    await writeAtomic(join(options.out, pdf), rendered.pdf);
    produced.push({
      ...entry,
      findings: [
        ...entry.findings,
        ...rendered.findings,
        ...(clashesWith ? [finding('DUPLICATE_FORM', { file: source, cell: input.projectName.cell }, { name: input.projectName.text || '(未填写)', other: clashesWith, output: pdf })] : []),
      ],
      outputs: { xlsx, pdf, sha256: { xlsx: sha256(rendered.xlsx), pdf: sha256(rendered.pdf) } },
      fingerprint,
    });
  }
  return produced;
}
