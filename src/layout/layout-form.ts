import Handlebars from 'handlebars';
import type { FundRow, SourcedNumber, SourcedText } from '../model/form-input.js';
import type { FormSheet, SheetCell } from '../model/form-sheet.js';
import { decimalText, fixedFormatFor, formatNumber, formNumberText, normalizeNumberText, numFmtForText, parseNumberText, percentText } from '../model/numbers.js';
import type { Profile } from '../model/profile.js';
import type { ScoredForm } from '../model/scored-form.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { geometries, PAGE, type Cols, type Geometry } from './geometry.js';
import { glyphFindings } from './glyphs.js';
import { paginate } from './paginate.js';
import { splitAtPageBreaks } from './page-split.js';
import { rowHeights } from './row-heights.js';
import { pageBody, setCells, type PlacedCell } from './typeset-cells.js';
import { FindingLog } from '../model/messages.js';
import { styles, type StyleName } from './styles.js';
import type { Finding } from '../model/finding.js';
import { templateFormulas, type FormulaRows } from './template-formulas.js';

export interface LayoutOptions {
  /** a blank fillable template: input cells marked, numbers validated */
  template?: boolean;
}

interface Place {
  row: number;
  cols: Cols;
  rows?: number;
  text: string;
  style: StyleName;
  number?: number;
  numFmt?: string;
  source?: string | null;
  input?: boolean;
  validation?: SheetCell['validation'];
}

/** Collects cells row by row; knows the grid, not the form. */
class Grid {
  readonly cells: PlacedCell[] = [];
  constructor(private readonly template: boolean) {}
  put(p: Place): void {
    const style = { ...styles[p.style], input: this.template && p.input === true };
    const cell: PlacedCell = { row: p.row, col: p.cols[0], rowSpan: p.rows ?? 1, colSpan: p.cols[1] - p.cols[0] + 1, text: p.text, style, source: p.source ?? null };
    if (p.number !== undefined) cell.number = p.number;
    if (p.numFmt !== undefined) cell.numFmt = p.numFmt;
    if (p.validation && this.template) cell.validation = p.validation;
    this.cells.push(cell);
  }
}

/** A number printed as the unit wrote it; the spreadsheet keeps it a number. */
function asFilled(n: SourcedNumber): Pick<Place, 'text' | 'number' | 'numFmt' | 'source'> {
  const parsed = parseNumberText(n.text);
  if (parsed === null) return { text: n.text, source: n.cell };
  // Shown at the form's precision; the spreadsheet keeps the unit's full value behind the format
  // (0.6896 shown as 69%, 89.974 as 89.97) wherever that value is what the text shows.
  const text = formNumberText(n.text);
  const number = n.value !== null && formatNumber(n.value, fixedFormatFor(text)) === normalizeNumberText(text) ? n.value : parsed;
  // A value with more decimals than its text needs its format said, or a spreadsheet would show them all again.
  const plain = numFmtForText(text);
  const numFmt = normalizeNumberText(formatNumber(number, plain)) === normalizeNumberText(text) ? plain : fixedFormatFor(text);
  return { text, number, source: n.cell, ...(numFmt ? { numFmt } : {}) };
}

/** A computed number, or the unit's own text when the two agree (so a copy reproduces the form). */
function shown(value: number | null, filled: SourcedNumber, decimals: number): Pick<Place, 'text' | 'number' | 'numFmt' | 'source'> {
  if (value === null) return asFilled(filled);
  if (filled.value !== null && Math.abs(filled.value - value) < 1e-9 && filled.text !== '') return asFilled(filled);
  return { text: decimalText(value, decimals), number: Number(decimalText(value, decimals)), source: filled.cell };
}

function rateShown(value: number | null, filled: SourcedNumber, decimals: number): Pick<Place, 'text' | 'number' | 'numFmt' | 'source'> {
  if (value === null || (filled.value !== null && Math.abs(filled.value - value) < 1e-9 && filled.text !== '')) return asFilled(filled);
  const text = percentText(value, decimals);
  return { text, number: value, numFmt: decimals > 0 ? `0.${'0'.repeat(decimals)}%` : '0%', source: filled.cell };
}

/** Text of a cell the source had (printed as written), or the official default when the source had no such cell. */
const orDefault = (t: SourcedText | SourcedNumber, official: string): string => (t.cell === null && t.text === '' ? official : t.text);

const yearLines = new Map<string, HandlebarsTemplateDelegate<{ year: number | string }>>();
/** The profile's year line pattern, compiled once per pattern (every form prints one). */
function yearLine(pattern: string, year: number | null): string {
  let compiled = yearLines.get(pattern);
  if (!compiled) {
    compiled = Handlebars.compile<{ year: number | string }>(pattern, { noEscape: true });
    yearLines.set(pattern, compiled);
  }
  return compiled({ year: year ?? '    ' });
}

export interface LaidOut {
  sheet: FormSheet;
  /** characters the embedded faces cannot draw, by cell */
  findings: Finding[];
}

/** Row numbers handed out top to bottom: sections of different forms take different numbers of rows. */
class Rows {
  next = 1;
  take(count = 1): number {
    const row = this.next;
    this.next += count;
    return row;
  }
}

interface Section {
  grid: Grid;
  rows: Rows;
  g: Geometry;
  scored: ScoredForm;
  profile: Profile;
  /** where the blocks put the rows formulas refer to */
  marks: Partial<FormulaRows>;
}

const numberCell = { kind: 'decimal' as const, min: 0, max: 100, prompt: '请填写数字' };
const amountCell = { ...numberCell, max: 1e9, prompt: '请填写金额(万元)，只填数字' };

/** Rows 1–3: annex, title, year line. A form read from a file keeps its own wording. */
function titleBlock({ grid, rows, g, scored, profile }: Section): void {
  const input = scored.input;
  const all: Cols = [1, g.last];
  const fromFile = input.title.cell !== null;
  // The annex label needs more than the narrow first column; no border, so it takes three.
  grid.put({ row: rows.take(), cols: [1, 3], text: fromFile ? input.annex.text : profile.texts.annex, style: 'annex', source: input.annex.cell });
  grid.put({ row: rows.take(), cols: all, text: fromFile ? input.title.text : profile.texts.title, style: 'title', source: input.title.cell });
  // A year written inside the title (`2020年度项目支出绩效自评表`) still gets its own year line.
  // A year typed bare (“2021”) prints as the official line, “(2021年度)”.
  const ownYearLine = input.year.text !== '' && input.year.cell !== input.title.cell && /年/.test(input.year.text);
  grid.put({ row: rows.take(), cols: all, text: ownYearLine ? input.year.text : yearLine(profile.texts.yearLine, input.year.value), style: 'yearLine', source: input.year.cell, input: true });
}

/** 项目名称; 主管部门 and 实施单位 (project forms). */
function projectBlock({ grid, rows, g, scored }: Section): void {
  const input = scored.input;
  const r1 = rows.take();
  grid.put({ row: r1, cols: g.info.label, text: '项目名称', style: 'label' });
  grid.put({ row: r1, cols: g.info.value, text: input.projectName.text, style: 'text', source: input.projectName.cell, input: true });
  const r2 = rows.take();
  grid.put({ row: r2, cols: g.info.label, text: '主管部门', style: 'label' });
  grid.put({ row: r2, cols: g.info.deptValue, text: input.department.text, style: 'text', source: input.department.cell, input: true });
  grid.put({ row: r2, cols: g.info.unitLabel, text: '实施单位', style: 'label' });
  grid.put({ row: r2, cols: g.info.unitValue, text: input.implementingUnit.text, style: 'text', source: input.implementingUnit.cell, input: true });
}

/**
 * 部门（单位）名称 (and 主管部门 when the form names a department other than its unit), then the
 * 年度主要任务 rows when the form has them (department forms).
 */
function unitBlock({ grid, rows, g, scored }: Section): void {
  const input = scored.input;
  const r = rows.take();
  grid.put({ row: r, cols: g.unit.label, text: '部门（单位）名称', style: 'label' });
  grid.put({ row: r, cols: g.unit.value, text: input.projectName.text, style: 'text', source: input.projectName.cell, input: true });
  if (input.implementingUnit.text !== '') {
    const d = rows.take();
    grid.put({ row: d, cols: g.unit.label, text: '主管部门', style: 'label' });
    grid.put({ row: d, cols: g.unit.value, text: input.department.text, style: 'text', source: input.department.cell, input: true });
  }
  const tasks = input.tasks ?? [];
  if (tasks.length === 0) return;
  const t = g.tasks;
  const header = rows.take();
  grid.put({ row: header, cols: t.label, rows: tasks.length + 1, text: '年度主要任务', style: 'label' });
  for (const [cols, text] of [
    [t.name, '任务名称'],
    [t.content, '主要内容'],
    [t.budget, '预算数'],
    [t.executed, '执行数'],
  ] as const)
    grid.put({ row: header, cols, text, style: 'label' });
  for (const task of tasks) {
    const row = rows.take();
    grid.put({ row, cols: t.name, text: task.name.text, style: 'text', source: task.name.cell, input: true });
    grid.put({ row, cols: t.content, text: task.content.text, style: 'text', source: task.content.cell, input: true });
    grid.put({ row, cols: t.budget, ...asFilled(task.budget), style: 'value', input: true, validation: amountCell });
    grid.put({ row, cols: t.executed, ...asFilled(task.executed), style: 'value', input: true, validation: amountCell });
  }
}

/** The funds block: header, then 年度资金总额 and its parts. */
function fundsBlock({ grid, rows, g, scored, profile, marks }: Section, department: boolean): void {
  const input = scored.input;
  const mode = scored.mode;
  const decimals = profile.display.scoreDecimals;
  const f = g.funds;
  const all: Array<[FundRow, string, boolean]> = [
    [input.funds.total, department ? '年度资金总额' : '年度资金总额:', true],
    [input.funds.currentYear, department ? '其中：财政拨款' : '其中:当年财政拨款', true],
    // A department form prints 上年结转资金 only when the unit's form had it.
    [input.funds.carryOver, '上年结转资金', !department || input.funds.carryOver.label.cell !== null],
    [input.funds.other, '其他资金', true],
  ];
  const fundRows = all.filter(([, , shownRow]) => shownRow);
  // A block without 分值 and 得分 is printed without them: 全年执行数 and 执行率 take their columns.
  const unscored = input.executionUnscored === true;
  const executedCols: Cols = unscored ? [f.executed[0], f.weight[1]] : f.executed;
  const rateCols: Cols = unscored ? [f.rate[0], f.score[1]] : f.rate;
  const header = rows.take();
  grid.put({ row: header, cols: f.label, rows: fundRows.length + 1, text: department ? '预算资金(万元)' : '项目资金 (万元)', style: 'label' });
  grid.put({ row: header, cols: f.rowLabel, text: '', style: 'label' });
  const heads: Array<[Cols, string]> = [
    [f.initialBudget, '年初预算数'],
    [f.fullYearBudget, '全年预算数'],
    [executedCols, '全年执行数'],
    ...(unscored ? [] : ([[f.weight, '分值']] as Array<[Cols, string]>)),
    [rateCols, '执行率'],
    ...(unscored ? [] : ([[f.score, '得分']] as Array<[Cols, string]>)),
  ];
  for (const [cols, text] of heads) grid.put({ row: header, cols, text, style: 'label' });
  fundRows.forEach(([fr, label], i) => {
    const row = rows.take();
    const isTotal = i === 0;
    grid.put({ row, cols: f.rowLabel, text: orDefault(fr.label, label), style: 'label', source: fr.label.cell });
    for (const [cols, n] of [
      [f.initialBudget, fr.initialBudget],
      [f.fullYearBudget, fr.fullYearBudget],
      [executedCols, fr.executed],
    ] as const) {
      grid.put({ row, cols, ...asFilled(n), style: 'value', input: true, validation: amountCell });
    }
    if (unscored) {
      const rate = !isTotal || mode === 'filled' ? asFilled(fr.rate) : rateShown(scored.funds.shownRate, fr.rate, profile.funds.rateDecimals);
      grid.put({ row, cols: rateCols, ...rate, style: 'value' });
      if (isTotal) marks.funds = row;
    } else if (isTotal) {
      marks.funds = row;
      const weight = mode === 'filled' || fr.weight.text !== '' ? asFilled(fr.weight) : { text: decimalText(scored.funds.weight, decimals), number: scored.funds.weight, source: fr.weight.cell };
      grid.put({ row, cols: f.weight, ...weight, style: 'value', input: true, validation: numberCell });
      const rate = mode === 'filled' ? asFilled(fr.rate) : rateShown(scored.funds.shownRate, fr.rate, profile.funds.rateDecimals);
      grid.put({ row, cols: f.rate, ...rate, style: 'value' });
      const scoreValue = profile.funds.scoreCellShows === 'total' ? scored.total : scored.funds.shownScore;
      const score = mode === 'filled' ? asFilled(fr.score) : shown(scoreValue, fr.score, decimals);
      grid.put({ row, cols: f.score, ...score, style: 'value' });
    } else {
      grid.put({ row, cols: f.weight, ...asFilled(fr.weight), text: orDefault(fr.weight, '—'), style: 'value' });
      grid.put({ row, cols: f.rate, ...asFilled(fr.rate), style: 'value' });
      grid.put({ row, cols: f.score, ...asFilled(fr.score), text: orDefault(fr.score, '—'), style: 'value' });
    }
  });
}

/** 年度总体目标: the two labels, then the two texts. */
function goalsBlock({ grid, rows, g, scored }: Section): void {
  const input = scored.input;
  const r1 = rows.take();
  const r2 = rows.take();
  grid.put({ row: r1, cols: g.goals.label, rows: 2, text: '年度总体目标', style: 'label' });
  grid.put({ row: r1, cols: g.goals.expected, text: '预期目标', style: 'label' });
  grid.put({ row: r1, cols: g.goals.actual, text: '实际完成情况', style: 'label' });
  grid.put({ row: r2, cols: g.goals.expected, text: input.goals.expected.text, style: 'longText', source: input.goals.expected.cell, input: true });
  grid.put({ row: r2, cols: g.goals.actual, text: input.goals.actual.text, style: 'longText', source: input.goals.actual.cell, input: true });
}

/** The indicator table: header, one row per line, 总分. Returns the header row (repeated on every page). */
function indicatorBlock({ grid, rows, g, scored, profile, marks }: Section): number {
  const input = scored.input;
  const mode = scored.mode;
  const decimals = profile.display.scoreDecimals;
  const L = g.lines;
  const lines = input.indicators;
  const header = rows.take();
  const first = rows.take(lines.length);
  const totalRow = rows.take();
  Object.assign(marks, { firstLine: first, lastLine: first + lines.length - 1, total: totalRow });
  grid.put({ row: header, cols: L.label, rows: lines.length + 1, text: '绩效指标', style: 'label' });
  const lineHeads: Array<[Cols, string]> = [
    [L.level1, '一级指标'],
    [L.level2, '二级指标'],
    [L.name, '三级指标'],
    [L.target, '年度指标值'],
    [L.actual, '实际完成值'],
    [L.weight, '分值'],
    [L.score, '得分'],
    [L.deviation, '偏差原因分析及改进措施'],
  ];
  for (const [cols, text] of lineHeads) grid.put({ row: header, cols, text, style: 'label' });

  // 一级 and 二级 cells merge down over their groups; a group is a run of lines read from one cell.
  const sameGroup = (a: SourcedText, b: SourcedText): boolean => a.text === b.text && a.cell === b.cell;
  const groupRuns = (pick: (i: number) => SourcedText, within: (i: number, j: number) => boolean): Array<[number, number]> => {
    const runs: Array<[number, number]> = [];
    lines.forEach((_, i) => {
      const last = runs[runs.length - 1];
      if (last && sameGroup(pick(last[0]), pick(i)) && within(last[0], i)) last[1] = i;
      else runs.push([i, i]);
    });
    return runs;
  };
  const level1Runs = groupRuns(
    (i) => lines[i]?.level1 ?? { text: '', cell: null },
    () => true,
  );
  const level1Of = (i: number): number => level1Runs.findIndex(([a, b]) => i >= a && i <= b);
  const level2Runs = groupRuns(
    (i) => lines[i]?.level2 ?? { text: '', cell: null },
    (i, j) => level1Of(i) === level1Of(j),
  );
  for (const [a, b] of level1Runs) {
    const l = lines[a];
    if (l) grid.put({ row: first + a, rows: b - a + 1, cols: L.level1, text: l.level1.text, style: 'value', source: l.level1.cell, input: true });
  }
  for (const [a, b] of level2Runs) {
    const l = lines[a];
    if (l) grid.put({ row: first + a, rows: b - a + 1, cols: L.level2, text: l.level2.text, style: 'value', source: l.level2.cell, input: true });
  }
  lines.forEach((l, i) => {
    const row = first + i;
    const s = scored.indicators[i];
    grid.put({ row, cols: L.name, text: l.name.text, style: 'text', source: l.name.cell, input: true });
    grid.put({ row, cols: L.target, text: l.target.text, style: 'value', source: l.target.cell, input: true });
    grid.put({ row, cols: L.actual, text: l.actual.text, style: 'value', source: l.actual.cell, input: true });
    // The weight as printed (10/6 → 1.67), the spreadsheet's number too: the column adds up to the 总分 row in both.
    const weight = mode === 'filled' || !s ? asFilled(l.weight) : shown(s.shownWeight, l.weight, decimals);
    grid.put({ row, cols: L.weight, ...weight, style: 'value', input: true, validation: numberCell });
    const score = mode === 'filled' || !s ? asFilled(l.score) : shown(s.score, l.score, decimals);
    grid.put({ row, cols: L.score, ...score, style: 'value', input: true, validation: numberCell });
    grid.put({ row, cols: L.deviation, text: l.deviation.text, style: 'text', source: l.deviation.cell, input: true });
  });

  const T = g.total;
  grid.put({ row: totalRow, cols: T.label, text: orDefault(input.total.label, '总分'), style: 'label', source: input.total.label.cell });
  const tw = mode === 'filled' ? asFilled(input.total.weight) : shown(scored.totalWeight, input.total.weight, decimals);
  grid.put({ row: totalRow, cols: T.weight, ...tw, style: 'value' });
  const ts = mode === 'filled' ? asFilled(input.total.score) : shown(scored.total, input.total.score, decimals);
  grid.put({ row: totalRow, cols: T.score, ...ts, style: 'value' });
  grid.put({ row: totalRow, cols: T.note, text: input.total.note.text, style: 'text', source: input.total.note.cell });
  return header;
}

/**
 * ScoredForm + profile → FormSheet: the official grid of form-layout.md in the form's own layout
 * (Ningxia, national or department-wide), with the values the chosen score mode prints, each
 * cell's text broken into its printed lines and the rows placed on pages. The only place that
 * knows where anything goes on the form.
 */
export function layoutForm(scored: ScoredForm, profile: Profile, typeset: Typesetter, options: LayoutOptions = {}): LaidOut {
  const variant = scored.input.variant;
  const g: Geometry = geometries[variant];
  const section: Section = { grid: new Grid(options.template === true), rows: new Rows(), g, scored, profile, marks: {} };
  titleBlock(section);
  if (variant === 'department') unitBlock(section);
  else projectBlock(section);
  fundsBlock(section, variant === 'department');
  goalsBlock(section);
  const header = indicatorBlock(section);
  if (options.template) addFormulas(section);

  const log = new FindingLog(scored.input.source.file);
  const page = PAGE;
  const repeatRows = { first: header, last: header };
  const lastRow = section.rows.next - 1;
  // The repeated header's height bounds any one row: it is set first, then every cell once.
  const headerCells = setCells(
    section.grid.cells.filter((c) => c.row === header && c.rowSpan === 1),
    { columns: g.widths, page },
    pageBody({ page }, 0),
    typeset,
    new FindingLog(scored.input.source.file),
  );
  const headerHeight = rowHeights(headerCells, header)[header - 1] ?? 0;
  const set = setCells(section.grid.cells, { columns: g.widths, page }, pageBody({ page }, headerHeight), typeset, log);
  // Splitting merged cells at the page breaks changes what the rows need (a label cut to one row
  // needs that row to hold it), which can move a break. Rows only ever grow from round to round,
  // so breaks only move up the form and the rounds end: two or three on real forms.
  let rows = rowHeights(set, lastRow);
  let pages = paginate({ page, rows, repeatRows });
  let cells = splitAtPageBreaks(set, pages);
  for (let round = 0; round < 50; round++) {
    const need = rowHeights(cells, lastRow);
    const grown = rows.map((h, i) => Math.max(h, need[i] ?? h));
    if (grown.every((h, i) => h === rows[i])) break;
    rows = grown;
    pages = paginate({ page, rows, repeatRows });
    cells = splitAtPageBreaks(set, pages);
  }
  const sheet: FormSheet = {
    name: '自评表',
    title: `${scored.input.projectName.text || profile.texts.title}`,
    columns: g.widths,
    rows,
    cells,
    repeatRows,
    page,
    pages,
  };
  return { sheet, findings: [...log.list, ...glyphFindings(sheet, typeset, scored.input.source.file)] };
}

/** A template's computed cells get their formulas (see template-formulas.ts); a form without lines has none to sum. */
function addFormulas({ grid, g, profile, marks }: Section): void {
  const { funds, firstLine, lastLine, total } = marks;
  if (funds === undefined || firstLine === undefined || lastLine === undefined || total === undefined || lastLine < firstLine) return;
  for (const f of templateFormulas(g, profile, { funds, firstLine, lastLine, total })) {
    const cell = grid.cells.find((c) => c.row === f.row && c.col === f.col);
    if (!cell) continue;
    cell.formula = f.formula;
    if (f.numFmt) cell.numFmt = f.numFmt;
  }
}
