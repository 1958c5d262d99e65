import type { Finding } from '../model/finding.js';
import type { FormInput, FundRow, IndicatorLine, SourcedNumber, SourcedText } from '../model/form-input.js';
import { FindingLog } from '../model/messages.js';
import { emptyNumber, emptyText, readNumber, readText } from './cells.js';
import { cellAt, cellRef, cellsInRow, filledRows, spanOf, spansInRow, type Grid, type GridCell } from './grid.js';
import { isAnyLabel, isLabel, labels, type LabelName } from './labels.js';
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
}

interface Found {
  row: number;
  col: number;
  cell: GridCell;
}

/** Label matching is on the normalised key; a label may also carry its value in the same cell. */
function matches(cell: GridCell, name: LabelName): boolean {
  if (cell.kind !== 'text') return false;
  if (isLabel(cell.key, name)) return true;
  // `label value` in one cell (`实施单位 某局`); a header label never carries its value that way.
  if (name === 'level1') return false;
  return labels[name].some((l) => cell.key.startsWith(l) && cell.key.length > l.length && splitLabelValue(cell.text, l) !== null);
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

/**
 * Rows holding a 项目名称 label start a form. A form whose 项目名称 label was deleted still has its
 * 主管部门 row: the row above it stands in, so the form is read and the missing label reported.
 */
export function findAnchors(grid: Grid): Array<{ row: number; labelled: boolean }> {
  const rows: Array<{ row: number; labelled: boolean }> = [];
  for (const row of filledRows(grid, 1, grid.rowCount)) {
    // The national export also heads its funds table with 项目名称; that row is not a new form.
    if (rowHas(grid, row, 'projectName') && !isFundsHeader(grid, row)) rows.push({ row, labelled: true });
    // Anchors come in row order, so only the last few can be within two rows of this one.
    else if (row > 1 && rowHas(grid, row, 'department') && !rows.slice(-3).some((r) => row - r.row >= 0 && row - r.row <= 2)) rows.push({ row: row - 1, labelled: false });
  }
  return rows;
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
function valueBeside(grid: Grid, at: Found, name: LabelName): SourcedText {
  for (const l of isLabel(at.cell.key, name) ? [] : labels[name]) {
    const rest = splitLabelValue(at.cell.text, l);
    if (rest) return { text: rest, cell: cellRef(grid, at.row, at.col) };
  }
  const start = spanOf(grid, at.row, at.col).right + 1;
  for (const cell of cellsInRow(grid, at.row)) {
    if (cell.col < start || cell.kind === 'blank') continue;
    if (cell.kind === 'text' && isAnyLabel(cell.key)) break;
    return readText(grid, at.row, cell.col);
  }
  return { text: '', cell: start <= grid.colCount ? cellRef(grid, at.row, start) : null };
}

/** Without its label, the 项目名称 row still holds the name: the first text in it that is no label. */
function unlabelledValue(grid: Grid, row: number): SourcedText {
  const at = firstCell(grid, row, row, (cell) => cell.kind === 'text' && !isAnyLabel(cell.key));
  return at ? { text: at.cell.text, cell: cellRef(grid, at.row, at.col) } : emptyText;
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
      if (cell.kind !== 'text') continue;
      const t = cell.text.normalize('NFKC');
      const ref = cellRef(grid, row, col);
      if (/^附件\s*\d+/.test(t) && annex.cell === null) annex = { text: cell.text, cell: ref };
      else if (/自评表/.test(t) && title.cell === null) title = { text: cell.text, cell: ref };
      const y = /((?:19|20)\d{2})\s*年/.exec(t);
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

function readFunds(grid: Grid, region: FormRegion, lastRow: number, log: FindingLog): FormInput['funds'] {
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
    return funds;
  }
  const cols: Partial<Record<FundKey, number>> = {};
  for (const key of fundColumns) {
    const found = findInRows(grid, key, headerRow, headerRow);
    if (found) cols[key] = found.col;
    else if (key !== 'initialBudget') log.add('INGEST_LABEL_MISSING', cellRef(grid, headerRow, 1), { label: fundWhat[key], near: '“项目资金”一栏的表头' });
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
  return funds;
}

function readGoals(grid: Grid, region: FormRegion, indicatorHeaderRow: number): FormInput['goals'] {
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
    return below <= to ? readText(grid, below, at.col) : { text: '', cell: null };
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

/** Header labels in the preferred wording first: `年度指标值` before the `指标值` under it. */
function findPreferred(grid: Grid, name: LabelName, fromRow: number, toRow: number): Found | null {
  for (const label of labels[name]) {
    const found = firstCell(grid, fromRow, toRow, (cell) => cell.key === label);
    if (found) return found;
  }
  return null;
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
      log.add('INGEST_COLUMN_MISSING', cellRef(grid, headerRow, 1), { label: lineWhat[key] });
      continue;
    }
    const span = spanOf(grid, found.row, found.col);
    cols[key] = [span.left, span.right];
    bottom = Math.max(bottom, span.bottom);
  }
  return { cols, bottom };
}

/** A line's text from its columns; several columns (a split header) are joined. */
function lineText(grid: Grid, row: number, cols: readonly [number, number] | undefined): SourcedText {
  if (!cols) return emptyText;
  const first = readText(grid, row, cols[0]);
  if (cols[0] === cols[1]) return first;
  const seen = new Set<string | null>([first.cell]);
  let text = first.text;
  // Columns that show nothing add nothing: only filled cells and merged ranges are read.
  for (const { col } of shownInRow(grid, row, cols[0] + 1, cols[1])) {
    const part = readText(grid, row, col);
    if (seen.has(part.cell)) continue;
    seen.add(part.cell);
    text += part.text;
  }
  return { text, cell: first.cell };
}

function readIndicators(grid: Grid, firstRow: number, lastRow: number, cols: LineCols, log: FindingLog): IndicatorLine[] {
  const lines: IndicatorLine[] = [];
  let level1: SourcedText = emptyText;
  let level2: SourcedText = emptyText;
  const text = (row: number, key: LineKey): SourcedText => lineText(grid, row, cols[key]);
  /** a cell of the row's own (not a merged range from above) under the column is filled */
  const filled = (row: number, key: LineKey): boolean => {
    const c = cols[key];
    return c !== undefined && cellsInRow(grid, row).some((cell) => cell.col >= c[0] && cell.col <= c[1] && cell.kind !== 'blank');
  };
  for (const row of filledRows(grid, firstRow, lastRow)) {
    const startsGroup = filled(row, 'level1') || filled(row, 'level2');
    const hasContent = (['name', 'target', 'actual', 'weight', 'score', 'deviation'] as const).some((key) => filled(row, key));
    if (!startsGroup && !hasContent) continue;
    // A merged 一级/二级 cell covers its rows; a blank one under a filled one continues it.
    const l1 = text(row, 'level1');
    if (l1.text !== '') {
      if (l1.text !== level1.text || l1.cell !== level1.cell) level2 = emptyText;
      level1 = l1;
    }
    const l2 = text(row, 'level2');
    if (l2.text !== '') level2 = l2;
    const number = (key: 'weight' | 'score'): SourcedNumber => {
      const c = cols[key];
      if (!c) return emptyNumber;
      return readNumber(grid, row, c[0], `指标“${text(row, 'name').text}”的${lineWhat[key]}`, log);
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

/** One form, found by its labels inside `region`. Never throws for what the sheet contains. */
export function readForm(grid: Grid, region: FormRegion, file: string): ReadForm {
  const log = new FindingLog(file);
  const { annex, title, year } = readTitleBlock(grid, region, log);
  const anchor = findLabelCell(grid, 'projectName', region.anchorRow, region.anchorRow);
  const projectName = anchor ? valueBeside(grid, anchor, 'projectName') : unlabelledValue(grid, region.anchorRow);
  if (!anchor) log.add('INGEST_LABEL_MISSING', cellRef(grid, region.anchorRow, 1), { label: '项目名称', near: '“主管部门”上一行' });
  if (projectName.text === '') log.add('INGEST_PROJECT_NAME_MISSING', projectName.cell ?? cellRef(grid, region.anchorRow, 1));

  const headerBlockEnd = Math.min(region.bottom, region.anchorRow + 3);
  const deptAt = findLabelCell(grid, 'department', region.anchorRow, headerBlockEnd);
  const unitAt = findLabelCell(grid, 'implementingUnit', region.anchorRow, headerBlockEnd);
  if (!deptAt) log.add('INGEST_LABEL_MISSING', cellRef(grid, region.anchorRow + 1, 1), { label: '主管部门', near: '“项目名称”下一行' });
  if (!unitAt) log.add('INGEST_LABEL_MISSING', cellRef(grid, region.anchorRow + 1, 1), { label: '实施单位', near: '“主管部门”同一行' });

  const header = findInRows(grid, 'level1', region.anchorRow, region.bottom);
  const funds = readFunds(grid, region, header ? header.row - 1 : region.bottom, log);
  let indicators: IndicatorLine[] = [];
  let total: FormInput['total'] = { label: emptyText, weight: emptyNumber, score: emptyNumber, note: emptyText };
  let variant: FormInput['variant'] = 'ningxia10';
  const goals = readGoals(grid, region, header ? header.row : region.bottom + 1);
  if (!header) {
    log.add('INGEST_LABEL_MISSING', cellRef(grid, region.anchorRow, 1), { label: '一级指标', near: '“绩效指标”表头' });
  } else {
    const { cols, bottom: headerBottom } = readIndicatorHeader(grid, header.row, log);
    const nameCols = cols.name;
    const targetCols = cols.target;
    if (nameCols && targetCols && nameCols[1] > nameCols[0]) variant = 'national11';
    else if (nameCols && targetCols && targetCols[0] - nameCols[0] >= 2 && targetCols[0] === targetCols[1]) variant = 'national11';
    const totalAt = findTotalRow(grid, headerBottom + 1, region.bottom);
    const lastLine = totalAt ? totalAt.row - 1 : region.bottom;
    indicators = readIndicators(grid, headerBottom + 1, lastLine, cols, log);
    if (indicators.length === 0) log.add('INGEST_INDICATORS_EMPTY', cellRef(grid, header.row, header.col));
    if (totalAt) {
      const at = (key: LineKey): number | undefined => cols[key]?.[0];
      const w = at('weight');
      const s = at('score');
      const d = at('deviation');
      total = {
        label: { text: totalAt.cell.text, cell: cellRef(grid, totalAt.row, totalAt.col) },
        weight: w === undefined ? emptyNumber : readNumber(grid, totalAt.row, w, '总分行的分值', log),
        score: s === undefined ? emptyNumber : readNumber(grid, totalAt.row, s, '总分', log),
        note: d === undefined ? emptyText : lineText(grid, totalAt.row, cols.deviation),
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
    department: deptAt ? valueBeside(grid, deptAt, 'department') : emptyText,
    implementingUnit: unitAt ? valueBeside(grid, unitAt, 'implementingUnit') : emptyText,
    funds,
    goals,
    indicators,
    total,
  };
  return { input, findings: log.list };
}
