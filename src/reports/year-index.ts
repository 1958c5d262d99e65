import { posix } from 'node:path';
import { isProblem, severityText, type Severity } from '../model/finding.js';
import type { ManifestForm } from '../model/manifest.js';
import { visibleLine, visibleText } from '../model/display-text.js';
import { shownMessage, shownPath } from '../model/shown-path.js';
import { decimalOrDash, decimalText, percentOrDash } from '../model/numbers.js';
import type { Profile } from '../model/profile.js';
import { template } from '../template-files.js';

export interface YearIndexInput {
  year: string;
  forms: ManifestForm[];
  /** grade thresholds, best first (from the profile the forms were scored by) */
  grades: Profile['grades'];
  generator: string;
  /** Shown in the footer; left out by default so two builds of the same forms give the same page. */
  builtAt?: string;
  /** the department folders' combined PDFs (paths relative to out) */
  combined?: Array<{ department: string; path: string; count: number }>;
  /** the year's printed report, its file name beside the page, when it is written */
  report?: string;
  /** the department folders' 复核意见.xlsx (paths relative to out; count: findings listed) */
  review?: Array<{ department: string; path: string; count: number }>;
}

const collator = new Intl.Collator('zh-CN');

/** The 汇总表's name beside each year's page (reports/year-reports.ts writes it under this name). */
const SUMMARY_HREF = '汇总表.xlsx';

/** Projects in archive order: 主管部门, then 项目名称 (Chinese collation), then source, so ties stay put. */
export function sortForms(forms: ManifestForm[]): ManifestForm[] {
  return [...forms].sort(
    (a, b) =>
      collator.compare(a.department ?? '', b.department ?? '') ||
      collator.compare(a.projectName ?? '', b.projectName ?? '') ||
      collator.compare(a.source, b.source) ||
      collator.compare(a.sheet ?? '', b.sheet ?? ''),
  );
}

/** Path of an output (relative to out/) as seen from out/<年度>/, segment by segment. */
export function segmentsFromYear(year: string, path: string): string[] {
  return posix.relative(year, path).split('/');
}

/** Same, as a URL: each segment percent-encoded so Chinese names, spaces and `#` survive file://. */
function hrefFromYear(year: string, path: string | undefined): string | null {
  if (!path) return null;
  return segmentsFromYear(year, path)
    .map((s) => (s === '..' ? s : encodeURIComponent(s)))
    .join('/');
}

/** The score a reader should see: what the rendered copy prints, else what the rules give. */
export const displayScore = (f: ManifestForm): number | null => f.total ?? f.computedTotal;

/** Score chart geometry (px in the SVG's own coordinates); the template only turns it into markup, escaped. */
interface ScoreChart {
  width: number;
  height: number;
  plotLeft: number;
  plotRight: number;
  plotTop: number;
  plotBottom: number;
  axisY: number;
  ticks: { x: number; label: string }[];
  grades: { x: number; label: string; labelY: number }[];
  bars: { anchor: string; name: string; label: string; value: string; y: number; height: number; width: number; textY: number; valueX: number; band: string }[];
}

const CHART = { width: 820, labelWidth: 230, plotWidth: 500, top: 28, row: 24, bar: 14, bottom: 26, labelChars: 14 };

const truncate = (text: string, max: number): string => {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
};

/** Bar colour by grade rank, best first: a, b, c, then d for every lower grade. */
const band = (grade: string | null, grades: Profile['grades']): string => {
  const rank = grade === null ? -1 : grades.findIndex((g) => g.grade === grade);
  return rank < 0 ? 'none' : (['a', 'b', 'c'][rank] ?? 'd');
};

/** One horizontal bar per project on a 0–100 axis; scores above 100 are drawn full length and labelled with their value. */
function scoreChart(items: { anchor: string; name: string; value: number | null; grade: string | null }[], grades: Profile['grades']): ScoreChart {
  const plotLeft = CHART.labelWidth + 10;
  const x = (v: number): number => plotLeft + (Math.min(Math.max(v, 0), 100) / 100) * CHART.plotWidth;
  const plotBottom = CHART.top + items.length * CHART.row;
  return {
    width: CHART.width,
    height: plotBottom + CHART.bottom,
    plotLeft,
    plotRight: plotLeft + CHART.plotWidth,
    plotTop: CHART.top,
    plotBottom,
    axisY: plotBottom + 16,
    ticks: [0, 20, 40, 60, 80, 100].map((v) => ({ x: x(v), label: String(v) })),
    // The chart marks each grade's lower bound inside 0–100, so a bar reads as a grade.
    grades: grades
      .filter((g) => g.min > 0 && g.min <= 100)
      .map((g) => ({ x: x(g.min), label: `${g.grade}(${g.min})`, labelY: CHART.top - 10 }))
      .reverse(),
    bars: items.map((item, i) => {
      const y = CHART.top + i * CHART.row + (CHART.row - CHART.bar) / 2;
      const width = item.value === null ? 0 : x(item.value) - plotLeft;
      return {
        anchor: item.anchor,
        name: item.name,
        label: truncate(item.name, CHART.labelChars),
        value: decimalOrDash(item.value),
        y,
        height: CHART.bar,
        width,
        textY: y + CHART.bar / 2 + 4,
        valueX: plotLeft + width + 6,
        band: item.value === null ? 'none' : band(item.grade, grades),
      };
    }),
  };
}

interface FindingView {
  severity: string;
  severityClass: Severity;
  code: string;
  cell: string;
  message: string;
}

interface ProjectView {
  no: number;
  anchor: string;
  department: string;
  unit: string;
  name: string;
  source: string;
  sheet: string;
  budget: string;
  executed: string;
  rate: string;
  totalWeight: string;
  filledTotal: string;
  computedTotal: string;
  total: string;
  grade: string;
  errors: number;
  warnings: number;
  infos: number;
  pdf: string | null;
  xlsx: string | null;
  findings: FindingView[];
  /** the form as a page with its findings marked, and its annotated copy */
  html: string | null;
  annotated: string | null;
  /** `已修改 2 次，现有问题 3 条`, for a form whose source changed since it was first built; '' otherwise */
  revised: string;
}

interface FailedView {
  source: string;
  sheet: string;
  findings: FindingView[];
}

interface YearIndexView {
  title: string;
  combined: Array<{ department: string; href: string; count: number }>;
  review: Array<{ department: string; href: string; count: number }>;
  generator: string;
  builtAt: string | null;
  stats: { projects: number; average: string; grades: { grade: string; count: number }[]; withErrors: number; failed: number };
  projects: ProjectView[];
  /** the filters' choices: every 主管部门 and grade the table shows; grades best first, for sorting by rank */
  departments: string[];
  gradeChoices: string[];
  gradeOrder: string;
  /** the footer's statement of the grade lines */
  gradeLines: string;
  /** the year's 汇总表, beside the page */
  summaryHref: string;
  /** the year's printed report, beside the page */
  reportHref: string | null;
  chart: ScoreChart | null;
  failed: FailedView[];
}

const bestFirst = (grades: Profile['grades']): Profile['grades'] => [...grades].sort((a, b) => b.min - a.min);

/**
 * The grade lines of the profile, best first, as the footer states them: `优 ≥ 90，良 ≥ 80，中 ≥ 60，差 < 60`
 * (the lowest grade, taking every score below the one above it, by that bound).
 */
export function gradeLines(grades: Profile['grades']): string {
  const sorted = bestFirst(grades);
  return sorted
    .map((g, i) => {
      const above = sorted[i - 1];
      if (i === sorted.length - 1 && g.min <= 0) return above ? `${g.grade} < ${decimalText(above.min)}` : `一律为${g.grade}`;
      return `${g.grade} ≥ ${decimalText(g.min)}`;
    })
    .join('，');
}

const count = (f: ManifestForm, s: Severity): number => f.findings.filter((x) => x.severity === s).length;

/*
 * Handlebars escapes <>&"'`= but passes control characters through: an ESC sequence or a bidi
 * override (U+202E) from a cell would reach the page raw and reorder or hide what it shows. Every
 * text taken from a form goes through visibleLine/visibleText, which show them as `\u202E`.
 */
const findingViews = (f: ManifestForm): FindingView[] =>
  f.findings.map((x) => ({ severity: severityText[x.severity], severityClass: x.severity, code: visibleLine(x.code), cell: visibleLine(x.cell ?? ''), message: visibleText(shownMessage(x.message)) }));

function projectView(year: string, f: ManifestForm, i: number): ProjectView {
  return {
    no: i + 1,
    anchor: `p${i + 1}`,
    department: visibleLine(f.department || '未填写主管部门'),
    unit: visibleLine(f.implementingUnit || '—'),
    name: visibleLine(f.projectName || '未填写项目名称'),
    source: visibleLine(shownPath(f.source)),
    sheet: visibleLine(f.sheet ?? ''),
    budget: decimalOrDash(f.funds?.fullYearBudget, 4),
    executed: decimalOrDash(f.funds?.executed, 4),
    rate: percentOrDash(f.funds?.executionRate),
    totalWeight: decimalOrDash(f.totalWeight),
    filledTotal: decimalOrDash(f.filledTotal),
    computedTotal: decimalOrDash(f.computedTotal),
    total: decimalOrDash(f.total),
    grade: visibleLine(f.grade ?? '—'),
    errors: count(f, 'error'),
    warnings: count(f, 'warning'),
    infos: count(f, 'info'),
    pdf: hrefFromYear(year, f.outputs?.pdf),
    xlsx: hrefFromYear(year, f.outputs?.xlsx),
    findings: findingViews(f),
    html: hrefFromYear(year, f.outputs?.html),
    annotated: hrefFromYear(year, f.annotated?.path),
    revised: revisedText(f),
  };
}

/** How often a form was corrected and what is open now; '' for a form never revised. */
function revisedText(f: ManifestForm): string {
  const times = f.history?.length ?? 0;
  if (times === 0) return '';
  const open = f.findings.filter(isProblem).length;
  return `已修改 ${times} 次，${open === 0 ? '问题已全部更正' : `现有问题 ${open} 条`}`;
}

/** 优良中差 always, in that order, so years compare at a glance; any other grade after them. */
export function gradeCounts(forms: ManifestForm[]): { grade: string; count: number }[] {
  const standard = ['优', '良', '中', '差'];
  const others = [...new Set(forms.map((f) => f.grade ?? '未评级'))].filter((g) => !standard.includes(g)).sort(collator.compare);
  return [...standard, ...others].map((grade) => ({ grade, count: forms.filter((f) => (f.grade ?? '未评级') === grade).length }));
}

function average(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0) / present.length;
}

/** out/<年度>/index.html: the year's projects, scores, chart and findings; static, works offline from file://. */
export async function renderYearIndex(input: YearIndexInput): Promise<string> {
  const ok = sortForms(input.forms.filter((f) => f.status === 'ok'));
  const failed = sortForms(input.forms.filter((f) => f.status === 'error'));
  const projects = ok.map((f, i) => projectView(input.year, f, i));
  const shownGrades = new Set(projects.map((p) => p.grade));
  const gradeOrder = bestFirst(input.grades).map((g) => g.grade);
  const view: YearIndexView = {
    title: `${/^\d+$/.test(input.year) ? `${input.year}年度` : input.year} 项目支出绩效自评归档`,
    generator: input.generator,
    builtAt: input.builtAt ?? null,
    combined: (input.combined ?? []).map((c) => ({ department: visibleLine(c.department), href: hrefFromYear(input.year, c.path) ?? '', count: c.count })),
    review: (input.review ?? []).map((c) => ({ department: visibleLine(c.department), href: hrefFromYear(input.year, c.path) ?? '', count: c.count })),
    stats: {
      projects: ok.length,
      average: decimalOrDash(average(ok.map(displayScore))),
      grades: gradeCounts(ok),
      withErrors: ok.filter((f) => count(f, 'error') > 0).length,
      failed: failed.length,
    },
    projects,
    departments: [...new Set(projects.map((p) => p.department))].sort(collator.compare),
    gradeChoices: [...gradeOrder.filter((g) => shownGrades.has(g)), ...[...shownGrades].filter((g) => !gradeOrder.includes(g)).sort(collator.compare)],
    gradeOrder: gradeOrder.join(' '),
    gradeLines: gradeLines(input.grades),
    summaryHref: encodeURIComponent(SUMMARY_HREF),
    reportHref: input.report ? encodeURIComponent(input.report) : null,
    chart:
      ok.length === 0
        ? null
        : scoreChart(
            ok.map((f, i) => ({ anchor: `p${i + 1}`, name: `${i + 1}. ${visibleLine(f.projectName || '未填写项目名称')}`, value: displayScore(f), grade: f.grade })),
            bestFirst(input.grades),
          ),
    failed: failed.map((f) => ({ source: visibleLine(shownPath(f.source)), sheet: visibleLine(f.sheet ?? ''), findings: findingViews(f) })),
  };
  return (await template<YearIndexView>('index.hbs'))(view);
}
