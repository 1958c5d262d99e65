import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { severityText, type Finding, type Severity } from '../model/finding.js';
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
  message: string;
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
}

export interface UploadView {
  /** the name the browser gave */
  name: string;
  /** where it was kept, relative to --out (null when it was refused before) */
  stored: string | null;
  forms: FormView[];
  /** forms left out on purpose (a blank template) */
  notes: FindingView[];
  /** why nothing was done (too large, not a spreadsheet, --out locked by another run…) */
  refused: { code: string; message: string } | null;
}

const findingView = (f: Finding): FindingView => ({
  severity: f.severity,
  severityText: severityText[f.severity],
  code: f.code,
  cell: visibleLine(f.cell ? f.cell.slice(f.cell.lastIndexOf('!') + 1) : ''),
  message: visibleText(shownMessage(f.message)),
});

export function formView(f: ManifestForm): FormView {
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
