import type { FormSheet } from '../model/form-sheet.js';
import { LINE_HEIGHT, wrapText } from './measure.js';
import { MIN_ROW, PAD_X, PAD_Y } from './styles.js';

export function cellWidth(sheet: FormSheet, col: number, colSpan: number): number {
  let w = 0;
  for (let c = col; c < col + colSpan; c++) w += sheet.columns[c - 1] ?? 0;
  return w;
}

/** Height a cell needs for its wrapped text, points. */
export function neededHeight(sheet: FormSheet, cell: FormSheet['cells'][number]): number {
  const s = cell.style;
  const lines = s.wrap ? wrapText(cell.text, cellWidth(sheet, cell.col, cell.colSpan) - 2 * PAD_X, s.font, s.bold, s.size).length : 1;
  return lines * s.size * LINE_HEIGHT + 2 * PAD_Y;
}

/**
 * Every row tall enough for its text, so long goal texts show whole in Excel and in the PDF.
 * Merged cells spanning several rows grow the last row they cover when the rows are short.
 */
export function rowHeights(sheet: FormSheet, lastRow: number): number[] {
  const heights = Array.from({ length: lastRow }, () => MIN_ROW);
  const fixed: Record<number, number> = { 1: 22, 2: 34, 3: 22 };
  for (const [r, h] of Object.entries(fixed)) heights[Number(r) - 1] = h;
  const single = sheet.cells.filter((c) => c.rowSpan === 1 && c.row > 3);
  for (const c of single) heights[c.row - 1] = Math.max(heights[c.row - 1] ?? MIN_ROW, Math.ceil(neededHeight(sheet, c)));
  for (const c of sheet.cells.filter((x) => x.rowSpan > 1)) {
    const need = Math.ceil(neededHeight(sheet, c));
    let have = 0;
    for (let r = c.row; r < c.row + c.rowSpan; r++) have += heights[r - 1] ?? 0;
    if (need > have) {
      const last = c.row + c.rowSpan - 2;
      heights[last] = (heights[last] ?? MIN_ROW) + need - have;
    }
  }
  return heights;
}
