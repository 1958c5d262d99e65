import type { FormSheet, Page, SheetCell } from '../model/form-sheet.js';

/** The part of a (merged) cell that shows on one page: its visible rows must be consecutive there. */
export interface CellPart {
  cell: SheetCell;
  y: number;
  height: number;
  /** the first page part of this cell, where its content starts */
  first: boolean;
  /** shown only by header rows printed again at the top of a continuation page */
  repeated: boolean;
}

/** Per page, every cell part it shows, top to bottom then left to right. */
export function cellParts(sheet: FormSheet, pages: Page[] = sheet.pages): CellPart[][] {
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
        if (part) {
          part.height = placed.y + placed.height - part.y;
          part.repeated &&= placed.repeated;
        } else {
          parts.set(cell, { cell, y: placed.y, height: placed.height, first: !seen.has(cell), repeated: placed.repeated });
          seen.add(cell);
        }
      }
    }
    return [...parts.values()].sort((a, b) => a.y - b.y || a.cell.col - b.cell.col);
  });
}

/**
 * A part shown only in a repeated header row, of a cell that reaches below the header, is a
 * frame: its text is printed where the cell is, as a spreadsheet prints its title rows.
 */
export function textShown(sheet: FormSheet, part: CellPart): boolean {
  if (!part.repeated || !sheet.repeatRows) return true;
  return part.cell.row + part.cell.rowSpan - 1 <= sheet.repeatRows.last;
}
