import { canonicalJson, sha256Hex, type ArchiveFs } from '../../archive/archive-fs.js';
import { ArchiveError, runMessage, type RunMessage } from '../../model/archive-messages.js';
import type { ManifestForm, ReportPdf } from '../../model/manifest.js';
import type { Profile } from '../../model/profile.js';
import type { Typesetter } from '../../typeset/typesetter.js';
import { writeOwnFile } from '../../archive/own-files.js';
import { generator } from '../../version.js';
import type { CombinedGroup } from '../combined-pdfs.js';
import { combinedPlaces, formPages } from './combined-places.js';

/** Each year's printed report, beside its index page (output-names keeps forms off the name). */
export const REPORT_NAME = '年度报告';
export const REPORT_FILE = `${REPORT_NAME}.pdf`;

export interface ReportOptions {
  /** the name the title page gives the archive (config `archiveName`, default the --out folder's name) */
  archiveName: string;
  typeset: Typesetter;
}

export interface YearReportJob {
  year: string;
  /** the year's forms and the files that could not be processed, as the year's pages list them */
  forms: ManifestForm[];
  /** every form of the archive (the previous year is compared) */
  archive: ManifestForm[];
  /** the year's department folders whose 合并打印.pdf is on disk */
  groups: CombinedGroup[];
  grades: Profile['grades'];
  before: ReportPdf | undefined;
  /** sha256 of the year's forms (canonical JSON), and of the previous year's when the archive has it */
  digests: { forms: string; previousYear: string | null };
}

export interface YearReportResult {
  /** what the manifest records of the report on disk; null when the year has none */
  record: ReportPdf | null;
  /** whether that report shows the year's forms as they are now (only then does the year's page link it) */
  current: boolean;
  written: string[];
  messages: RunMessage[];
  /** ms spent on the report this run (0 when it was up to date) */
  ms: number;
}

/**
 * The report the last build wrote, after this one could not draw a new one: its numbers are out
 * of date, so it goes while it still holds what was written (as a combined PDF does), unlinked and
 * unrecorded; a file there that is not that report is left alone. Returns what to say of it.
 */
async function dropStaleReport(fs: ArchiveFs, before: ReportPdf | undefined, onDisk: string | null): Promise<{ said: string; record: ReportPdf | null }> {
  if (!before || onDisk === null) return { said: '', record: null };
  if (onDisk !== before.sha256) return { said: `“${fs.shown(before.path)}”中的文件不是上次生成的报告，原样保留。`, record: null };
  try {
    if (await fs.remove(before.path)) return { said: '上次生成的年度报告数字已过时，已删除(索引页不再链接它)。', record: null };
  } catch (error) {
    if (!(error instanceof ArchiveError)) throw error;
    // Still the archive's: recorded (unlinked), so the next build removes or replaces it.
    return { said: `上次生成的年度报告数字已过时，但无法删除(${error.message})，索引页不再链接它，请不要再使用它。`, record: before };
  }
  return { said: '', record: null };
}

/**
 * `<年度>/年度报告.pdf` for a year with at least one form. Rewritten when anything it shows changed
 * (a digest of the year's forms, the previous year's forms it compares with, the combined files'
 * page numbers, the archive's name, the fonts and the tool version) or when the file on disk is
 * missing or differs from what was written; otherwise left alone, unread and unrendered.
 */
export async function writeYearReport(fs: ArchiveFs, job: YearReportJob, options: ReportOptions): Promise<YearReportResult> {
  const started = performance.now();
  const path = `${job.year}/${REPORT_FILE}`;
  if (!job.forms.some((f) => f.status === 'ok')) {
    // A year left with only files that could not be processed: the report it had goes, if it is still ours.
    if (job.before && (await fs.hash(job.before.path)) === job.before.sha256 && (await fs.remove(job.before.path))) await fs.removeEmptyDirs(job.before.path);
    return { record: null, current: false, written: [], messages: [], ms: 0 };
  }
  const places = await combinedPlaces(job.groups, (f) => formPages(f, (pdf) => fs.readBytes(pdf)));
  const digest = sha256Hex(
    canonicalJson({
      generator,
      archiveName: options.archiveName,
      fonts: options.typeset.fontsIdentity,
      grades: job.grades,
      forms: job.digests.forms,
      previousYear: job.digests.previousYear,
      combined: [...places].map(([f, place]) => [f.source, f.sheet, place.path, place.page]),
    }),
  );
  const onDisk = job.before ? await fs.hash(path) : null;
  if (job.before && job.before.inputs === digest && onDisk === job.before.sha256) return { record: job.before, current: true, written: [], messages: [], ms: performance.now() - started };
  const messages: RunMessage[] = [];
  let bytes: Uint8Array;
  try {
    // The report's code, pdfmake with it, is loaded by the first build that writes a report, not by
    // every command (and the facts module, which reads the archive index's pairing, only then too).
    const [{ reportFacts }, { renderReport }] = await Promise.all([import('./facts.js'), import('./render.js')]);
    const facts = reportFacts({ year: job.year, forms: job.forms, archive: job.archive, archiveName: options.archiveName, generator, grades: job.grades, combined: places });
    bytes = await renderReport(facts, options.typeset);
  } catch (error) {
    // A report that cannot be drawn is said; the forms, pages and manifest are written all the same.
    if (error instanceof ArchiveError) throw error;
    const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 160) ?? '';
    const old = await dropStaleReport(fs, job.before, onDisk);
    return {
      record: old.record,
      current: false,
      written: [],
      messages: [...messages, runMessage('YEAR_REPORT_FAILED', { path: fs.shown(path), detail, old: old.said })],
      ms: performance.now() - started,
    };
  }
  const done = await writeOwnFile(fs, path, bytes, job.before !== undefined, '年度报告', messages);
  const ms = performance.now() - started;
  // Not written (open in a PDF reader): the old record stays, so the file is still the archive's and the next build tries again; unlinked.
  if (done === 'failed') return { record: job.before ?? null, current: false, written: [], messages, ms };
  if (done === 'kept') return { record: null, current: false, written: [], messages, ms };
  if (job.before && job.before.inputs === digest) messages.push(runMessage('YEAR_REPORT_REPAIRED', { path: fs.shown(path) }));
  return { record: { path, sha256: sha256Hex(bytes), inputs: digest }, current: true, written: done === 'written' ? [path] : [], messages, ms };
}
