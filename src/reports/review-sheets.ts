import { canonicalJson, sha256Hex, type ArchiveFs } from '../archive/archive-fs.js';
import { runMessage, type RunMessage } from '../model/archive-messages.js';
import { isProblem } from '../model/finding.js';
import type { DepartmentFile, ManifestForm } from '../model/manifest.js';
import { generator } from '../version.js';
import { writeOwnFile } from '../archive/own-files.js';
import { removeWritten } from './written-files.js';
import { departmentFolders } from './combined-pdfs.js';
import { renderReviewSheet } from './review-sheet.js';

/** The review file's name in each department folder with findings; output-names keeps forms off it. */
export const REVIEW_NAME = '复核意见';
export const REVIEW_FILE = `${REVIEW_NAME}.xlsx`;
/** The folder of the annotated copies, beside the forms' own copies. */
export const ANNOTATED_FOLDER = '复核批注';

export interface ReviewGroup {
  /** relative to out: `<年度>/<主管部门>/复核意见.xlsx` with the default name pattern */
  path: string;
  year: string;
  department: string;
  forms: ManifestForm[];
}

/**
 * The archive's forms by the folder their copies are in, for every folder of one year and one
 * department in which some form has a finding: what that department's office sends back. A
 * folder where a custom name pattern mixes years or departments gets none (as for 合并打印).
 * A department whose forms have only 提示 (nothing to correct) is clean: it gets none.
 */
export function reviewGroups(forms: ManifestForm[]): ReviewGroup[] {
  return departmentFolders(forms)
    .filter((d) => d.forms.some((f) => f.findings.some(isProblem)))
    .map((d) => ({ path: d.folder === '.' ? REVIEW_FILE : `${d.folder}/${REVIEW_FILE}`, year: d.year, department: d.department, forms: d.forms }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const digestOf = (group: ReviewGroup): string =>
  sha256Hex(
    canonicalJson({
      generator,
      department: group.department,
      forms: group.forms.map((f) => ({ source: f.source, sheet: f.sheet, name: f.projectName, unit: f.implementingUnit, findings: f.findings })),
    }),
  );

/**
 * Writes each group's 复核意见.xlsx whose findings changed since the last build, or whose file is
 * missing or differs from what was written (said), and keeps the others. Each file on its own: one
 * that cannot be written (open in Excel) is said and keeps its old record, so it stays the
 * archive's and the next build tries again; it is not `current`, so no page links it.
 */
export async function writeReviewSheets(
  fs: ArchiveFs,
  groups: ReviewGroup[],
  previous: DepartmentFile[],
): Promise<{ review: DepartmentFile[]; current: string[]; written: string[]; messages: RunMessage[] }> {
  const review: DepartmentFile[] = [];
  const current: string[] = [];
  const written: string[] = [];
  const messages: RunMessage[] = [];
  for (const group of groups) {
    const digest = digestOf(group);
    const before = previous.find((r) => r.path === group.path);
    if (before && before.forms === digest && (await fs.hash(group.path)) === before.sha256) {
      review.push(before);
      current.push(group.path);
      continue;
    }
    const bytes = await renderReviewSheet(group.department, group.forms);
    const done = await writeOwnFile(fs, group.path, bytes, before !== undefined, '复核意见', messages);
    if (done === 'failed' && before) review.push(before);
    if (done !== 'written' && done !== 'same') continue;
    if (before && before.forms === digest) messages.push(runMessage('REVIEW_SHEET_REPAIRED', { path: fs.shown(group.path) }));
    if (done === 'written') written.push(group.path);
    review.push({ path: group.path, sha256: sha256Hex(bytes), forms: digest });
    current.push(group.path);
  }
  return { review, current, written, messages };
}

/** Removes review files the last build wrote whose department has no findings left (only while they hold what was written). */
export function removeReviewSheets(fs: ArchiveFs, previous: DepartmentFile[], kept: Set<string>): Promise<RunMessage[]> {
  return removeWritten(fs, previous, kept, 'REVIEW_SHEET_REMOVED');
}
