import { visibleLine } from '../../model/display-text.js';
import { bySeverity, hasError, type Finding, type Severity } from '../../model/finding.js';
import { cellLabel } from '../../model/finding-parts.js';
import type { ManifestForm } from '../../model/manifest.js';
import { locationText } from '../../model/messages.js';
import type { Profile } from '../../model/profile.js';
import { roundHalfUp } from '../../model/numbers.js';
import { FIXED_DATE } from '../../zip/fixed-date.js';
import { yearOverYear } from '../archive-index.js';
import { displayScore, gradeCounts } from '../year-index.js';

/**
 * What the year's report says, worked out from the manifest alone: no layout, no I/O. Every
 * number here is one a reader can find again in the manifest (the tests do exactly that).
 */

/** 主管部门 in Chinese order, numbers by value (第2局 before 第10局), as the combined PDFs sort. */
export const collator = new Intl.Collator('zh', { numeric: true });

/** Where a form starts in its department's 合并打印.pdf: the file (relative to out) and its 1-based page, null when not known. */
export interface CombinedPlace {
  path: string;
  page: number | null;
}

export interface ReportInput {
  /** the year folder's name: `2021`, or `未知年度` */
  year: string;
  /** the year's forms and every file that could not be processed (as the year's pages list them) */
  forms: ManifestForm[];
  /** every form of the archive: the previous year is looked up here */
  archive: ManifestForm[];
  archiveName: string;
  generator: string;
  /** grade thresholds of the profile most of the year's forms were scored by */
  grades: Profile['grades'];
  /** where each form starts in its department's combined PDF, for the forms that are in one */
  combined: Map<ManifestForm, CombinedPlace>;
}

export interface Totals {
  projects: number;
  departments: number;
  withErrors: number;
  /** forms with a 本次总分, which the average and median are over */
  scored: number;
  average: number | null;
  median: number | null;
  grades: Array<{ grade: string; count: number }>;
  /** 全年预算数 summed over the forms that state both 全年预算数 and 全年执行数, in 万元 (null when none does) */
  budget: number | null;
  /** 全年执行数 summed over the same forms */
  executed: number | null;
  /** the two sums' ratio as printed (each to the cent of 万元, as `money` prints it); null when the budget printed is 0 */
  rate: number | null;
  /** forms left out of the three for want of a number: no 全年预算数, no 全年执行数, neither */
  leftOut: { noBudget: number; noExecuted: number; neither: number };
}

/** The year's totals, with the files of the archive that could not be processed (they have no year: every year's report counts them). */
export interface YearTotals extends Totals {
  failed: number;
}

export interface DepartmentRow extends Omit<Totals, 'departments'> {
  name: string;
}

export interface Bin {
  label: string;
  count: number;
}

export interface ShortFinding {
  severity: Severity;
  code: string;
  /** `H30`, or `` when the finding names no cell */
  cell: string;
  text: string;
}

export interface AttentionRow {
  department: string;
  name: string;
  score: number | null;
  grade: string;
  rate: number | null;
  reasons: string[];
  findings: ShortFinding[];
  /** findings not shown */
  more: number;
  combined: CombinedPlace | null;
}

export interface Comparison {
  from: string;
  to: string;
  before: Totals;
  after: Totals;
  rows: ReturnType<typeof yearOverYear>[number]['rows'];
}

export interface ReportFacts {
  year: string;
  /** `2021年度`, or the folder's name when it is no year */
  yearLabel: string;
  archiveName: string;
  generator: string;
  /** the newest `sourceModified` of the year's forms, as a date in China Standard Time, and how many forms record none */
  newestSource: { date: string | null; undated: number };
  totals: YearTotals;
  /** 5-point bins of 本次总分, 0–5 … 95–100 (100 falls in the last), then what lies outside 0–100 */
  histogram: Bin[];
  outsideHistogram: { below: number; above: number; none: number };
  departments: DepartmentRow[];
  attention: AttentionRow[];
  /** grades that put a form on the attention list (the profile's two lowest) */
  attentionGrades: string[];
  comparison: Comparison | null;
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export const departmentOf = (f: ManifestForm): string => visibleLine(f.department || '未填写主管部门');
const nameOf = (f: ManifestForm): string => visibleLine(f.projectName || '未填写项目名称');

/** A sum of 万元 as the report prints it (`money`): to the cent. */
const cents = (value: number): number => roundHalfUp(value, 2);

/**
 * Counts, scores and money of a set of forms (all `ok`). 预算数, 执行数 and the rate are over one
 * and the same forms, those that state both amounts, so a row adds up as printed: the rate is the
 * printed 执行数 over the printed 预算数. The forms left out are counted, by what they lack.
 */
export function totalsOf(forms: ManifestForm[]): Totals {
  const scores = forms.map(displayScore).filter((v): v is number => v !== null);
  const budgetOf = (f: ManifestForm): number | null => f.funds?.fullYearBudget ?? null;
  const executedOf = (f: ManifestForm): number | null => f.funds?.executed ?? null;
  const counted = forms.filter((f) => budgetOf(f) !== null && executedOf(f) !== null);
  const budget = counted.length === 0 ? null : sum(counted.map((f) => budgetOf(f) ?? 0));
  const executed = counted.length === 0 ? null : sum(counted.map((f) => executedOf(f) ?? 0));
  return {
    projects: forms.length,
    departments: new Set(forms.map(departmentOf)).size,
    withErrors: forms.filter((f) => hasError(f.findings)).length,
    scored: scores.length,
    average: scores.length === 0 ? null : sum(scores) / scores.length,
    median: median(scores),
    grades: gradeCounts(forms),
    budget,
    executed,
    rate: budget === null || executed === null || cents(budget) === 0 ? null : cents(executed) / cents(budget),
    leftOut: {
      noBudget: forms.filter((f) => budgetOf(f) === null && executedOf(f) !== null).length,
      noExecuted: forms.filter((f) => budgetOf(f) !== null && executedOf(f) === null).length,
      neither: forms.filter((f) => budgetOf(f) === null && executedOf(f) === null).length,
    },
  };
}

/** How many forms a total leaves out of its money. */
export const leftOutCount = (t: Pick<Totals, 'leftOut'>): number => t.leftOut.noBudget + t.leftOut.noExecuted + t.leftOut.neither;

/** 5-point bins over 0–100; a score of exactly 100 belongs to 95–100. */
export function scoreHistogram(scores: Array<number | null>): { bins: Bin[]; outside: ReportFacts['outsideHistogram'] } {
  const bins: Bin[] = Array.from({ length: 20 }, (_, i) => ({ label: `${i * 5}–${i * 5 + 5}`, count: 0 }));
  const outside = { below: 0, above: 0, none: 0 };
  for (const s of scores) {
    if (s === null) outside.none++;
    else if (s < 0) outside.below++;
    else if (s > 100) outside.above++;
    else (bins[Math.min(19, Math.floor(s / 5))] as Bin).count++;
  }
  return { bins, outside };
}

/** Findings shown per form on the attention list: the rest are counted, and are in the year index. */
export const FINDINGS_SHOWN = 3;
/** Characters of a finding's text the list keeps. */
const SHORT_TEXT = 36;

/**
 * A finding's message without its location prefix (the list names the cell itself), cut to its
 * first sentence and at most SHORT_TEXT characters.
 */
export function shortText(f: Finding): string {
  const where = locationText({ ...(f.file ? { file: f.file } : {}), ...(f.cell ? { cell: f.cell } : f.sheet ? { sheet: f.sheet } : {}) });
  let text = where && f.message.startsWith(`${where}：`) ? f.message.slice(where.length + 1) : f.message;
  const stop = text.search(/[。；]/);
  if (stop >= 0) text = text.slice(0, stop);
  const chars = [...visibleLine(text)];
  return chars.length <= SHORT_TEXT ? chars.join('') : `${chars.slice(0, SHORT_TEXT - 1).join('')}…`;
}

function topFindings(findings: Finding[]): { shown: ShortFinding[]; more: number } {
  const ranked = findings.map((f, i) => ({ f, i })).sort((a, b) => bySeverity(a.f.severity, b.f.severity) || a.i - b.i);
  const shown = ranked.slice(0, FINDINGS_SHOWN).map(({ f }) => ({ severity: f.severity, code: visibleLine(f.code), cell: visibleLine(cellLabel(f.cell).replace(/\$/g, '')), text: shortText(f) }));
  return { shown, more: findings.length - shown.length };
}

/** The profile's two lowest grades (中 and 差 in every bundled profile). */
export const lowGrades = (grades: Profile['grades']): string[] =>
  [...grades]
    .sort((a, b) => a.min - b.min)
    .slice(0, 2)
    .map((g) => g.grade);

/** Why a form needs a look, in the report's words; empty when it does not. */
export function attentionReasons(f: ManifestForm, low: string[]): string[] {
  const reasons: string[] = [];
  if (f.grade !== null && low.includes(f.grade)) reasons.push(`等级为${f.grade}`);
  const errors = f.findings.filter((x) => x.severity === 'error').length;
  if (errors > 0) reasons.push(`${errors} 个错误`);
  const rate = f.funds?.executionRate ?? null;
  if (rate !== null && rate < 0.6) reasons.push('执行率低于 60%');
  if (rate !== null && rate > 1) reasons.push('执行率高于 100%');
  return reasons;
}

/** Projects in archive order: 主管部门, 项目名称, then source and sheet, so ties stay put. */
const byPlace = (a: ManifestForm, b: ManifestForm): number =>
  collator.compare(departmentOf(a), departmentOf(b)) ||
  collator.compare(nameOf(a), nameOf(b)) ||
  (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) ||
  collator.compare(a.sheet ?? '', b.sheet ?? '');

/** Beijing time (UTC+8, no summer time): the date a unit in China would say it saved the file. */
function chinaDate(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3600_000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

export function reportFacts(input: ReportInput): ReportFacts {
  const ok = input.forms.filter((f) => f.status === 'ok').sort(byPlace);
  const failed = input.forms.filter((f) => f.status === 'error').length;
  // ziping's own workbooks (init's template, the bench's forms) carry its fixed date: no one saved them then.
  const dated = ok.map((f) => f.sourceModified).filter((d): d is string => d !== undefined && Date.parse(d) !== FIXED_DATE.getTime());
  const newest = dated.length === 0 ? null : dated.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
  const byDepartment = new Map<string, ManifestForm[]>();
  for (const f of ok) {
    const list = byDepartment.get(departmentOf(f));
    if (list) list.push(f);
    else byDepartment.set(departmentOf(f), [f]);
  }
  const { bins, outside } = scoreHistogram(ok.map(displayScore));
  const low = lowGrades(input.grades);
  const attention: AttentionRow[] = [];
  for (const f of ok) {
    const reasons = attentionReasons(f, low);
    if (reasons.length === 0) continue;
    const { shown, more } = topFindings(f.findings);
    attention.push({
      department: departmentOf(f),
      name: nameOf(f),
      score: displayScore(f),
      grade: visibleLine(f.grade ?? '—'),
      rate: f.funds?.executionRate ?? null,
      reasons,
      findings: shown,
      more,
      combined: input.combined.get(f) ?? null,
    });
  }
  return {
    year: input.year,
    yearLabel: /^\d+$/.test(input.year) ? `${input.year}年度` : visibleLine(input.year),
    archiveName: visibleLine(input.archiveName),
    generator: input.generator,
    newestSource: { date: newest === null ? null : chinaDate(newest), undated: ok.length - dated.length },
    totals: { ...totalsOf(ok), failed },
    histogram: bins,
    outsideHistogram: outside,
    departments: [...byDepartment.entries()].sort(([a], [b]) => collator.compare(a, b)).map(([name, forms]) => ({ name, ...totalsOf(forms) })),
    attention,
    attentionGrades: low,
    comparison: comparison(input),
  };
}

/** The previous year beside this one, when the archive holds forms of it. */
function comparison(input: ReportInput): Comparison | null {
  if (!/^\d+$/.test(input.year)) return null;
  const year = Number(input.year);
  const ofYear = (y: number): ManifestForm[] => input.archive.filter((f) => f.status === 'ok' && f.year === y);
  const before = ofYear(year - 1);
  if (before.length === 0) return null;
  const pair = yearOverYear([...before, ...ofYear(year)]).find((p) => p.to === input.year);
  // The files that could not be processed have no year: neither column counts them.
  return { from: String(year - 1), to: input.year, before: totalsOf(before), after: totalsOf(ofYear(year)), rows: pair?.rows ?? [] };
}
