import { columnLetter } from '../model/cell-address.js';
export type CellKind = 'blank' | 'number' | 'text' | 'error' | 'formulaNoResult';

/** One cell as the form reader sees it: merges resolved, rich text joined, formulas replaced by results. */
export interface GridCell {
  row: number;
  col: number;
  kind: CellKind;
  /** what the cell shows, tags stripped */
  text: string;
  /** for recognising labels only */
  key: string;
  number: number | null;
  numFmt: string | undefined;
  formula: string | undefined;
  /** the value was worked out by this tool from a formula saved without its result */
  evaluated?: boolean;
  /** a formula without a saved result that could not be worked out: why (the value is unknown) */
  unknownReason?: string;
}

export interface Span {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * A worksheet reduced to what the reader needs. Every address inside a merged range reads as the
 * range's top-left cell, which is how Excel shows it.
 */
export interface Grid {
  sheet: string;
  rowCount: number;
  colCount: number;
  cells: Map<string, GridCell>;
  /** slave "r:c" → master "r:c" */
  masters: Map<string, string>;
  spans: Map<string, Span>;
}

const k = (row: number, col: number): string => `${row}:${col}`;

export function quoteSheet(sheet: string): string {
  return /^[A-Za-z0-9_\u4e00-\u9fff]+$/.test(sheet) ? sheet : `'${sheet.replace(/'/g, "''")}'`;
}

export function cellRef(grid: Grid, row: number, col: number): string {
  const [r, c] = masterOf(grid, row, col);
  return `${quoteSheet(grid.sheet)}!${columnLetter(c)}${r}`;
}

export function masterOf(grid: Grid, row: number, col: number): [number, number] {
  const m = grid.masters.get(k(row, col));
  if (!m) return [row, col];
  const [r, c] = m.split(':').map(Number);
  return [r ?? row, c ?? col];
}

const blank = (row: number, col: number): GridCell => ({ row, col, kind: 'blank', text: '', key: '', number: null, numFmt: undefined, formula: undefined });

export function cellAt(grid: Grid, row: number, col: number): GridCell {
  const [r, c] = masterOf(grid, row, col);
  return grid.cells.get(k(r, c)) ?? blank(r, c);
}

export function spanOf(grid: Grid, row: number, col: number): Span {
  const [r, c] = masterOf(grid, row, col);
  return grid.spans.get(k(r, c)) ?? { top: r, left: c, bottom: r, right: c };
}

/** True when (row, col) is the top-left cell of its merge (or not merged at all). */
export function isMaster(grid: Grid, row: number, col: number): boolean {
  return !grid.masters.has(k(row, col));
}

/** Filled cells by row and merged ranges by the rows they cross, for searches that skip empty space. */
interface RowIndex {
  /** rows holding a filled cell, ascending */
  rows: number[];
  cells: Map<number, GridCell[]>;
  spans: Map<number, Span[]>;
}

const indexes = new WeakMap<Grid, RowIndex>();

/**
 * Built on first use and kept with the grid (grids are not changed once read). The extent of a
 * sheet can be far larger than what it holds (one cell at XFD1, one at A1048576): a search must
 * walk the cells, never rows × columns.
 */
function rowIndex(grid: Grid): RowIndex {
  let index = indexes.get(grid);
  if (index) return index;
  const cells = new Map<number, GridCell[]>();
  for (const cell of grid.cells.values()) {
    const list = cells.get(cell.row);
    if (list) list.push(cell);
    else cells.set(cell.row, [cell]);
  }
  for (const list of cells.values()) list.sort((a, b) => a.col - b.col);
  const spans = new Map<number, Span[]>();
  for (const span of grid.spans.values()) {
    for (let row = span.top; row <= span.bottom; row++) {
      const list = spans.get(row);
      if (list) list.push(span);
      else spans.set(row, [span]);
    }
  }
  index = { rows: [...cells.keys()].sort((a, b) => a - b), cells, spans };
  indexes.set(grid, index);
  return index;
}

/** Rows from `from` to `to` that hold a filled cell, ascending. */
export function filledRows(grid: Grid, from: number, to: number): number[] {
  const { rows } = rowIndex(grid);
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((rows[mid] ?? 0) < from) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  for (let i = lo; i < rows.length && (rows[i] ?? 0) <= to; i++) out.push(rows[i] ?? 0);
  return out;
}

/** The filled cells of a row, by column (merged ranges count at their top-left only). */
export function cellsInRow(grid: Grid, row: number): readonly GridCell[] {
  return rowIndex(grid).cells.get(row) ?? [];
}

/** The merged ranges that cross a row. */
export function spansInRow(grid: Grid, row: number): readonly Span[] {
  return rowIndex(grid).spans.get(row) ?? [];
}
