import type { ManifestForm, YearReport } from '../model/manifest.js';
import { decimalOrDash, decimalText, percentOrDash } from '../model/numbers.js';
import { visibleLine } from '../model/display-text.js';
import { template } from '../template-files.js';
import { displayScore } from './year-index.js';
import { INDEX_FILE, REPORT_FILE, SUMMARY_FILE, UNKNOWN_YEAR, yearFolder } from './year-reports.js';

/** The archive's own page, at the top of --out: every year, and how projects fared from one year to the next. */
export const ROOT_INDEX_FILE = 'index.html';

const collator = new Intl.Collator('zh-CN');
const STANDARD_GRADES = ['优', '良', '中', '差'];

/** A path under --out as a link from the top page: each segment percent-encoded (Chinese names, spaces and `#` survive file://). */
const href = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

interface YearRow {
  year: string;
  label: string;
  projects: number;
  average: string;
  grades: Array<{ grade: string; count: number }>;
  withErrors: number;
  index: string;
  summary: string;
  /** the year's printed report, when one is written */
  report: string | null;
}

interface Side {
  total: string;
  grade: string;
  rate: string;
  pdf: string | null;
}

interface ComparisonRow {
  department: string;
  name: string;
  before: Side;
  after: Side;
  /** after − before, signed, or — when either is unknown */
  change: string;
  trend: 'up' | 'down' | 'same' | 'unknown';
}

interface YearPair {
  from: string;
  to: string;
  rows: ComparisonRow[];
  /** the filter's choices */
  departments: string[];
}

interface ArchiveIndexView {
  title: string;
  generator: string;
  years: YearRow[];
  gradeHeads: string[];
  failed: number;
  pairs: YearPair[];
}

const average = (values: Array<number | null>): number | null => {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0) / present.length;
};

/** Same project in two years: same 主管部门 and 项目名称, however spaces and full-width characters were typed. */
const projectKey = (f: ManifestForm): string => `${(f.department ?? '').normalize('NFKC').replace(/\s+/g, '')}\u0000${(f.projectName ?? '').normalize('NFKC').replace(/\s+/g, '')}`;

function side(f: ManifestForm): Side {
  return { total: decimalOrDash(displayScore(f)), grade: visibleLine(f.grade ?? '—'), rate: percentOrDash(f.funds?.executionRate), pdf: f.outputs?.pdf ? href(f.outputs.pdf) : null };
}

/**
 * Projects filed in two consecutive years: for each pair of years (2020 → 2021), the projects
 * whose 主管部门 and 项目名称 match, with both years' total, grade and execution rate. A name
 * filed twice in one year (two units' copies) is compared by its first copy in source order.
 */
export function yearOverYear(forms: ManifestForm[]): YearPair[] {
  const byYear = new Map<number, Map<string, ManifestForm>>();
  for (const f of [...forms].sort((a, b) => collator.compare(a.source, b.source))) {
    if (f.status !== 'ok' || f.year === null || !f.projectName) continue;
    const year = byYear.get(f.year) ?? new Map<string, ManifestForm>();
    if (!year.has(projectKey(f))) year.set(projectKey(f), f);
    byYear.set(f.year, year);
  }
  const pairs: YearPair[] = [];
  for (const year of [...byYear.keys()].sort((a, b) => b - a)) {
    const before = byYear.get(year - 1);
    const after = byYear.get(year);
    if (!before || !after) continue;
    const rows: ComparisonRow[] = [];
    for (const [key, f] of after) {
      const old = before.get(key);
      if (!old) continue;
      const a = displayScore(old);
      const b = displayScore(f);
      const delta = a === null || b === null ? null : Number(decimalText(b - a));
      rows.push({
        department: visibleLine(f.department || '未填写主管部门'),
        name: visibleLine(f.projectName ?? ''),
        before: side(old),
        after: side(f),
        change: delta === null ? '—' : delta > 0 ? `+${decimalText(delta)}` : decimalText(delta),
        trend: delta === null ? 'unknown' : delta > 0 ? 'up' : delta < 0 ? 'down' : 'same',
      });
    }
    rows.sort((x, y) => collator.compare(x.department, y.department) || collator.compare(x.name, y.name));
    if (rows.length > 0) pairs.push({ from: String(year - 1), to: String(year), rows, departments: [...new Set(rows.map((r) => r.department))] });
  }
  return pairs;
}

/** out/index.html: the years of the archive with their counts, grades and pages, and the year-over-year comparison. Static, works from file://. */
export async function renderArchiveIndex(forms: ManifestForm[], generator: string, reports: YearReport[] = []): Promise<string> {
  const ok = forms.filter((f) => f.status === 'ok');
  const byYear = new Map<string, ManifestForm[]>();
  for (const f of ok) byYear.set(yearFolder(f), [...(byYear.get(yearFolder(f)) ?? []), f]);
  const others = [...new Set(ok.map((f) => f.grade ?? '未评级'))].filter((g) => !STANDARD_GRADES.includes(g)).sort(collator.compare);
  const gradeHeads = [...STANDARD_GRADES, ...others];
  // Newest first: the year being worked on is the one looked for.
  const years = [...byYear.entries()].sort(([a], [b]) => (a === UNKNOWN_YEAR ? 1 : b === UNKNOWN_YEAR ? -1 : collator.compare(b, a)));
  const pairs = yearOverYear(forms);
  const view: ArchiveIndexView = {
    title: '项目支出绩效自评归档',
    generator,
    years: years.map(([year, yearForms]) => ({
      year,
      label: /^\d+$/.test(year) ? `${year}年度` : visibleLine(year),
      projects: yearForms.length,
      average: decimalOrDash(average(yearForms.map(displayScore))),
      grades: gradeHeads.map((grade) => ({ grade, count: yearForms.filter((f) => (f.grade ?? '未评级') === grade).length })),
      withErrors: yearForms.filter((f) => f.findings.some((x) => x.severity === 'error')).length,
      index: href(`${year}/${INDEX_FILE}`),
      summary: href(`${year}/${SUMMARY_FILE}`),
      report: reports.find((r) => r.year === year)?.report ? href(`${year}/${REPORT_FILE}`) : null,
    })),
    gradeHeads: gradeHeads.map((g) => visibleLine(g)),
    failed: forms.filter((f) => f.status === 'error').length,
    pairs,
  };
  return (await template<ArchiveIndexView>('archive-index.hbs'))(view);
}

/** How the build reads and writes files under --out (paths relative to it): its atomic writes, never around them. */
export interface OutFiles {
  read(path: string): Promise<string | null>;
  write(path: string, text: string): Promise<void>;
}

/** Writes out/index.html when what it shows changed (a build that changed nothing leaves it alone). */
export async function writeArchiveIndex(files: OutFiles, forms: ManifestForm[], generator: string, reports: YearReport[] = []): Promise<boolean> {
  const page = await renderArchiveIndex(forms, generator, reports);
  if ((await files.read(ROOT_INDEX_FILE)) === page) return false;
  await files.write(ROOT_INDEX_FILE, page);
  return true;
}
