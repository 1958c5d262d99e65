import { runMessage, type RunMessage } from '../model/archive-messages.js';
import type { ManifestForm, YearReport } from '../model/manifest.js';
import type { Profile } from '../model/profile.js';
import { generator } from '../version.js';
import { canonicalJson, sha256Hex, type ArchiveFs } from '../archive/archive-fs.js';
import { isInside, safeSegment } from '../archive/safe-name.js';
import { formDigests } from '../archive/manifest-file.js';
import { isFileLocal, oneFile } from '../archive/one-file.js';
import { combinedGroups, removeCombinedPdfs, writeCombinedPdfs } from './combined-pdfs.js';
import { UNKNOWN_YEAR, yearFolder } from './year-folder.js';
import { REPORT_FILE, writeYearReport, type ReportOptions } from './year-report/write.js';
import { removeReviewSheets, reviewGroups, writeReviewSheets } from './review-sheets.js';
import { reviewRows } from './review-sheet.js';

export { UNKNOWN_YEAR, yearFolder };
import { renderYearIndex } from './year-index.js';
import { renderYearSummary } from './year-summary.js';

export const INDEX_FILE = 'index.html';
export const SUMMARY_FILE = '汇总表.xlsx';
export { REPORT_FILE };

/** The profile most of a year's forms were scored by: its grade lines mark the year's chart. */
function mostUsedProfile(forms: ManifestForm[]): string {
  const counts = new Map<string, number>();
  for (const f of forms) counts.set(f.profile, (counts.get(f.profile) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? 'ningxia';
}

/** The forms each year's pages list: its own, plus every file that could not be processed (they have no year). */
export function formsByYear(forms: ManifestForm[]): Map<string, ManifestForm[]> {
  const failed = forms.filter((f) => f.status === 'error');
  const years = new Map<string, ManifestForm[]>();
  for (const f of forms) if (f.status === 'ok') years.set(yearFolder(f), [...(years.get(yearFolder(f)) ?? []), f]);
  if (years.size === 0 && failed.length > 0) years.set(UNKNOWN_YEAR, []);
  for (const [year, ok] of years) years.set(year, [...ok, ...failed]);
  return years;
}

export interface YearReportsResult {
  /** what the manifest records of the pages now on disk */
  reports: YearReport[];
  /** pages written this run (relative to out) */
  written: string[];
  messages: RunMessage[];
  /** ms spent on the years' printed reports this run */
  reportMs: number;
}

/**
 * `<年度>/index.html` and `<年度>/汇总表.xlsx` for every year that has forms, so the pages always
 * list exactly the manifest's forms of their year. A year's pages are rewritten when the forms
 * they list changed (a digest recorded in the manifest) or a page on disk is missing or differs
 * from what was written; otherwise left alone. The pages of a year that has no forms left (all
 * pruned) are removed: only years this tool wrote pages for (the previous manifest says which).
 */
export async function writeYearReports(
  fs: ArchiveFs,
  forms: ManifestForm[],
  previous: { reports: YearReport[] | undefined; forms: ManifestForm[] } | null,
  gradesOf: (profile: string) => Profile['grades'],
  options: ReportOptions,
  digestOf: (form: ManifestForm) => string = formDigests(),
): Promise<YearReportsResult> {
  const years = formsByYear(forms);
  const reports: YearReport[] = [];
  const written: string[] = [];
  const messages: RunMessage[] = [];
  let reportMs = 0;
  const groups = combinedGroups(forms);
  // Of each form's canonical digest (the one its record is named by), so the forms read back from
  // the manifest give the digest they gave when fresh, and each form is digested once per build.
  // Each year's once: its pages and its report use it, and so does the next year's report.
  const digests = new Map<string, string>();
  const formsDigest = (year: string): string | null => {
    const list = years.get(year);
    if (!list) return null;
    const known = digests.get(year) ?? sha256Hex(list.map(digestOf).join('\n'));
    digests.set(year, known);
    return known;
  };
  const reviewing = reviewGroups(forms);
  for (const [year, yearForms] of years) {
    const index = `${year}/${INDEX_FILE}`;
    const summary = `${year}/${SUMMARY_FILE}`;
    if (!isInside(fs.root, index)) continue;
    const grades = gradesOf(mostUsedProfile(yearForms.filter((f) => f.status === 'ok')));
    const before = previous?.reports?.find((r) => r.year === year);
    try {
      // Checked on every run, whatever the pages: a combined PDF deleted by hand comes back.
      const combined = await writeCombinedPdfs(
        fs,
        groups.filter((g) => g.year === year),
        before?.combined ?? [],
        options.typeset,
      );
      written.push(...combined.written);
      messages.push(...combined.messages);
      const onDisk = groups.filter((g) => combined.combined.some((c) => c.path === g.path));
      const links = onDisk.map((g) => ({ department: g.department, path: g.path, count: g.forms.length }));
      // Each department's 复核意见.xlsx, checked on every run like the combined PDFs.
      const reviewed = await writeReviewSheets(
        fs,
        reviewing.filter((g) => g.year === year),
        before?.review ?? [],
      );
      written.push(...reviewed.written);
      messages.push(...reviewed.messages);
      // Only sheets that show the findings as they are now: one that could not be written is not linked.
      const reviewLinks = reviewing.filter((g) => reviewed.current.includes(g.path)).map((g) => ({ department: g.department, path: g.path, count: reviewRows(g.forms).length }));
      const previousYear = /^\d+$/.test(year) ? String(Number(year) - 1) : null;
      const inputs = { forms: formsDigest(year) ?? '', previousYear: previousYear === null ? null : formsDigest(previousYear) };
      const printed = await writeYearReport(fs, { year, forms: yearForms, archive: forms, groups: onDisk, grades, before: before?.report, digests: inputs }, options);
      written.push(...printed.written);
      messages.push(...printed.messages);
      reportMs += printed.ms;
      const report = printed.current ? REPORT_FILE : null;
      // The combined files, the review sheets and the report the page links are part of what it shows.
      const digest = sha256Hex(canonicalJson({ generator, grades, forms: inputs.forms, combined: links, ...(reviewLinks.length > 0 ? { review: reviewLinks } : {}), ...(report ? { report } : {}) }));
      const record = (r: YearReport): YearReport => {
        const { combined: _was, review: _reviewed, report: _old, ...pages } = r;
        return {
          ...pages,
          // In the schema's order, so the manifest reads back to the text it was written as.
          ...(combined.combined.length > 0 ? { combined: combined.combined } : {}),
          ...(printed.record ? { report: printed.record } : {}),
          ...(reviewed.review.length > 0 ? { review: reviewed.review } : {}),
        };
      };
      if (before && before.forms === digest && (await fs.hash(index)) === before.sha256.index && (await fs.hash(summary)) === before.sha256.summary) {
        reports.push(record(before));
        continue;
      }
      const page = await renderYearIndex({ year, forms: yearForms, generator, grades, combined: links, review: reviewLinks, ...(report ? { report } : {}) });
      const book = await renderYearSummary({ year, forms: yearForms });
      // Each on its own: an 汇总表.xlsx open in Excel leaves the index page written, and the other way round.
      const pageDone = await oneFile(fs, index, '年度索引页', messages, async () => fs.write(index, page).then(() => true));
      const bookDone = await oneFile(fs, summary, '汇总表', messages, async () => fs.write(summary, book).then(() => true));
      if (pageDone) written.push(index);
      if (bookDone) written.push(summary);
      const sha = { index: pageDone ? sha256Hex(page) : (before?.sha256.index ?? ''), summary: bookDone ? sha256Hex(book) : (before?.sha256.summary ?? '') };
      // A page not written leaves the year's record out of date (no digest), so the next build writes both again.
      reports.push(record({ year, index, summary, sha256: sha, forms: pageDone && bookDone ? digest : '' }));
    } catch (error) {
      // What concerns the year's folder as a whole (a link there, a file in its place): that year is skipped, the others written.
      if (!isFileLocal(error)) throw error;
      messages.push({ code: error.code, severity: error.severity, message: error.message });
      // What was recorded stays recorded (its combined files above all): the next build checks it again.
      if (before) reports.push(before);
    }
  }
  // Combined files whose folder no longer makes a group, in any year (a year all pruned included).
  const kept = new Set(groups.map((g) => g.path));
  messages.push(
    ...(await removeCombinedPdfs(
      fs,
      (previous?.reports ?? []).flatMap((r) => r.combined ?? []),
      kept,
    )),
  );
  messages.push(
    ...(await removeReviewSheets(
      fs,
      (previous?.reports ?? []).flatMap((r) => r.review ?? []),
      new Set(reviewing.map((g) => g.path)),
    )),
  );
  // Years whose pages this tool wrote before (older manifests did not record them: their forms' years).
  const before = previous?.reports?.map((r) => r.year) ?? [...formsByYear(previous?.forms ?? []).keys()];
  for (const year of new Set(before)) {
    if (years.has(year) || safeSegment(year) !== year) continue;
    let removed = false;
    for (const page of [`${year}/${INDEX_FILE}`, `${year}/${SUMMARY_FILE}`]) if (await fs.remove(page).catch(() => false)) removed = true;
    // The report only as it was written: a 年度报告.pdf of someone's there was never the archive's (own-files.ts).
    const report = previous?.reports?.find((r) => r.year === year)?.report;
    if (report && (await fs.hash(report.path).catch(() => null)) === report.sha256 && (await fs.remove(report.path).catch(() => false))) removed = true;
    if (removed) await fs.removeEmptyDirs(`${year}/${INDEX_FILE}`);
    if (removed) messages.push(runMessage('YEAR_REPORTS_REMOVED', { year }));
  }
  return { reports: reports.sort((a, b) => (a.year < b.year ? -1 : a.year > b.year ? 1 : 0)), written, messages, reportMs };
}
