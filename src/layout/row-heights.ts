import type { SheetCell } from '../model/form-sheet.js';
import { MIN_ROW } from './styles.js';
import { neededHeight } from './typeset-cells.js';

/** Heights in whole pixels at 96 dpi (0.75 pt), as spreadsheets keep them, so every program agrees. */
const wholePixels = (points: number): number => Math.ceil(points / 0.75 - 1e-9) * 0.75;

/**
 * Every row tall enough for its text, so long goal texts show whole in Excel and in the PDF.
 * Merged cells spanning several rows grow the last row they cover when the rows are short.
 */
export function rowHeights(cells: SheetCell[], lastRow: number): number[] {
  const heights = Array.from({ length: lastRow }, () => MIN_ROW);
  const fixed: Record<number, number> = { 1: 22.5, 2: 34.5, 3: 22.5 };
  for (const [r, h] of Object.entries(fixed)) heights[Number(r) - 1] = h;
  const single = cells.filter((c) => c.rowSpan === 1);
  for (const c of single) heights[c.row - 1] = Math.max(heights[c.row - 1] ?? MIN_ROW, wholePixels(neededHeight(c)));
  for (const c of cells.filter((x) => x.rowSpan > 1)) {
    const need = wholePixels(neededHeight(c));
    let have = 0;
    for (let r = c.row; r < c.row + c.rowSpan; r++) have += heights[r - 1] ?? 0;
    if (need > have) {
      const last = c.row + c.rowSpan - 2;
      heights[last] = (heights[last] ?? MIN_ROW) + need - have;
    }
  }
  return heights;
}
