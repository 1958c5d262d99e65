import type { Finding } from '../model/finding.js';
import type { FormInput, FundRow, IndicatorLine, SourcedNumber, SourcedText } from '../model/form-input.js';
import { FindingLog } from '../model/messages.js';
import { emptyNumber, emptyText, readNumber, readText } from './cells.js';
import { cellAt, cellRef, cellsInRow, filledRows, spanOf, spansInRow, type Grid, type GridCell } from './grid.js';
import { headingPatterns, isAnyLabel, isHeading, isLabel, labels, lookalikes, type LabelName } from './labels.js';
import { splitLabelValue } from '../model/text.js';

/** Rows of one form on a sheet: from its title block to its 总分 row. */
export interface FormRegion {
  top: number;
  anchorRow: number;
  bottom: number;
}

export interface ReadForm {
  input: FormInput;
  findings: Finding[];
  /** the table is of the family but lacks what scoring needs: nothing is scored or rendered (findings say why) */
  refused: boolean;
}

interface Found {
  row: number;
  col: number;
  cell: GridCell;
}

/**
 * `label value` in one cell (`实施单位 某局`, `部门：某局`): the value, or null. A label of two
 * characters needs a separator after it, or `部门整体支出绩效自评表` would read as 部门 “整体支出…”.
 */
function valueInLabelCell(text: string, label: string): string | null {
  if ([...label].length <= 2 && !new RegExp(`^\\s*${label}(\\s|[:(])`).test(text.normalize('NFKC'))) return null;
  return splitLabelValue(text, label);
}

/** Label matching is on the normalised key; a label may also carry its value in the same cell. */
function matches(cell: GridCell, name: LabelName): boolean {
  if (cell.kind !== 'text') return false;
  if (isLabel(cell.key, name)) return true;
  // A header label never carries its value in its cell.
  if (name === 'level1') return false;
  return labels[name].some((l) => cell.key.startsWith(l) && cell.key.length > l.length && valueInLabelCell(cell.text, l) !== null);
}

/**
 * The first filled cell, row by row and left to right, that passes `test`; merged ranges count
 * once, at their top-left. Every test looks for something written, so empty cells are not visited.
 */
function firstCell(grid: Grid, fromRow: number, toRow: number, test: (cell: GridCell) => boolean, fromCol = 1, toCol = grid.colCount): Found | null {
  for (const row of filledRows(grid, fromRow, Math.min(toRow, grid.rowCount))) {
    for (const cell of cellsInRow(grid, row)) {
      if (cell.col < fromCol) continue;
      if (cell.col > toCol) break;
      if (test(cell)) return { row, col: cell.col, cell };
    }
  }
  return null;
}

/**
 * What a row shows from `fromCol` to `toCol`, left to right: its filled cells and the top-left
 * cell of each merged range crossing it (a range may start in a row above).
 */
function shownInRow(grid: Grid, row: number, fromCol: number, toCol: number): Array<{ col: number; cell: GridCell }> {
  const shown = new Map<number, GridCell>();
  for (const cell of cellsInRow(grid, row)) if (cell.col >= fromCol && cell.col <= toCol) shown.set(cell.col, cell);
  for (const span of spansInRow(grid, row)) {
    const col = Math.max(span.left, fromCol);
    if (col <= Math.min(span.right, toCol) && !shown.has(col)) shown.set(col, cellAt(grid, row, col));
  }
  return [...shown].sort(([a], [b]) => a - b).map(([col, cell]) => ({ col, cell }));
}

function findInRows(grid: Grid, name: LabelName, fromRow: number, toRow: number, fromCol = 1, toCol = grid.colCount): Found | null {
  return firstCell(grid, fromRow, toRow, (cell) => isLabel(cell.key, name), fromCol, toCol);
}

/** Like findInRows but also accepts `label value` in one cell. */
function findLabelCell(grid: Grid, name: LabelName, fromRow: number, toRow: number): Found | null {
  return findInRows(grid, name, fromRow, toRow) ?? firstCell(grid, fromRow, toRow, (cell) => matches(cell, name));
}

function isFundsHeader(grid: Grid, row: number): boolean {
  return (['initialBudget', 'fullYearBudget', 'executed'] as const).some((name) => findInRows(grid, name, row, row) !== null);
}

function rowHas(grid: Grid, row: number, name: LabelName): boolean {
  return firstCell(grid, row, row, (cell) => matches(cell, name)) !== null;
}

/** A 部门整体 form says so in its title, above its name row. */
function saysDepartmentWide(grid: Grid, fromRow: number, toRow: number): boolean {
  return firstCell(grid, Math.max(1, fromRow), toRow, (cell) => cell.kind === 'text' && /部门整体/.test(cell.text)) !== null;
}

/**
 * Rows holding a 项目名称 label start a form, and so does the 部门（单位）名称 row of a 部门整体
 * form. A form whose 项目名称 label was deleted still has its 主管部门 row: the row above it
 * stands in, so the form is read and the missing label reported.
 */
export function findAnchors(grid: Grid): Array<{ row: number; labelled: boolean }> {
  const rows: Array<{ row: number; labelled: boolean }> = [];
  for (const row of filledRows(grid, 1, grid.rowCount)) {
    // The national export also heads its funds table with 项目名称; that row is not a new form.
    if (rowHas(grid, row, 'projectName') && !isFundsHeader(grid, row)) rows.push({ row, labelled: true });
    // A project form may print its unit's name above 项目名称: only a 部门整体 form is anchored on it,
    // on its first name row (部门 / 预算单位 may follow in the next rows).
    else if (
      rowHas(grid, row, 'unitName') &&
      saysDepartmentWide(grid, row - 4, row - 1) &&
      !firstCell(grid, row + 1, row + 3, (cell) => isLabel(cell.key, 'projectName')) &&
      !rows.slice(-3).some((r) => row - r.row >= 0 && row - r.row <= 3)
    )
      rows.push({ row, labelled: true });
    // Anchors come in row order, so only the last few can be within two rows of this one.
    else if (row > 1 && rowHas(grid, row, 'department') && !rows.slice(-3).some((r) => row - r.row >= 0 && row - r.row <= 2)) rows.push({ row: row - 1, labelled: false });
  }
  return [...rows, ...unnamedDepartmentForms(grid, rows)].sort((a, b) => a.row - b.row);
}

/** A row of the title block: the annex, the title, the year line. */
const titleBlockRow = (grid: Grid, row: number): boolean =>
  cellsInRow(grid, row).every((cell) => cell.kind !== 'text' || /自评表|^附件|年度|^\s*[(（]?\s*(19|20)\d{2}\s*年?\s*[)）]?\s*$/.test(cell.text.normalize('NFKC')));

/**
 * A 部门整体 form whose name row has a label no form of the family uses (填报单位 …) has no anchor
 * label: its first row under the title block stands in. It is read only when both its tables are
 * there (regionsOf), and its name is said missing, not guessed.
 */
function unnamedDepartmentForms(grid: Grid, anchors: Array<{ row: number }>): Array<{ row: number; labelled: boolean }> {
  const out: Array<{ row: number; labelled: boolean }> = [];
  for (const row of filledRows(grid, 1, grid.rowCount)) {
    const title = cellsInRow(grid, row).some((cell) => cell.kind === 'text' && /部门整体/.test(cell.text) && /自评表/.test(cell.text));
    if (!title || anchors.some((a) => a.row > row && a.row <= row + 5)) continue;
    const first = filledRows(grid, row + 1, row + 5).find((r) => !titleBlockRow(grid, r));
    if (first !== undefined) out.push({ row: first, labelled: false });
  }
  return out;
}

export function regionsOf(grid: Grid): FormRegion[] {
  const found = findAnchors(grid);
  const anchors = found.map((a) => a.row);
  const unlabelled = new Set(found.filter((a) => !a.labelled).map((a) => a.row));
  const regions: FormRegion[] = [];
  anchors.forEach((anchorRow, i) => {
    const previousBottom = regions[i - 1]?.bottom ?? 0;
    const top = Math.max(previousBottom + 1, anchorRow - 4);
    const nextAnchor = anchors[i + 1];
    const limit = nextAnchor !== undefined ? nextAnchor - 1 : grid.rowCount;
    const header = findInRows(grid, 'level1', anchorRow, limit);
    const total = header ? findTotalRow(grid, header.row + 1, limit) : null;
    regions.push({ top, anchorRow, bottom: total ? spanOf(grid, total.row, total.col).bottom : limit });
  });
  // A 项目名称 alone (a project information sheet) is not a form: it needs its funds or indicator table.
  // Sister forms of the same workbook (绩效目标申报表, 执行监控表) share the labels but not the title.
  const titled = (r: FormRegion): boolean => {
    for (let row = r.top; row < r.anchorRow; row++) {
      for (const { cell } of shownInRow(grid, row, 1, grid.colCount)) {
        const t = cell.text;
        if (/表/.test(t) && /(申报|监控|审核|评审|目标表|计划)/.test(t) && !/自评/.test(t)) return false;
      }
    }
    return true;
  };
  const hasIndicators = (r: FormRegion): boolean => findInRows(grid, 'level1', r.anchorRow, r.bottom) !== null;
  const hasFunds = (r: FormRegion): boolean => Array.from({ length: Math.min(8, r.bottom - r.anchorRow + 1) }, (_, i) => r.anchorRow + i).some((row) => isFundsHeader(grid, row));
  // Without its 项目名称 label a block is taken for a form only when it has both tables.
  const isForm = (r: FormRegion): boolean => titled(r) && (unlabelled.has(r.anchorRow) ? hasIndicators(r) && hasFunds(r) : hasIndicators(r) || hasFunds(r));
  const forms = regions.filter(isForm);
  regions.length = 0;
  regions.push(...forms);
  // A form's title block sits above its 项目名称; the rows between two forms belong to the later one.
  for (let i = 1; i < regions.length; i++) {
    const r = regions[i];
    const prev = regions[i - 1];
    if (r && prev) r.top = Math.max(prev.bottom + 1, r.anchorRow - 4);
  }
  return regions;
}

function findTotalRow(grid: Grid, fromRow: number, toRow: number): Found | null {
  return firstCell(grid, fromRow, toRow, (cell) => cell.kind === 'text' && (isLabel(cell.key, 'total') || /^总分/.test(cell.key)));
}

/**
 * The value beside a label: the rest of the label's own cell (`实施单位 某局`), or the first filled
 * cell to its right that is not itself a label. When blank, it points at the cell where it belongs.
 */
function valueBeside(grid: Grid, at: Found, name: LabelName, log: FindingLog): SourcedText {
  for (const l of isLabel(at.cell.key, name) ? [] : labels[name]) {
    const rest = valueInLabelCell(at.cell.text, l);
    if (rest) return { text: rest, cell: cellRef(grid, at.row, at.col) };
  }
  const start = spanOf(grid, at.row, at.col).right + 1;
  for (const cell of cellsInRow(grid, at.row)) {
    if (cell.col < start || cell.kind === 'blank') continue;
    if (cell.kind === 'text' && isAnyLabel(cell.key)) break;
    return readText(grid, at.row, cell.col, labels[name][0] ?? name, log);
  }
  return { text: '', cell: start <= grid.colCount ? cellRef(grid, at.row, start) : null };
}

/** Without its label, the 项目名称 row still holds the name: the first text in it that is no label. */
function unlabelledValue(grid: Grid, row: number): SourcedText {
  const at = firstCell(grid, row, row, (cell) => cell.kind === 'text' && !isAnyLabel(cell.key));
  return at ? { text: at.cell.text, cell: cellRef(grid, at.row, at.col) } : emptyText;
}

const nameLabels = [
  ['departmentName', 'department'],
  ['department', 'department'],
  ['unitName', 'unit'],
  ['implementingUnit', 'unit'],
  ['projectName', 'project'],
] as const;

/**
 * The names on a 部门整体 form's header rows, under whichever labels it prints them: 部门（单位）名称,
 * 部门名称 or 部门, 单位名称 or 预算单位 — or the project template's 项目名称 / 主管部门 / 实施单位 when
 * an office typed the 部门整体 form into it. The department is read from a row naming the
 * department, the unit from one naming the unit; the form is filed under the unit's name, else the
 * department's. A name with no label the family uses is said missing, never guessed.
 */
function readDepartmentNames(grid: Grid, fromRow: number, toRow: number, log: FindingLog): { name: SourcedText; department: SourcedText; unit: SourcedText } {
  const found: Array<{ kind: 'department' | 'unit' | 'project'; value: SourcedText }> = [];
  for (const row of filledRows(grid, fromRow, toRow)) {
    for (const cell of cellsInRow(grid, row)) {
      // A whole label first: 部门（单位）名称 is that label, not 部门 followed by its value.
      const label = nameLabels.find(([name]) => cell.kind === 'text' && isLabel(cell.key, name)) ?? nameLabels.find(([name]) => matches(cell, name));
      if (label) found.push({ kind: label[1], value: valueBeside(grid, { row, col: cell.col, cell }, label[0], log) });
    }
  }
  const filled = (kind: 'department' | 'unit' | 'project'): SourcedText | undefined => found.find((f) => f.kind === kind && (f.value.text !== '' || f.value.unknown))?.value;
  const department = filled('department');
  const unit = filled('unit');
  const name = unit ?? department ?? filled('project') ?? found[0]?.value ?? emptyText;
  if (found.length === 0) log.add('INGEST_LABEL_MISSING', cellRef(grid, fromRow, 1), { label: '部门（单位）名称', near: '表头' });
  else if (name.text === '' && !name.unknown) log.add('DEPARTMENT_NAME_MISSING', name.cell ?? cellRef(grid, fromRow, 1));
  // A form naming only its unit is the department's own: the department is the unit. A unit other
  // than its department is kept as the implementing unit.
  return { name, department: department ?? name, unit: department && unit && unit.text !== department.text ? unit : emptyText };
}

interface TitleBlock {
  annex: SourcedText;
  title: SourcedText;
  year: SourcedNumber;
}

function readTitleBlock(grid: Grid, region: FormRegion, log: FindingLog): TitleBlock {
  let annex = emptyText;
  let title = emptyText;
  let year = emptyNumber;
  let yearLine: SourcedText | null = null;
  for (let row = region.top; row < region.anchorRow; row++) {
    for (const cell of cellsInRow(grid, row)) {
      const col = cell.col;
      const ref = cellRef(grid, row, col);
      // Someone filling in a template types just 2021 over its “(    年度)” line: a number cell.
      if (cell.kind === 'number' && year.cell === null && cell.number !== null && Number.isInteger(cell.number) && cell.number >= 1990 && cell.number <= 2099) {
        year = { value: cell.number, text: cell.text, cell: ref };
        continue;
      }
      if (cell.kind !== 'text') continue;
      const t = cell.text.normalize('NFKC');
      if (/^附件\s*\d+/.test(t) && annex.cell === null) annex = { text: cell.text, cell: ref };
      else if (/自评表/.test(t) && title.cell === null) title = { text: cell.text, cell: ref };
      // “2021年度”, “(2021 年)”, or the year alone (typed as text, or in a cell formatted as text).
      const y = /((?:19|20)\d{2})\s*年/.exec(t) ?? /^\s*[(（]?\s*((?:19|20)\d{2})\s*[)）]?\s*$/.exec(t);
      if (y && year.cell === null && !/^附件/.test(t)) year = { value: Number(y[1]), text: cell.text, cell: ref };
      else if (/年度/.test(t) && !/自评表/.test(t) && yearLine === null) yearLine = { text: cell.text, cell: ref };
    }
  }
  if (year.value === null) {
    const line = yearLine ?? title;
    log.add('INGEST_YEAR_MISSING', line.cell ?? cellRef(grid, region.top, 1), { text: line.text });
    // The blank year line of a template is kept, so a rebuilt copy prints it again.
    if (yearLine) year = { value: null, text: yearLine.text, cell: yearLine.cell };
  }
  return { annex, title, year };
}

type FundKey = 'initialBudget' | 'fullYearBudget' | 'executed' | 'weight' | 'rate' | 'score';
const fundColumns: FundKey[] = ['initialBudget', 'fullYearBudget', 'executed', 'weight', 'rate', 'score'];
const fundWhat: Record<FundKey, string> = {
  initialBudget: '年初预算数',
  fullYearBudget: '全年预算数',
  executed: '全年执行数',
  weight: '分值',
  rate: '执行率',
  score: '得分',
};

function emptyFundRow(): FundRow {
  return { label: emptyText, initialBudget: emptyNumber, fullYearBudget: emptyNumber, executed: emptyNumber, weight: emptyNumber, rate: emptyNumber, score: emptyNumber };
}

function readFunds(grid: Grid, region: FormRegion, lastRow: number, log: FindingLog): { funds: FormInput['funds']; unscored: boolean } {
  const funds = { total: emptyFundRow(), currentYear: emptyFundRow(), carryOver: emptyFundRow(), other: emptyFundRow() };
  // The header row is the one naming the amounts; some provinces print no 年初预算数 column.
  let headerRow = 0;
  for (const row of filledRows(grid, region.anchorRow, lastRow)) {
    if (isFundsHeader(grid, row)) {
      headerRow = row;
      break;
    }
  }
  if (headerRow === 0) {
    log.add('INGEST_LABEL_MISSING', cellRef(grid, region.anchorRow + 2, 1), { label: '全年预算数', near: '“项目资金”一栏的表头' });
    return { funds, unscored: false };
  }
  const cols: Partial<Record<FundKey, number>> = {};
  for (const key of fundColumns) {
    const found = findInRows(grid, key, headerRow, headerRow);
    if (found) cols[key] = found.col;
  }
  // Without both 分值 and 得分 the block is one of cities that score execution as an indicator line
  // (or not at all): nothing is missing, the scorer decides what that means for the total.
  const unscored = cols.weight === undefined && cols.score === undefined;
  for (const key of fundColumns) {
    if (cols[key] !== undefined || key === 'initialBudget' || (unscored && (key === 'weight' || key === 'score'))) continue;
    log.add('INGEST_LABEL_MISSING', cellRef(grid, headerRow, 1), { label: fundWhat[key], near: '“项目资金”一栏的表头' });
  }
  const firstAmountCol = Math.min(...Object.values(cols));
  const rowNames = [
    ['total', 'fundsTotal'],
    ['currentYear', 'fundsCurrentYear'],
    ['carryOver', 'fundsCarryOver'],
    ['other', 'fundsOther'],
  ] as const;
  const headerBottom = Math.max(...Object.values(cols).map((c) => spanOf(grid, headerRow, c).bottom), headerRow);
  const last = Math.min(lastRow, headerBottom + 6);
  for (const [key, name] of rowNames) {
    const label = findInRows(grid, name, headerBottom + 1, last, 1, firstAmountCol - 1);
    if (!label) {
      if (key === 'total') log.add('INGEST_LABEL_MISSING', cellRef(grid, headerBottom + 1, Math.max(1, firstAmountCol - 1)), { label: '年度资金总额', near: '“项目资金”表头下方' });
      continue;
    }
    const row: FundRow = { ...emptyFundRow(), label: { text: label.cell.text, cell: cellRef(grid, label.row, label.col) } };
    for (const k of fundColumns) {
      const col = cols[k];
      if (col === undefined) continue;
      row[k] = readNumber(grid, label.row, col, `${label.cell.text.replace(/[:：]$/, '')}的${fundWhat[k]}`, log, k === 'rate');
    }
    funds[key] = row;
  }
  return { funds, unscored };
}

function readGoals(grid: Grid, region: FormRegion, indicatorHeaderRow: number, log: FindingLog): FormInput['goals'] {
  const goals = { expected: emptyText, actual: emptyText };
  const to = Math.min(region.bottom, indicatorHeaderRow - 1);
  const pick = (name: 'goalsExpected' | 'goalsActual'): SourcedText => {
    const at = findLabelCell(grid, name, region.anchorRow, to);
    if (!at) return emptyText;
    for (const l of labels[name]) {
      const rest = splitLabelValue(at.cell.text, l);
      if (rest) return { text: rest, cell: cellRef(grid, at.row, at.col) };
    }
    const below = spanOf(grid, at.row, at.col).bottom + 1;
    return below <= to ? readText(grid, below, at.col, labels[name][0] ?? name, log) : { text: '', cell: null };
  };
  goals.expected = pick('goalsExpected');
  goals.actual = pick('goalsActual');
  return goals;
}

type LineKey = 'level1' | 'level2' | 'name' | 'target' | 'actual' | 'weight' | 'score' | 'deviation';
const lineColumns: LineKey[] = ['level1', 'level2', 'name', 'target', 'actual', 'weight', 'score', 'deviation'];
const lineWhat: Record<LineKey, string> = {
  level1: '一级指标',
  level2: '二级指标',
  name: '三级指标',
  target: '年度指标值',
  actual: '实际完成值',
  weight: '分值',
  score: '得分',
  deviation: '偏差原因分析及改进措施',
};

type LineCols = Partial<Record<LineKey, readonly [number, number]>>;

/** Header labels in the preferred wording first (`年度指标值` before the `指标值` under it), then a heading known by what it says. */
function findPreferred(grid: Grid, name: LabelName, fromRow: number, toRow: number): Found | null {
  for (const label of labels[name]) {
    const found = firstCell(grid, fromRow, toRow, (cell) => cell.key === label);
    if (found) return found;
  }
  const pattern = headingPatterns[name];
  return pattern ? firstCell(grid, fromRow, toRow, (cell) => cell.kind === 'text' && pattern.test(cell.key)) : null;
}

/**
 * Columns of the indicator table from its header texts. The header may take two rows (Yunnan
 * splits 年度指标值 into 指标性质 | 指标值 | 度量单位 under one merged cell); a column label then
 * covers every column of its span, and the line's text joins them.
 */
function readIndicatorHeader(grid: Grid, headerRow: number, log: FindingLog): { cols: LineCols; bottom: number } {
  let top = headerRow;
  for (const span of spansInRow(grid, headerRow - 1)) {
    if (headerRow > 1 && span.top === headerRow - 1 && span.bottom >= headerRow) top = headerRow - 1;
  }
  const cols: LineCols = {};
  let bottom = headerRow;
  for (const key of lineColumns) {
    const found = findPreferred(grid, key, top, headerRow);
    if (!found) {
      // Scoring does without the reasons; the lines whose reason is expected cannot be told.
      if (key === 'deviation') log.add('INGEST_REASON_COLUMN_MISSING', cellRef(grid, headerRow, 1));
      else log.add('INGEST_COLUMN_MISSING', cellRef(grid, headerRow, 1), { label: lineWhat[key] });
      continue;
    }
    const span = spanOf(grid, found.row, found.col);
    cols[key] = [span.left, span.right];
    bottom = Math.max(bottom, span.bottom);
  }
  return { cols, bottom };
}

/** A line's text from its columns; several columns (a split header) are joined. */
function lineText(grid: Grid, row: number, cols: readonly [number, number] | undefined, what: string, log: FindingLog): SourcedText {
  if (!cols) return emptyText;
  const first = readText(grid, row, cols[0], what, log);
  if (cols[0] === cols[1]) return first;
  const seen = new Set<string | null>([first.cell]);
  let text = first.text;
  // Columns that show nothing add nothing: only filled cells and merged ranges are read.
  for (const { col } of shownInRow(grid, row, cols[0] + 1, cols[1])) {
    const part = readText(grid, row, col, what, log);
    if (seen.has(part.cell)) continue;
    seen.add(part.cell);
    text += part.text;
    if (part.unknown) return { text, cell: first.cell, unknown: true };
  }
  return first.unknown ? { text, cell: first.cell, unknown: true } : { text, cell: first.cell };
}

function readIndicators(grid: Grid, firstRow: number, lastRow: number, cols: LineCols, log: FindingLog): IndicatorLine[] {
  const lines: IndicatorLine[] = [];
  let level1: SourcedText = emptyText;
  let level2: SourcedText = emptyText;
  const nameOf = (row: number): string => lineText(grid, row, cols.name, '三级指标', log).text;
  const text = (row: number, key: LineKey): SourcedText =>
    lineText(grid, row, cols[key], key === 'name' || key === 'level1' || key === 'level2' ? lineWhat[key] : `指标“${nameOf(row)}”的${lineWhat[key]}`, log);
  /** a cell of the row's own (not a merged range from above) under the column is filled */
  const filled = (row: number, key: LineKey): boolean => {
    const c = cols[key];
    return c !== undefined && cellsInRow(grid, row).some((cell) => cell.col >= c[0] && cell.col <= c[1] && cell.kind !== 'blank');
  };
  /** the row prints the table's header again (a form printed on two pages, pasted back into one sheet) */
  const headerCells = (row: number): GridCell[] =>
    lineColumns.flatMap((key) => {
      const c = cols[key];
      return c ? cellsInRow(grid, row).filter((cell) => cell.col >= c[0] && cell.col <= c[1] && cell.kind === 'text' && isHeading(cell.key, key)) : [];
    });
  for (const row of filledRows(grid, firstRow, lastRow)) {
    const repeated = headerCells(row);
    if (repeated.length >= 3) {
      const first = repeated.reduce((a, b) => (b.col < a.col ? b : a));
      log.add('INGEST_HEADER_REPEATED', cellRef(grid, row, first.col), { labels: repeated.map((c) => c.text.replace(/\s+/g, '')).join('、') });
      continue;
    }
    const startsGroup = filled(row, 'level1') || filled(row, 'level2');
    const hasContent = (['name', 'target', 'actual', 'weight', 'score', 'deviation'] as const).some((key) => filled(row, key));
    if (!startsGroup && !hasContent) continue;
    // A merged 一级/二级 cell covers its rows; a blank one under a filled one continues it.
    // A label printed again for the same group (a copy split at a page break) continues it, so the
    // group keeps its first cell.
    const l1 = text(row, 'level1');
    if (l1.text !== '' && l1.text !== level1.text) {
      level2 = emptyText;
      level1 = l1;
    }
    const l2 = text(row, 'level2');
    if (l2.text !== '' && l2.text !== level2.text) level2 = l2;
    const number = (key: 'weight' | 'score'): SourcedNumber => {
      const c = cols[key];
      if (!c) return emptyNumber;
      return readNumber(grid, row, c[0], `指标“${nameOf(row)}”的${lineWhat[key]}`, log);
    };
    lines.push({
      level1,
      level2,
      name: text(row, 'name'),
      target: text(row, 'target'),
      actual: text(row, 'actual'),
      weight: number('weight'),
      score: number('score'),
      deviation: text(row, 'deviation'),
    });
  }
  return lines;
}

/** A 部门整体 form's 年度主要任务 rows, between its name row and its funds header, and the last row they take. */
function readTasks(grid: Grid, fromRow: number, toRow: number, log: FindingLog): { tasks: NonNullable<FormInput['tasks']>; bottom: number } | null {
  const label = findInRows(grid, 'tasks', fromRow, toRow);
  if (!label) return null;
  const header = firstCell(grid, label.row, toRow, (cell) => isLabel(cell.key, 'taskName'));
  if (!header) return null;
  const colOf = (name: LabelName): number | undefined => findInRows(grid, name, header.row, header.row)?.col;
  const cols = { name: header.col, content: colOf('taskContent'), budget: colOf('taskBudget'), executed: colOf('taskExecuted') };
  const bottom = spanOf(grid, label.row, label.col).bottom;
  const tasks: NonNullable<FormInput['tasks']> = [];
  for (const row of filledRows(grid, header.row + 1, Math.min(toRow, bottom))) {
    const name = readText(grid, row, cols.name, '任务名称', log);
    if (name.text === '' && !name.unknown) continue;
    const what = `任务“${name.text}”的`;
    tasks.push({
      name,
      content: cols.content === undefined ? emptyText : readText(grid, row, cols.content, `${what}主要内容`, log),
      budget: cols.budget === undefined ? emptyNumber : readNumber(grid, row, cols.budget, `${what}预算数`, log),
      executed: cols.executed === undefined ? emptyNumber : readNumber(grid, row, cols.executed, `${what}执行数`, log),
    });
  }
  return { tasks, bottom: Math.max(bottom, header.row) };
}

/** What the header shows where a scoring column is missing: a look-alike that must not stand in for it. */
function lookalikeIn(grid: Grid, row: number, names: readonly string[]): Found | null {
  return firstCell(grid, row, row, (cell) => cell.kind === 'text' && names.includes(cell.key));
}

/**
 * Whether the indicator table can be scored as this form: it needs 分值, 得分, the 三级指标 and the
 * target and actual columns. What is missing is said at the header row, and the form is refused:
 * a table of the family without them must not be scored as if it had them.
 */
function refusesLayout(grid: Grid, header: Found, cols: LineCols, log: FindingLog): boolean {
  let refused = false;
  const at = (found: Found | null): string => (found ? cellRef(grid, found.row, found.col) : cellRef(grid, header.row, header.col));
  if (!cols.weight) {
    const like = lookalikeIn(grid, header.row, lookalikes.weight);
    log.add('INGEST_WEIGHT_COLUMN_MISSING', at(like), { instead: like ? like.cell.text : '' });
    refused = true;
  }
  if (!cols.score) {
    const like = lookalikeIn(grid, header.row, lookalikes.score);
    log.add('INGEST_SCORE_COLUMN_MISSING', at(like), { instead: like ? like.cell.text : '' });
    refused = true;
  }
  const lacking = (['name', 'target', 'actual'] as const).filter((key) => !cols[key]).map((key) => lineWhat[key]);
  if (lacking.length > 0) {
    log.add('INGEST_LAYOUT_UNKNOWN', cellRef(grid, header.row, header.col), { what: `绩效指标表没有“${lacking.join('”“')}”列` });
    refused = true;
  }
  return refused;
}

/** One form, found by its labels inside `region`. Never throws for what the sheet contains. */
export function readForm(grid: Grid, region: FormRegion, file: string): ReadForm {
  const log = new FindingLog(file);
  const { annex, title, year } = readTitleBlock(grid, region, log);
  const department = /部门整体/.test(title.text) || (!findLabelCell(grid, 'projectName', region.anchorRow, region.anchorRow) && rowHas(grid, region.anchorRow, 'unitName'));
  let projectName: SourcedText;
  let departmentName: SourcedText = emptyText;
  let implementingUnit: SourcedText = emptyText;
  const headerBlockEnd = Math.min(region.bottom, region.anchorRow + 3);
  if (department) {
    ({ name: projectName, department: departmentName, unit: implementingUnit } = readDepartmentNames(grid, region.anchorRow, headerBlockEnd, log));
  } else {
    const anchor = findLabelCell(grid, 'projectName', region.anchorRow, region.anchorRow);
    projectName = anchor ? valueBeside(grid, anchor, 'projectName', log) : unlabelledValue(grid, region.anchorRow);
    if (!anchor) log.add('INGEST_LABEL_MISSING', cellRef(grid, region.anchorRow, 1), { label: '项目名称', near: '“主管部门”上一行' });
    if (projectName.text === '' && !projectName.unknown) log.add('INGEST_PROJECT_NAME_MISSING', projectName.cell ?? cellRef(grid, region.anchorRow, 1));
    const deptAt = findLabelCell(grid, 'department', region.anchorRow, headerBlockEnd);
    const unitAt = findLabelCell(grid, 'implementingUnit', region.anchorRow, headerBlockEnd);
    if (!deptAt) log.add('INGEST_LABEL_MISSING', cellRef(grid, region.anchorRow + 1, 1), { label: '主管部门', near: '“项目名称”下一行' });
    if (!unitAt) log.add('INGEST_LABEL_MISSING', cellRef(grid, region.anchorRow + 1, 1), { label: '实施单位', near: '“主管部门”同一行' });
    departmentName = deptAt ? valueBeside(grid, deptAt, 'department', log) : emptyText;
    implementingUnit = unitAt ? valueBeside(grid, unitAt, 'implementingUnit', log) : emptyText;
  }

  const header = findInRows(grid, 'level1', region.anchorRow, region.bottom);
  const fundsEnd = header ? header.row - 1 : region.bottom;
  const taskBlock = department ? readTasks(grid, region.anchorRow + 1, fundsEnd, log) : null;
  const tasks = taskBlock?.tasks;
  // The task table names 预算数 and 执行数 too: the funds header is looked for below it.
  const { funds, unscored } = readFunds(grid, { ...region, anchorRow: taskBlock?.bottom ?? region.anchorRow }, fundsEnd, log);
  let indicators: IndicatorLine[] = [];
  let total: FormInput['total'] = { label: emptyText, weight: emptyNumber, score: emptyNumber, note: emptyText };
  let variant: FormInput['variant'] = department ? 'department' : 'ningxia10';
  let refused = false;
  const goals = readGoals(grid, region, header ? header.row : region.bottom + 1, log);
  if (!header) {
    log.add('INGEST_LABEL_MISSING', cellRef(grid, region.anchorRow, 1), { label: '一级指标', near: '“绩效指标”表头' });
  } else {
    const { cols, bottom: headerBottom } = readIndicatorHeader(grid, header.row, log);
    refused = refusesLayout(grid, header, cols, log);
    const nameCols = cols.name;
    const targetCols = cols.target;
    if (!department && nameCols && targetCols && nameCols[1] > nameCols[0]) variant = 'national11';
    else if (!department && nameCols && targetCols && targetCols[0] - nameCols[0] >= 2 && targetCols[0] === targetCols[1]) variant = 'national11';
    const totalAt = findTotalRow(grid, headerBottom + 1, region.bottom);
    const lastLine = totalAt ? totalAt.row - 1 : region.bottom;
    indicators = refused ? [] : readIndicators(grid, headerBottom + 1, lastLine, cols, log);
    if (!refused && indicators.length === 0) log.add('INGEST_INDICATORS_EMPTY', cellRef(grid, header.row, header.col));
    if (refused) {
      // Nothing of a refused table is scored; its total row is not read either.
    } else if (totalAt) {
      const at = (key: LineKey): number | undefined => cols[key]?.[0];
      const w = at('weight');
      const sc = at('score');
      total = {
        label: { text: totalAt.cell.text, cell: cellRef(grid, totalAt.row, totalAt.col) },
        weight: w === undefined ? emptyNumber : readNumber(grid, totalAt.row, w, '总分行的分值', log),
        score: sc === undefined ? emptyNumber : readNumber(grid, totalAt.row, sc, '总分', log),
        note: cols.deviation === undefined ? emptyText : lineText(grid, totalAt.row, cols.deviation, '总分行的说明', log),
      };
    } else {
      log.add('INGEST_LABEL_MISSING', cellRef(grid, Math.min(region.bottom, grid.rowCount), 1), { label: '总分', near: '绩效指标表最后一行' });
    }
  }

  const input: FormInput = {
    source: { file, sheet: grid.sheet, firstRow: region.top, lastRow: region.bottom },
    variant,
    annex,
    title,
    year,
    projectName,
    department: departmentName,
    implementingUnit,
    funds,
    goals,
    ...(tasks && tasks.length > 0 ? { tasks } : {}),
    ...(unscored ? { executionUnscored: true as const } : {}),
    indicators,
    total,
  };
  return { input, findings: log.list, refused };
}

/**
 * Indicator tables of the family that no form on the sheet claims — a table whose header block
 * this reader does not know (a flat 指标名称 list, a county form without 项目名称): refused, with
 * what is missing said at their header row, so the file is not waved through as having no form.
 */
export function strayTables(grid: Grid, regions: FormRegion[], file: string): ReadForm[] {
  const out: ReadForm[] = [];
  const inRegion = (row: number): boolean => regions.some((r) => row >= r.top && row <= r.bottom);
  const headerWords = ['一级指标', '二级指标', '三级指标', '指标名称', '年度指标值', '年初指标值', '实际完成值', '全年完成值', '分值', '得分', '指标权重', '指标分值', '自评得分'];
  // The title nearest above a table says what it is: only a 自评表 is this tool's to refuse; sister
  // forms of the same workbook (申报表, 监控表) are not forms at all here.
  const selfEvaluation = (row: number): boolean => {
    for (const r of filledRows(grid, Math.max(1, row - 15), row - 1).reverse()) {
      const title = cellsInRow(grid, r).find((c) => c.kind === 'text' && /表/.test(c.text) && c.text.length <= 40);
      if (title) return /自评/.test(title.text);
    }
    return false;
  };
  for (const row of filledRows(grid, 1, grid.rowCount)) {
    if (inRegion(row)) continue;
    const words = cellsInRow(grid, row).filter((c) => c.kind === 'text' && headerWords.includes(c.key.replace(/\(.*\)$/, '')));
    if (words.length < 3 || !selfEvaluation(row)) continue;
    const log = new FindingLog(file);
    const first = words[0];
    if (!first) continue;
    const hasLevels = words.some((c) => c.key === '一级指标');
    if (hasLevels) {
      const header: Found = { row, col: first.col, cell: first };
      const { cols } = readIndicatorHeader(grid, row, new FindingLog(file));
      if (!refusesLayout(grid, header, cols, log)) log.add('INGEST_LAYOUT_UNKNOWN', cellRef(grid, row, first.col), { what: '表头(项目名称、主管部门等)不是本表的版式' });
    } else {
      log.add('INGEST_LAYOUT_UNKNOWN', cellRef(grid, row, first.col), { what: '绩效指标是一张平铺的清单，没有“一级指标”“二级指标”列' });
    }
    const empty = readForm(grid, { top: row, anchorRow: row, bottom: row }, file).input;
    out.push({ input: { ...empty, indicators: [] }, findings: log.list, refused: true });
    // One table, one refusal: the rows under this header belong to it.
    regions.push({ top: row, anchorRow: row, bottom: grid.rowCount });
  }
  return out;
}
