import { A4, type FormSheet, type SheetCell } from '../model/form-sheet.js';

export interface PlacedRow {
  row: number;
  /** top edge, points from the top of the page */
  y: number;
  height: number;
  /** a header row printed again on a continuation page */
  repeated: boolean;
}

export interface Page {
  rows: PlacedRow[];
}

/**
 * Splits the grid into A4 pages: whole rows only, the repeat rows again at the top of each
 * continuation page, and never a header row left alone at the bottom of a page.
 */
export function paginate(sheet: FormSheet): Page[] {
  const { top, bottom } = sheet.page.margins;
  const limit = A4.height - bottom;
  const repeat = sheet.repeatRows;
  const pages: Page[] = [{ rows: [] }];
  let y = top;
  const place = (row: number, repeated: boolean): void => {
    const height = sheet.rows[row - 1] ?? 0;
    pages[pages.length - 1]?.rows.push({ row, y, height, repeated });
    y += height;
  };
  const newPage = (nextRow: number): void => {
    pages.push({ rows: [] });
    y = top;
    if (repeat && nextRow > repeat.last) for (let r = repeat.first; r <= repeat.last; r++) place(r, true);
  };
  for (let row = 1; row <= sheet.rows.length; row++) {
    const height = sheet.rows[row - 1] ?? 0;
    const current = pages[pages.length - 1];
    const pageHasBody = current?.rows.some((r) => !r.repeated) ?? false;
    // A header row goes with the row after it.
    const keepWithNext = repeat !== null && row >= repeat.first && row <= repeat.last ? (sheet.rows[repeat.last] ?? 0) : 0;
    if (pageHasBody && y + height + keepWithNext > limit) newPage(row);
    place(row, false);
  }
  return pages;
}

/** The part of a (merged) cell that shows on one page: its visible rows must be consecutive there. */
export interface CellPart {
  cell: SheetCell;
  y: number;
  height: number;
  /** the first page part of this cell, where its content starts */
  first: boolean;
}

export function cellParts(sheet: FormSheet, pages: Page[]): CellPart[][] {
  const byRow = new Map<number, SheetCell[]>();
  for (const c of sheet.cells) {
    for (let r = c.row; r < c.row + c.rowSpan; r++) {
      const list = byRow.get(r) ?? [];
      list.push(c);
      byRow.set(r, list);
    }
  }
  const seen = new Set<SheetCell>();
  return pages.map((page) => {
    const parts = new Map<SheetCell, CellPart>();
    for (const placed of page.rows) {
      for (const cell of byRow.get(placed.row) ?? []) {
        const part = parts.get(cell);
        if (part) part.height = placed.y + placed.height - part.y;
        else {
          parts.set(cell, { cell, y: placed.y, height: placed.height, first: !seen.has(cell) });
          seen.add(cell);
        }
      }
    }
    return [...parts.values()].sort((a, b) => a.y - b.y || a.cell.col - b.cell.col);
  });
}
