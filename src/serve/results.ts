import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { severityText, type Finding, type Severity } from '../model/finding.js';
import { cellLabel, findingParts } from '../model/finding-parts.js';
import { Manifest, type ManifestForm } from '../model/manifest.js';
import { decimalOrDash, percentOrDash } from '../model/numbers.js';
import { visibleLine, visibleText } from '../model/display-text.js';
import { ROOT_INDEX_FILE } from '../reports/archive-index.js';
import { INDEX_FILE, SUMMARY_FILE, UNKNOWN_YEAR, yearFolder } from '../reports/year-reports.js';
import { shownMessage } from '../model/shown-path.js';

/** Where the server hands out files under --out: `/files/<path>`, each segment percent-encoded. */
export const FILES_PREFIX = '/files/';
export const fileUrl = (relative: string): string => `${FILES_PREFIX}${relative.split('/').map(encodeURIComponent).join('/')}`;

export interface FindingView {
  severity: Severity;
  severityText: string;
  code: string;
  cell: string;
  /** what is wrong and what to do, without the file's path (the card names the file once) */
  message: string;
  /** where the form view shows the cell (`#c-H26`), '' for a finding without a cell */
  anchor: string;
}

/** One form of an uploaded file as the page shows it: every text from a cell already made safe to show (visibleLine). */
export interface FormView {
  status: 'ok' | 'error';
  sheet: string;
  projectName: string;
  department: string;
  year: string;
  grade: string;
  totalWeight: string;
  filledTotal: string;
  computedTotal: string;
  total: string;
  rate: string;
  findings: FindingView[];
  pdf: string | null;
  xlsx: string | null;
  /** the form as a page with its findings marked, shown in the card */
  html: string | null;
  /** what a corrected file changed (`已更正 3 处(…)，仍有 …`), or null for a form seen the first time or unchanged */
  revision: string | null;
}

export interface UploadView {
  /** the name the browser gave */
  name: string;
  /** where it was kept, relative to --out (null when it was refused before) */
  stored: string | null;
  forms: FormView[];
  /** forms left out on purpose (a blank template) */
  notes: FindingView[];
  /**
   * What the build of this upload's batch said about the archive (a 汇总表.xlsx open in Excel and
   * not rewritten, a file of someone's kept in place, a project superseded…): the same for every
   * upload of the batch, so whoever uploaded learns it.
   */
  archive: Array<{ code: string; message: string }>;
  /** why nothing was done (too large, not a spreadsheet, --out locked by another run…) */
  refused: { code: string; message: string } | null;
}

const findingView = (f: Finding): FindingView => {
  const { text, advice } = findingParts(f);
  const cell = cellLabel(f.cell);
  return {
    severity: f.severity,
    severityText: severityText[f.severity],
    code: f.code,
    cell: visibleLine(cell),
    message: visibleText(shownMessage(advice ? `${text}${advice}` : text)),
    anchor: /^[A-Z]{1,3}\d{1,7}$/.test(cell) ? `#c-${cell}` : '',
  };
};

/** The forms of one upload's build as its card shows them, each with what its correction changed. */
export function uploadForms(result: { current: ManifestForm[]; revisions: Array<{ source: string; sheet: string | null; text: string }> }): FormView[] {
  return result.current.map((f) => formView(f, result.revisions.find((r) => r.source === f.source && r.sheet === f.sheet)?.text ?? null));
}

export function formView(f: ManifestForm, revision: string | null = null): FormView {
  return {
    status: f.status,
    sheet: visibleLine(f.sheet ?? ''),
    projectName: visibleLine(f.projectName || (f.status === 'ok' ? '未填写项目名称' : '')),
    department: visibleLine(f.department || ''),
    year: f.year === null ? (f.status === 'ok' ? UNKNOWN_YEAR : '') : String(f.year),
    grade: visibleLine(f.grade ?? '—'),
    totalWeight: decimalOrDash(f.totalWeight),
    filledTotal: decimalOrDash(f.filledTotal),
    computedTotal: decimalOrDash(f.computedTotal),
    total: decimalOrDash(f.total),
    rate: percentOrDash(f.funds?.executionRate),
    findings: f.findings.map(findingView),
    pdf: f.outputs?.pdf ? fileUrl(f.outputs.pdf) : null,
    xlsx: f.outputs?.xlsx ? fileUrl(f.outputs.xlsx) : null,
    html: f.outputs?.html ? fileUrl(f.outputs.html) : null,
    revision,
  };
}

export const noteViews = (notes: Finding[]): FindingView[] => notes.map(findingView);

export interface ArchiveYear {
  year: string;
  label: string;
  projects: number;
  index: string | null;
  summary: string | null;
}

export interface ArchiveView {
  root: string | null;
  years: ArchiveYear[];
}

const isFile = async (path: string): Promise<boolean> => (await stat(path).catch(() => null))?.isFile() === true;

/** What --out already holds, by year (newest first), with links to each year's page and 汇总表 that exist. */
export async function archiveView(out: string): Promise<ArchiveView> {
  const text = await readFile(join(out, 'manifest.json'), 'utf8').catch(() => null);
  let forms: ManifestForm[] = [];
  try {
    const parsed = text === null ? null : Manifest.safeParse(JSON.parse(text));
    forms = parsed?.success ? parsed.data.forms.filter((f) => f.status === 'ok') : [];
  } catch {
    // A damaged manifest lists nothing here; the next build says what is wrong with it.
  }
  const years = [...new Set(forms.map(yearFolder))].sort((a, b) => (a === UNKNOWN_YEAR ? 1 : b === UNKNOWN_YEAR ? -1 : b.localeCompare(a)));
  return {
    root: (await isFile(join(out, ROOT_INDEX_FILE))) ? fileUrl(ROOT_INDEX_FILE) : null,
    years: await Promise.all(
      years.map(async (year) => ({
        year,
        label: /^\d+$/.test(year) ? `${year}年度` : visibleLine(year),
        projects: forms.filter((f) => yearFolder(f) === year).length,
        index: (await isFile(join(out, year, INDEX_FILE))) ? fileUrl(`${year}/${INDEX_FILE}`) : null,
        summary: (await isFile(join(out, year, SUMMARY_FILE))) ? fileUrl(`${year}/${SUMMARY_FILE}`) : null,
      })),
    ),
  };
}
