import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { basename, extname, posix, relative, resolve, sep } from 'node:path';
import { ArchiveError, archiveError, runMessage, type RunMessage } from '../model/archive-messages.js';
import { formFiles, hasEveryFormat, MANIFEST_SCHEMA, ManifestOutputs, type Manifest, type ManifestForm, type RemovedSource, type YearReport } from '../model/manifest.js';
import type { Format } from '../render/registry.js';
import { finding } from '../model/messages.js';
import { filedName } from '../model/form-input.js';
import { recordedPath, shownPath } from '../model/shown-path.js';
import type { Profile, ProfileChoice, ScoreMode } from '../model/profile.js';
import { hasError, type Finding } from '../model/finding.js';
import { addTimings, noTimings, type Timings } from '../model/timings.js';
import { createPool, defaultJobs } from '../pipeline/pool.js';
import { choiceName, sha256, type FileOutcome } from '../pipeline/process.js';
import { loadProfile } from '../profiles/load-profile.js';
import { COMBINED_NAME } from '../reports/combined-pdfs.js';
import { INDEX_FILE, REPORT_FILE, SUMMARY_FILE, writeYearReports } from '../reports/year-reports.js';
import type { ReportOptions } from '../reports/year-report/write.js';
import { ROOT_INDEX_FILE, writeArchiveIndex } from '../reports/archive-index.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { generator } from '../version.js';
import type { ArchiveFs } from './archive-fs.js';
import { ArchiveAreas } from './archive-areas.js';
import { discover } from './discover.js';
import { LOCK_FILE, type LockTimes } from './lock.js';
import { errorEntry, manifestEntry } from './manifest.js';
import { dropRecords, formDigests, loadPrevious, MANIFEST_FILE, writeManifest, writeRecords, writeYearsRecord } from './manifest-file.js';
import { DEFAULT_NAME_PATTERN, OutputNames } from './output-names.js';
import { isInside } from './safe-name.js';
import { openArchive, type Archive } from './session.js';
import { withHistory, type FormRevision } from './revisions.js';
import { Successions, type Taker } from './successions.js';
import { writeAnnotatedCopy } from './annotated-copy.js';
import { claimedPaths } from './own-files.js';
import { ANNOTATED_FOLDER, REVIEW_FILE } from '../reports/review-sheets.js';

export interface BuildOptions {
  out: string;
  /** each form by its layout, or one profile forced for all */
  profile: ProfileChoice;
  mode: ScoreMode;
  typeset: Typesetter;
  namePattern?: string;
  /** the archive's name on the years' printed reports (default the output folder's name) */
  archiveName?: string;
  /** rebuild even what is up to date */
  force?: boolean;
  /** delete the outputs of inputs that no longer exist */
  prune?: boolean;
  /** worker threads; 1 renders in this thread */
  jobs?: number;
  /** the output folder already opened (its lock held) by the caller, e.g. a watch session; else build opens and closes it */
  archive?: Archive;
  /** when build opens the folder itself: how long to wait for another run, and what to say meanwhile */
  lockTimes?: Partial<LockTimes>;
  /** the command shown to another run that finds the folder in use (default `ziping build`) */
  command?: string;
  /**
   * May `earlier` (a source of the archive still on disk that this run does not read) give way to
   * `by` (one of this run's inputs, whose forms are all of its projects)? serve moves an earlier
   * upload aside and says yes: the new form then takes its place (see successions.ts).
   */
  replaceEarlier?: (earlier: string, by: string) => Promise<boolean>;
  onMessage?: (m: RunMessage) => void;
}

export interface BuildStats {
  files: number;
  built: number;
  reused: number;
  /** files rebuilt only because an output was missing or damaged */
  repaired: number;
  failed: number;
  withErrors: number;
  removed: RemovedSource[];
  pruned: number;
  /** summed over all files (across workers) */
  timings: Timings;
  /** ms from the first job to the first form written */
  firstFormMs: number | null;
  /** ms spent on the years' printed reports (年度报告.pdf) */
  reportMs: number;
}

export interface BuildResult {
  manifest: Manifest;
  /** the forms of this run's inputs, rebuilt or up to date */
  current: ManifestForm[];
  missing: string[];
  /** folders that hold no spreadsheet (yet) */
  empty: string[];
  stats: BuildStats;
  /** what the run says about itself: unreadable folders, a damaged manifest, repaired outputs… */
  messages: RunMessage[];
  /** forms left out on purpose (blank templates), with why: said, never archived */
  notes: Finding[];
  /** forms rebuilt from a changed source (a corrected file), with what changed */
  revisions: FormRevision[];
}

export type BuildEvent =
  | { kind: 'start'; total: number }
  | {
      kind: 'file';
      file: string;
      done: number;
      total: number;
      forms: ManifestForm[];
      reused: boolean;
      /** outputs re-rendered because they were missing or damaged */ repaired: string[];
      /** forms of the file left out on purpose (a blank template) */ notes: Finding[];
      /** its forms whose source changed since the last build, and what that did to their findings */ revisions: FormRevision[];
    };

const exists = async (p: string): Promise<boolean> => (await stat(p).catch(() => null)) !== null;
const outputsOf = (forms: ManifestForm[]): string[] => forms.flatMap((f) => formFiles(f).map((o) => o.path));
/** An output's name without its extension: what the names of a form's files share. */
const baseName = (path: string): string => path.slice(0, path.length - extname(path).length);
const bySource = (a: ManifestForm, b: ManifestForm): number => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0);

function groupBySource(forms: ManifestForm[]): Map<string, ManifestForm[]> {
  const map = new Map<string, ManifestForm[]>();
  for (const f of forms) map.set(f.source, [...(map.get(f.source) ?? []), f]);
  return map;
}

/**
 * Write errors that concern one form's files (a link or a file where its folder goes, a name the
 * system refuses, a file open in Excel): that form fails, the others go on. Any other (disk full,
 * read-only disk, I/O error) ends the run.
 */
const formLocal = new Set(['PATH_SYMLINK', 'PATH_OUTSIDE', 'OUTPUT_INSIDE_INPUT', 'FS_ENOTDIR', 'FS_EISDIR', 'FS_EEXIST', 'FS_ENAMETOOLONG', 'FS_EBUSY', 'FS_EPERM', 'FS_EACCES', 'FS_ELOOP']);

const sizeText = (bytes: number): string => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

const failedToWrite = (f: ManifestForm): boolean => f.findings.some((x) => x.code === 'OUTPUT_WRITE_FAILED');

/** Removes an output; one that cannot be removed (open in Excel, a link on the way) is said, not fatal. */
async function removeOrSay(fs: ArchiveFs, path: string, messages: RunMessage[]): Promise<boolean> {
  try {
    const removed = await fs.remove(path);
    // A department folder left empty goes too, so the archive's folders match its forms.
    if (removed) await fs.removeEmptyDirs(path);
    return removed;
  } catch (error) {
    if (!(error instanceof ArchiveError) || !formLocal.has(error.code)) throw error;
    messages.push({ code: error.code, severity: 'warning', message: error.message });
    return false;
  }
}

/** Why a recorded output cannot be reused, or null when it is on disk as recorded. */
async function outputProblem(fs: ArchiveFs, path: string, recorded: string): Promise<string | null> {
  const found = await fs.hashOf(path).catch(() => null);
  if (found === null) return '无法读取';
  if (found.kind === 'missing') return '已被删除(或移走)';
  if (found.kind !== 'file') return '已不是普通文件';
  return found.sha256 === recorded ? null : '的内容与清单记录不符(被改动或损坏)';
}

/**
 * ziping build: every form of every input, scored, laid out and written in every registered
 * format under `out`, plus manifest.json. A file whose bytes, profile, options and tool version
 * are unchanged since the last build (its fingerprint), and whose outputs are on disk with the
 * recorded sha256, is not rebuilt. One bad file becomes an error entry; the others go on.
 * The output folder is locked for the whole run (see session.ts).
 */
export async function build(inputs: string[], options: BuildOptions, onEvent?: (e: BuildEvent) => void): Promise<BuildResult> {
  const archive =
    options.archive ??
    (await openArchive(options.out, {
      command: options.command ?? 'ziping build',
      ...(options.lockTimes ? { lockTimes: options.lockTimes } : {}),
      ...(options.onMessage ? { onMessage: options.onMessage } : {}),
    }));
  try {
    return await buildIn(archive, inputs, options, onEvent);
  } finally {
    if (!options.archive) await archive.close();
  }
}

async function buildIn(archive: Archive, inputs: string[], options: BuildOptions, onEvent?: (e: BuildEvent) => void): Promise<BuildResult> {
  const fs = archive.fs;
  const messages: RunMessage[] = [];

  const loaded = await loadPrevious(fs);
  messages.push(...loaded.messages);
  const previous = loaded.manifest;
  const before = groupBySource(previous?.forms ?? []);

  // An input in what the archive writes would mix its files with the ones to read; one beside
  // them (an inbox next to the year folders, with --out .) is an input like any other, and no
  // output may be written into it (see writeOutputs).
  const areas = new ArchiveAreas(fs.root, previous);
  const inputsInside: string[] = [];
  for (const input of inputs) {
    const real = await realpath(input).catch(() => null);
    if (real === null) continue;
    if (areas.owns(real)) throw archiveError('INPUT_INSIDE_OUT', { input: shownPath(input), out: fs.shown('') }, 2);
    if (isInside(fs.root, real)) inputsInside.push(real);
  }
  const outId = await stat(fs.root);
  const found = await discover(inputs, { exclude: [{ dev: outId.dev, ino: outId.ino }], written: (real) => areas.owns(real) });
  const { files, missing, empty } = found;
  messages.push(...found.problems);
  const sources = files.map((file) => ({ file, source: recordedPath(file) }));
  const discovered = new Set(sources.map((s) => s.source));
  const pattern = options.namePattern ?? DEFAULT_NAME_PATTERN;
  const settings = sha256(JSON.stringify({ generator, profile: options.profile, mode: options.mode, pattern, fonts: options.typeset.fontsIdentity }));
  const stats: BuildStats = { files: files.length, built: 0, reused: 0, repaired: 0, failed: 0, withErrors: 0, removed: [], pruned: 0, timings: noTimings(), firstFormMs: null, reportMs: 0 };

  // Inputs of earlier runs that are not part of this one stay in the archive (a year whose folder
  // moved away keeps its forms and pages); those whose file is gone are also listed as removed,
  // and only --prune deletes them.
  const carried: ManifestForm[] = [];
  for (const [source, forms] of before) {
    if (discovered.has(source)) continue;
    const present = await exists(source);
    if (!present) stats.removed.push({ source, projectName: forms[0]?.projectName ?? null, outputs: outputsOf(forms) });
    if (present || !options.prune) carried.push(...forms);
  }
  // Removed inputs recorded by older versions (their forms were dropped from `forms`).
  for (const r of previous?.removed ?? []) if (!discovered.has(r.source) && !before.has(r.source) && !(await exists(r.source))) stats.removed.push(r);
  if (options.prune) {
    for (const r of stats.removed) for (const o of r.outputs) if (isInside(fs.root, o) && (await removeOrSay(fs, o, messages))) stats.pruned++;
  }
  // Carried outputs are checked too: they cannot be rebuilt from here, but nobody should learn of
  // damage by chance. Said once the run knows which entries stay (a corrected file may take one's place).
  const carriedOutputs = carried.flatMap((form) => formFiles(form).map((o) => ({ ...o, form })));
  const carriedProblems = await mapLimited(carriedOutputs, (o) => outputProblem(fs, o.path, o.sha256));
  const carriedDamage = carriedOutputs.flatMap((o, i) => {
    const why = carriedProblems[i];
    return why ? [{ form: o.form, message: runMessage('OUTPUT_DAMAGED_KEPT', { path: fs.shown(o.path), why, source: o.form.source }) }] : [];
  });

  // Decide what is up to date before naming anything, so rebuilt forms never take a kept name.
  // Files are read and outputs hashed a few at a time (disk waits overlap); the plan keeps input order.
  const plan: PlanItem[] = await mapLimited(sources, async ({ file, source }): Promise<PlanItem> => {
    const info = await lstat(file).catch(() => null);
    // Checked again: a spreadsheet replaced by a FIFO since discovery would block the read.
    const bytes = info?.isFile() ? await readFile(file).catch(() => null) : null;
    const fingerprint = sha256(`${settings}\n${source}\n${bytes ? sha256(bytes) : 'unreadable'}`);
    const old = before.get(source);
    let reuse: ManifestForm[] | null = null;
    const repaired: Array<{ path: string; why: string }> = [];
    // A form recorded before a format was added to the registry is rebuilt to have it.
    // A duplicate is rebuilt every run: its name and its warning depend on the other file, which may have gone.
    if (!options.force && old && old.every((f) => f.fingerprint === fingerprint && (f.status === 'error' || hasEveryFormat(f.outputs)) && !f.findings.some((x) => x.code === 'DUPLICATE_FORM'))) {
      for (const f of old)
        for (const o of formFiles(f)) {
          const why = await outputProblem(fs, o.path, o.sha256);
          if (why) repaired.push({ path: o.path, why });
        }
      if (repaired.length === 0) reuse = old;
    }
    return { file, source, fingerprint, reuse, repaired: repaired.map((r) => r.path), problems: repaired };
  });
  for (const item of plan) for (const r of item.problems) messages.push(runMessage('OUTPUT_REPAIRED', { path: fs.shown(r.path), why: r.why }));

  const names = new OutputNames(pattern);
  const owner = (f: { source: string; sheet: string | null }): string => `文件“${f.source}”${f.sheet ? `工作表“${f.sheet}”` : ''}`;
  for (const f of [...carried, ...plan.flatMap((p) => p.reuse ?? [])]) for (const o of outputsOf([f])) names.reserve(baseName(o), owner(f));
  if (!options.prune) for (const r of stats.removed) for (const o of r.outputs) names.reserve(baseName(o), `已删除的文件“${r.source}”`);
  const claimed = claimedPaths(previous);
  await reserveUnclaimed(fs, names, claimed, messages, inputsInside);
  // Which earlier entries this run's forms follow, and which of them leave the archive (a corrected file took their place).
  const successions = new Successions({
    previous: previous?.forms ?? [],
    carried,
    gone: new Set(stats.removed.map((r) => r.source)),
    release: (name) => names.release(name),
    ...(options.replaceEarlier ? { replaceEarlier: options.replaceEarlier } : {}),
  });
  for (const p of plan) if (p.reuse) successions.reused(p.source, p.reuse);

  // Room to keep on the disk while writing forms: the manifest (written whole, beside the old one,
  // at the end or when the run stops early), the new records and the year pages. A run that would
  // eat into it stops before the next form (DISK_SPACE_LOW) and commits what it finished, rather
  // than fill the disk and be unable to record what it replaced.
  const toBuild = plan.filter((p) => !p.reuse).length;
  const perForm = Math.min(64 * 1024, Math.max(4 * 1024, previous && previous.forms.length > 0 ? loaded.bytes / previous.forms.length : 24 * 1024));
  // (Records are compact JSON, about 0.6 of a form's manifest text; 128 KB for the year pages' temporaries.)
  const reserve = Math.ceil((carried.length + plan.length) * perForm * 1.25 + toBuild * perForm * 0.6 + 128 * 1024);

  onEvent?.({ kind: 'start', total: plan.length });
  const started = performance.now();
  const pool = createPool(options.jobs ?? autoJobs(toBuild), { profile: options.profile, mode: options.mode, typeset: options.typeset });
  const current: ManifestForm[] = [];
  const notes: Finding[] = [];
  const revisions: FormRevision[] = [];
  const builtAt = new Date().toISOString();
  const done = new Map<string, ManifestForm[]>();
  /** whether a form of this run was written (an entry it takes the place of leaves the archive only then) */
  const written = (by: Taker): boolean => {
    const form = done.get(by.source)?.[by.index];
    return form !== undefined && !failedToWrite(form);
  };
  try {
    // Jobs run in parallel; results are taken in input order, so names do not depend on timing.
    // Only a window of jobs ahead of the one being written is started: results waiting to be
    // written hold each form's bytes, sheet and scores, and with every job started at once a
    // 1,000-form run peaked at 660 MB.
    // The window: as many files as the pool works on at once, and two more read and waiting, so a
    // thread that finishes has its next file at hand. Up-to-date files (reused) do not count.
    const window = pool.width + 2;
    const jobs: Array<Promise<FileOutcome> | null | undefined> = [];
    let inFlight = 0;
    const fill = (): void => {
      while (jobs.length < plan.length && inFlight < window) {
        const item = plan[jobs.length];
        const job = item && !item.reuse ? pool.run(item.file, item.source) : null;
        // A job nobody awaits (the run ended early) must not become an unhandled rejection.
        job?.catch(() => undefined);
        if (job) inFlight++;
        jobs.push(job);
      }
    };
    for (const [index, item] of plan.entries()) {
      let produced: ManifestForm[];
      fill();
      let fileNotes: Finding[] = [];
      const fileRevisions: FormRevision[] = [];
      const job = jobs[index];
      jobs[index] = undefined;
      if (job) inFlight--;
      if (item.reuse || !job) {
        produced = item.reuse ?? [];
        stats.reused++;
      } else {
        const result = await job.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
        produced =
          result instanceof Error
            ? [failedEntry(item, options, result)]
            : await writeOutputs(fs, result, item, {
                names,
                stats,
                reserve,
                previous: previous?.forms ?? [],
                successions,
                builtAt,
                revisions: fileRevisions,
                inputsInside,
                claimed,
                messages,
              });
        if (!(result instanceof Error)) fileNotes = result.notes;
        // Outputs this source had before and no longer produces (renamed project) go; not after a
        // failed write, when they may be all there is of the form.
        const now = new Set(outputsOf(produced).map((o) => o.toLowerCase()));
        if (!produced.some(failedToWrite)) for (const o of outputsOf(before.get(item.source) ?? [])) if (!now.has(o.toLowerCase()) && isInside(fs.root, o)) await removeOrSay(fs, o, messages);
        stats.built++;
        if (item.repaired.length > 0) stats.repaired++;
        if (stats.firstFormMs === null) stats.firstFormMs = performance.now() - started;
      }
      done.set(item.source, produced);
      for (const f of produced) {
        if (f.status === 'error') stats.failed++;
        else if (hasError(f.findings)) stats.withErrors++;
      }
      current.push(...produced);
      notes.push(...fileNotes);
      revisions.push(...fileRevisions);
      onEvent?.({
        kind: 'file',
        file: item.source,
        done: index + 1,
        total: plan.length,
        forms: produced,
        reused: item.reuse !== null,
        repaired: item.repaired,
        notes: fileNotes,
        revisions: fileRevisions,
      });
    }
  } catch (error) {
    // Disk full, a read-only disk…: record what is on disk now (best effort), so the manifest's
    // sha256 stay true for the files this run already replaced; then say what happened.
    // Forms not reached keep their old entries, as long as their files are still those recorded
    // (the one being written when it failed may have half its files replaced: left for the next run).
    const partial: ManifestForm[] = successions.kept(carried, written);
    for (const p of plan) {
      const finished = done.get(p.source);
      if (finished) partial.push(...finished);
      else
        for (const f of before.get(p.source) ?? []) {
          const problems = await Promise.all(formFiles(f).map((o) => outputProblem(fs, o.path, o.sha256)));
          if (problems.every((x) => x === null)) partial.push(f);
        }
    }
    await commitPartial(archive, previous, partial.sort(bySource), (name) => gradesOf(name, options.profile), reportOptions(options)).catch(() => undefined);
    throw error;
  } finally {
    await pool.close();
  }

  const forms = [...successions.kept(carried, written), ...current].sort(bySource);
  const staying = new Set(forms);
  messages.push(...carriedDamage.filter((d) => staying.has(d.form)).map((d) => d.message));
  // What a form of this run took the place of leaves the archive: its outputs go, but for those the new form now has.
  const inUse = new Set(outputsOf(forms).map((o) => o.toLowerCase()));
  for (const { entry } of successions.droppedEntries(written)) for (const o of outputsOf([entry])) if (!inUse.has(o.toLowerCase()) && isInside(fs.root, o)) await removeOrSay(fs, o, messages);
  messages.push(...successions.messages(written));
  if (!options.prune) stats.removed = successions.removedLeft(stats.removed, written);
  // The lock must still be ours: a run that lost it (it looked dead to another) writes no manifest.
  await archive.lock.assertHeld();
  let reports;
  const digestOf = formDigests();
  try {
    reports = await writeYearReports(
      fs,
      forms,
      previous ? { reports: previous.yearReports, forms: previous.forms } : null,
      (name) => gradesOf(name, options.profile),
      reportOptions(options),
      digestOf,
    );
  } catch (error) {
    // The forms are written: their manifest goes first, the pages are left for the next run.
    await commitPartial(archive, previous, forms, null, reportOptions(options)).catch(() => undefined);
    throw error;
  }
  messages.push(...reports.messages);
  stats.reportMs = reports.reportMs;
  const draft: Manifest = {
    schema: MANIFEST_SCHEMA,
    generator,
    forms,
    ...(options.prune || stats.removed.length === 0 ? {} : { removed: stats.removed }),
    ...(reports.reports.length > 0 ? { yearReports: reports.reports } : {}),
  };
  const manifest = await writeManifest(fs, draft);
  // The manifest is committed: the records are its backup, and one not written is written by the next run.
  await writeRecords(fs, forms, digestOf)
    .then((keep) => dropRecords(fs, keep))
    .catch(() => undefined);
  await writeYearsRecord(fs, reports.reports).catch(() => undefined);
  // The archive's own page is drawn from the manifest, after it: if it cannot be written, the run stands and says so.
  const indexProblem = await refreshArchiveIndex(fs, forms, reports.reports);
  if (indexProblem) messages.push(indexProblem);
  return { manifest, current, missing, empty, stats, messages, notes, revisions };
}

/**
 * out/index.html drawn from the forms the manifest now records, after every manifest written,
 * whole or partial. A page that cannot be rewritten is removed rather than left showing another
 * manifest (the next build writes it); what went wrong is returned, to be said.
 */
async function refreshArchiveIndex(fs: ArchiveFs, forms: ManifestForm[], yearReports: YearReport[]): Promise<RunMessage | null> {
  try {
    await writeArchiveIndex({ read: (path) => fs.readText(path), write: (path, text) => fs.write(path, text) }, forms, generator, yearReports);
    return null;
  } catch (error) {
    if (!(error instanceof ArchiveError)) throw error;
    await fs.remove(ROOT_INDEX_FILE).catch(() => false);
    return { code: error.code, severity: 'warning', message: error.message };
  }
}

/**
 * The manifest of a run that ended early: what it finished, and the old entries of what it did not
 * reach. The year pages are tried first (they may not fit on a full disk: then the manifest keeps
 * the old pages' record, and the next run rewrites them); the manifest comes before the records,
 * since it is what keeps the recorded sha256 true; the archive's own page follows the manifest.
 */
async function commitPartial(archive: Archive, previous: Manifest | null, forms: ManifestForm[], grades: ((profile: string) => Profile['grades']) | null, report: ReportOptions): Promise<void> {
  await archive.lock.assertHeld();
  let yearReports = previous?.yearReports;
  const digestOf = formDigests();
  try {
    if (grades) yearReports = (await writeYearReports(archive.fs, forms, previous ? { reports: previous.yearReports, forms: previous.forms } : null, grades, report, digestOf)).reports;
  } catch {
    // Kept as they were.
  }
  await writeManifest(archive.fs, {
    schema: MANIFEST_SCHEMA,
    generator,
    forms,
    ...(previous?.removed ? { removed: previous.removed } : {}),
    ...(yearReports && yearReports.length > 0 ? { yearReports } : {}),
  });
  await writeRecords(archive.fs, forms, digestOf).catch(() => undefined);
  await writeYearsRecord(archive.fs, yearReports ?? []).catch(() => undefined);
  await refreshArchiveIndex(archive.fs, forms, yearReports ?? []).catch(() => null);
}

/**
 * Files on disk that no manifest entry claims (outputs of a run whose manifest was lost, files a
 * person put there) are never overwritten: their names are reserved, so a new form that would take
 * one gets a suffix, unless its new output is that very file, byte for byte (then it is adopted).
 */
async function reserveUnclaimed(fs: ArchiveFs, names: OutputNames, claimed: Set<string>, messages: RunMessage[], inputsInside: string[]): Promise<void> {
  // Inputs beside the year folders are read, not outputs lying about (and no output is written there).
  const { files } = await fs.walk('', (rel) => inputsInside.some((real) => isInside(real, fs.abs(rel))));
  const unclaimed: string[] = [];
  for (const rel of files) {
    const name = posix.basename(rel);
    if (claimed.has(rel.toLowerCase()) || rel.split('/').some((s) => s.startsWith('.'))) continue;
    if (rel === MANIFEST_FILE || rel.startsWith(`${MANIFEST_FILE}.`) || rel === LOCK_FILE || rel === ROOT_INDEX_FILE) continue;
    // A year's own pages are the archive's, at <年度>/ (forms never take those names).
    if (rel.split('/').length === 2 && (name === INDEX_FILE || name === SUMMARY_FILE)) continue;
    // Names forms never take (output-names keeps them off): the year's report, the folders' combined
    // PDFs and review sheets, the annotated copies. Where such a file is someone's own, its writer
    // keeps it and says so (own-files.ts).
    if (name === REPORT_FILE || name === `${COMBINED_NAME}.pdf` || name === REVIEW_FILE || rel.split('/').includes(ANNOTATED_FOLDER)) continue;
    names.reserve(baseName(rel), `输出文件夹中已有的文件“${rel}”`, { adoptable: true });
    if (/\.(xlsx|pdf)$/i.test(name)) unclaimed.push(rel);
  }
  if (unclaimed.length > 0) messages.push(runMessage('OUTPUT_UNCLAIMED', { count: String(unclaimed.length), example: fs.shown(unclaimed[0] ?? '') }));
}

/**
 * Threads for a build when the user did not say. A worker thread loads and warms up the layout and
 * the writers on its own, which the second core only repays over a hundred forms or so. Measured on
 * an idle 2-core machine (bench forms, wall time, three runs each): 100 forms 2.5-2.7 s with one
 * thread or two; 200 forms 4.23-4.36 s with one, 4.06 s with two; 1,000 forms 19.3 s with one,
 * 12.3-14.5 s with two.
 */
export const THREADS_FROM = 150;
export function autoJobs(forms: number): number {
  return forms >= THREADS_FROM ? defaultJobs() : 1;
}

/** The title page's archive name: the config's, else the output folder's own name (`归档` for `D:\绩效\归档`). */
const reportOptions = (options: BuildOptions): ReportOptions => ({ archiveName: options.archiveName ?? basename(resolve(options.out)), typeset: options.typeset });

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
  reuse: ManifestForm[] | null;
  /** recorded outputs found missing or damaged (the file is rebuilt for them) */
  repaired: string[];
  problems: Array<{ path: string; why: string }>;
}

/** `fn` over `items`, at most `limit` at a time, results in the order of `items`. */
async function mapLimited<T, R>(items: T[], fn: (item: T) => Promise<R>, limit = 8): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * A file the program failed on (a worker that died, memory, too many open files): recorded without
 * its fingerprint, so the next build tries it again instead of calling it unchanged.
 */
function failedEntry(item: PlanItem, options: BuildOptions, error: Error): ManifestForm {
  const detail = (error.message.split('\n')[0] ?? '').slice(0, 160);
  return errorEntry({ source: item.source, sha256: '', ...choiceName(options.profile), mode: options.mode }, [finding('BUILD_INTERNAL_ERROR', { file: item.source }, { detail })]);
}

/** Whether the files on disk at `base` + extension are exactly `files` (those present; at least one). */
async function sameOnDisk(fs: ArchiveFs, base: string, files: FileOutcome['forms'][number]['files']): Promise<boolean> {
  let any = false;
  for (const file of files) {
    const disk = await fs.hash(`${base}${file.extension}`).catch(() => null);
    if (disk === null) continue;
    if (disk !== sha256(file.bytes)) return false;
    any = true;
  }
  return any;
}

interface WriteContext {
  names: OutputNames;
  stats: BuildStats;
  reserve: number;
  /** the forms of the last build (an annotated copy it recorded stays the archive's) */
  previous: ManifestForm[];
  /** the earlier result each form follows, and what it takes the place of */
  successions: Successions;
  /** this run's time, each rebuilt form's `builtAt` */
  builtAt: string;
  /** collects the forms whose source changed, with what changed */
  revisions: FormRevision[];
  /** real paths of inputs inside the output folder: an output there would be read as an input next time */
  inputsInside: string[];
  /** what the last manifest says the archive wrote (lower case): another file where an annotated copy goes is kept */
  claimed: Set<string>;
  /** what the run says about files it did not write */
  messages: RunMessage[];
}

/** Names and writes the outputs of one file's forms (main thread: names must not race). */
async function writeOutputs(fs: ArchiveFs, result: FileOutcome, item: PlanItem, context: WriteContext): Promise<ManifestForm[]> {
  const { names, stats, reserve, inputsInside } = context;
  addTimings(stats.timings, result.timings);
  const t = performance.now();
  // One entry per form, in the file's order: produced[i] is form i's (Successions names its takers so).
  const produced: ManifestForm[] = [];
  const entries = result.forms.map((form) => manifestEntry(form, result));
  // Each form follows its earlier result: its history, and what the change did to its findings.
  // Found before any is named: a form that takes another's place takes its names.
  const predecessors = await context.successions.follow(item.source, entries);
  const dated = (entry: ManifestForm, i: number): ManifestForm => {
    const { entry: withPast, revision } = withHistory(entry, predecessors[i] ?? null, context.builtAt);
    if (revision) context.revisions.push(revision);
    return withPast;
  };
  for (const [i, form] of result.forms.entries()) {
    const entry = entries[i] ?? manifestEntry(form, result);
    const input = form.scored?.input;
    if (!input || form.files.length === 0) {
      produced.push(dated({ ...entry, fingerprint: item.fingerprint }, i));
      continue;
    }
    const fields = {
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
    };
    const who = `文件“${item.source}”工作表“${input.source.sheet}”`;
    // An unclaimed file on disk that holds exactly what this form writes (a run killed before its
    // manifest wrote it) is taken back, the first name or a suffixed one; else the next free name.
    let adopted: { name: string; clashesWith: string | null } | null = null;
    for (const candidate of names.adoptableCandidates(fields)) {
      if (!(await sameOnDisk(fs, candidate.name, form.files))) continue;
      names.adopt(candidate.name, who);
      adopted = candidate;
      break;
    }
    const { name: base, clashesWith } = adopted ?? names.next(fields, who);
    const paths: Partial<Record<Format, string>> = {};
    const sums: Partial<Record<Format, string>> = {};
    const need = form.files.reduce((a, f) => a + f.bytes.length, 0) + (form.annotated?.length ?? 0) + reserve;
    const free = await fs.freeBytes();
    if (free !== null && free < need)
      throw archiveError('DISK_SPACE_LOW', { out: fs.shown(''), path: fs.shown(`${base}${form.files[0]?.extension ?? ''}`), free: sizeText(free), need: sizeText(need) });
    try {
      for (const file of form.files) {
        const path = `${base}${file.extension}`;
        if (!isInside(fs.root, path)) throw archiveError('PATH_OUTSIDE', { path: fs.shown(path), out: fs.shown('') });
        const input = inputsInside.find((real) => isInside(real, fs.abs(path)));
        if (input) throw archiveError('OUTPUT_INSIDE_INPUT', { path: fs.shown(path), input: fs.shown(relative(fs.root, input).split(sep).join('/')) });
        await fs.write(path, file.bytes);
        paths[file.format] = path;
        sums[file.format] = sha256(file.bytes);
      }
    } catch (error) {
      if (!(error instanceof ArchiveError) || !formLocal.has(error.code)) throw error;
      // No fingerprint: the next run tries again. Files already written stay; being identical, the retry adopts them.
      produced.push(dated({ ...entry, status: 'error', findings: [...entry.findings, finding('OUTPUT_WRITE_FAILED', { file: item.source }, { detail: `${error.code}：${error.message}` })] }, i));
      continue;
    }
    // The annotated copy on its own: one not written is said, and the form is written and counted all the same.
    const notes = form.annotated ? await writeAnnotatedCopy(fs, base, form.annotated, context) : { record: null, current: true };
    const annotated = notes.record;
    // A copy that was due and not written: no fingerprint, so the next run tries again (and says again why not).
    const fingerprint = notes.current ? { fingerprint: item.fingerprint } : {};
    const outputs = ManifestOutputs.parse({ ...paths, sha256: sums });
    const last = form.files[form.files.length - 1];
    if (clashesWith && last) {
      const name = filedName(input) || '(未填写)';
      entry.findings = [...entry.findings, finding('DUPLICATE_FORM', { file: item.source, cell: input.projectName.cell }, { name, other: clashesWith, output: `${base}${last.extension}` })];
    }
    // In the schema's order: the manifest is checked by printing it again from its parsed form.
    produced.push(dated({ ...entry, outputs, ...fingerprint, ...(annotated ? { annotated } : {}) }, i));
  }
  stats.timings.write += performance.now() - t;
  return produced;
}
