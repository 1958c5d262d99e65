import type { Grid, GridCell, Span } from '../grid.js';
import { MAX_COL, MAX_ROW, parseAddress, parseRange, type Range } from './cell-address.js';
import { gridCell } from './cell-value.js';
import { LimitExceeded, limits, type LimitName } from './limits.js';
import { applyMerges } from './merges.js';
import type { CellFormat } from './number-formats.js';
import type { PartStore } from './part-store.js';
import { StringItem } from './shared-strings.js';
import { shiftFormula } from './shift-formula.js';
import { attr, parseXml, type Attributes } from './xml-stream.js';

/** What every sheet of a workbook reads from, and the budgets they share. */
export interface WorkbookContext {
  parts: PartStore;
  sharedStrings: readonly string[];
  formats: readonly CellFormat[];
  date1904: boolean;
  /** cells kept so far (filled cells and merged cells) over all sheets */
  cellsKept: number;
  /** characters of shared formulas written out for their cells so far, over all sheets */
  sharedFormulaChars: number;
}

const general: CellFormat = { numFmt: undefined, isDate: false };

/** The cell being read: where it is, its attributes, and the texts of its parts so far. */
interface OpenCell {
  row: number;
  col: number;
  type: string | undefined;
  format: CellFormat;
  value: string[] | undefined;
  formula: string[] | undefined;
  formulaType: string | undefined;
  formulaShared: string | undefined;
  /** characters of value and formula text so far */
  chars: number;
  inline: StringItem | undefined;
}

/** Reads one worksheet part into a Grid, holding it to the sheet limits as it goes. */
export function readSheetPart(ctx: WorkbookContext, partName: string, sheet: string): Grid | null {
  const data = ctx.parts.read(partName);
  if (!data) return null;
  const part = `工作表“${sheet}”(${ctx.parts.nameOf(partName)})`;
  const hit = (limit: LimitName, found: string): LimitExceeded => new LimitExceeded({ limit, part, found });

  const cells = new Map<string, GridCell>();
  const merges: Range[] = [];
  let mergedArea = 0;
  const sharedFormulas = new Map<string, { text: string; row: number; col: number }>();
  let isWorksheet: boolean | null = null;
  let inSheetData = false;
  let rows = 0;
  let cellCount = 0;
  let row = 0;
  let lastCol = 0;
  let cell: OpenCell | null = null;
  /** which text of the open cell the next text event belongs to */
  let target: 'value' | 'formula' | 'inline' | null = null;

  const cellTooLong = (chars: number): LimitExceeded => hit('cellChars', `${chars} 个字符以上`);

  const openRow = (attributes: Attributes): void => {
    rows++;
    if (rows > limits.rowsPerSheet) throw hit('rowsPerSheet', `${rows} 行以上`);
    const r = Number(attr(attributes, 'r'));
    row = Number.isInteger(r) && r >= 1 && r <= MAX_ROW ? r : row + 1;
    lastCol = 0;
  };

  const openCell = (attributes: Attributes): void => {
    cellCount++;
    if (cellCount > limits.cellsPerSheet) throw hit('cellsPerSheet', `${cellCount} 个以上`);
    // A cell without `r` (or with one that is not an address) takes the next place in its row.
    const ref = attr(attributes, 'r');
    const at = ref === undefined ? null : parseAddress(ref);
    if (at) [row, lastCol] = at;
    else {
      row = Math.max(row, 1);
      lastCol++;
    }
    const s = Number(attr(attributes, 's') ?? 0);
    cell = {
      row,
      col: lastCol,
      type: attr(attributes, 't'),
      format: (Number.isInteger(s) ? ctx.formats[s] : undefined) ?? general,
      value: undefined,
      formula: undefined,
      formulaType: undefined,
      formulaShared: undefined,
      chars: 0,
      inline: undefined,
    };
  };

  const formulaOf = (c: OpenCell): string | undefined => {
    if (c.formula === undefined) return undefined;
    const text = c.formula.join('');
    if (c.formulaType !== 'shared' || c.formulaShared === undefined) return text;
    // The first cell of a shared formula holds its text; the others hold only its index.
    if (text !== '') {
      sharedFormulas.set(c.formulaShared, { text, row: c.row, col: c.col });
      return text;
    }
    const master = sharedFormulas.get(c.formulaShared);
    if (!master) return '';
    ctx.sharedFormulaChars += master.text.length;
    if (ctx.sharedFormulaChars > limits.sharedFormulaChars) throw hit('sharedFormulaChars', `${ctx.sharedFormulaChars} 个字符以上`);
    return shiftFormula(master.text, c.row - master.row, c.col - master.col);
  };

  const closeCell = (c: OpenCell): void => {
    if (c.row > MAX_ROW || c.col > MAX_COL) return;
    const formula = formulaOf(c);
    const read = gridCell({ row: c.row, col: c.col, type: c.type, format: c.format, value: c.value?.join(''), inline: c.inline?.value(), formula }, ctx.sharedStrings, ctx.date1904);
    const k = `${c.row}:${c.col}`;
    if (read.kind === 'blank' && read.formula === undefined) {
      cells.delete(k);
      return;
    }
    if (!cells.has(k)) {
      ctx.cellsKept++;
      if (ctx.cellsKept > limits.cellsPerWorkbook) throw hit('cellsPerWorkbook', `${ctx.cellsKept} 个以上`);
    }
    cells.set(k, read);
  };

  const addMerge = (ref: string | undefined): void => {
    const range = ref === undefined ? null : parseRange(ref);
    if (!range) return;
    if (merges.length === limits.mergeRanges) throw hit('mergeRanges', `${limits.mergeRanges + 1} 个以上`);
    if (range.bottom > limits.rowsPerSheet) throw hit('rowsPerSheet', `合并单元格延伸到第 ${range.bottom} 行`);
    mergedArea += (range.bottom - range.top + 1) * (range.right - range.left + 1);
    if (mergedArea > limits.mergedCells) throw hit('mergedCells', `${mergedArea} 个以上`);
    merges.push(range);
  };

  try {
    parseXml(part, data, {
      open(name, attributes) {
        if (isWorksheet === null) {
          isWorksheet = name === 'worksheet';
          // A chart sheet or dialog sheet listed as a sheet: nothing to read.
          if (!isWorksheet) throw new StopParse();
        }
        if (cell) {
          if (target === 'inline') {
            cell.inline?.open(name);
          } else if (name === 'v') {
            target = 'value';
            cell.value = [];
          } else if (name === 'f') {
            target = 'formula';
            cell.formula = [];
            cell.formulaType = attr(attributes, 't');
            cell.formulaShared = attr(attributes, 'si');
          } else if (name === 'is') {
            target = 'inline';
            cell.inline = new StringItem((chars) => cellTooLong(chars));
          }
          return;
        }
        if (inSheetData) {
          if (name === 'row') openRow(attributes);
          else if (name === 'c') openCell(attributes);
        } else if (name === 'sheetData') inSheetData = true;
        else if (name === 'mergeCell') addMerge(attr(attributes, 'ref'));
      },
      close(name) {
        if (cell) {
          if (target === 'inline' && cell.inline) {
            if (name === 'is' && cell.inline.atTop) target = null;
            else cell.inline.close(name);
          } else if (name === 'c') {
            const c = cell;
            cell = null;
            target = null;
            closeCell(c);
          } else if (name === 'v' || name === 'f') target = null;
          return;
        }
        if (name === 'sheetData') inSheetData = false;
      },
      text(text) {
        if (!cell || target === null) return;
        if (target === 'inline') {
          cell.inline?.text(text);
          return;
        }
        cell.chars += text.length;
        if (cell.chars > limits.cellChars) throw cellTooLong(cell.chars);
        (target === 'value' ? cell.value : cell.formula)?.push(text);
      },
      tooLong(chars) {
        const open = cell as OpenCell | null;
        if (open && target === 'inline' && open.inline?.collecting) return cellTooLong(open.inline.chars + chars);
        if (open && (target === 'value' || target === 'formula')) return cellTooLong(open.chars + chars);
        return hit('xmlTokenChars', `${chars} 个字符以上`);
      },
    });
  } catch (error) {
    if (!(error instanceof StopParse)) throw error;
  }
  if (isWorksheet !== true) return null;

  const masters = new Map<string, string>();
  const spans = new Map<string, Span>();
  applyMerges(merges, cells, masters, spans);
  ctx.cellsKept += masters.size;
  if (ctx.cellsKept > limits.cellsPerWorkbook) throw hit('cellsPerWorkbook', `${ctx.cellsKept} 个以上`);

  // The used range is where real cells and merged ranges are; a <dimension> is not believed.
  let rowCount = 0;
  let colCount = 0;
  for (const c of cells.values()) {
    if (c.row > rowCount) rowCount = c.row;
    if (c.col > colCount) colCount = c.col;
  }
  for (const s of spans.values()) {
    if (s.bottom > rowCount) rowCount = s.bottom;
    if (s.right > colCount) colCount = s.right;
  }
  return { sheet, rowCount, colCount, cells, masters, spans };
}

/** Ends a parse early without an error: the part turned out not to be a worksheet. */
export class StopParse extends Error {}
