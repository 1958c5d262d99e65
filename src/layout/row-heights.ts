import { LINE_HEIGHT, PAD_X, PAD_Y, cellWidth, type FormSheet, type SheetCell } from '../model/form-sheet.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { MIN_ROW } from './styles.js';

/** The lines a cell prints: wrapped to its width when its style wraps, else its text as one line. */
export function cellLines(sheet: Pick<FormSheet, 'columns'>, cell: Omit<SheetCell, 'lines'>, typeset: Typesetter): string[] {
  const s = cell.style;
  if (!s.wrap) return [cell.text];
  return typeset.wrap(cell.text, cellWidth(sheet, cell.col, cell.colSpan) - 2 * PAD_X, s.font, s.bold, s.size);
}

/** Height a cell needs for its lines, points. */
function neededHeight(cell: SheetCell): number {
  return cell.lines.length * cell.style.size * LINE_HEIGHT + 2 * PAD_Y;
}

/**
 * Every row tall enough for its text, so long goal texts show whole in Excel and in the PDF.
 * Merged cells spanning several rows grow the last row they cover when the rows are short.
 */
export function rowHeights(cells: SheetCell[], lastRow: number): number[] {
  const heights = Array.from({ length: lastRow }, () => MIN_ROW);
  const fixed: Record<number, number> = { 1: 22, 2: 34, 3: 22 };
  for (const [r, h] of Object.entries(fixed)) heights[Number(r) - 1] = h;
  const single = cells.filter((c) => c.rowSpan === 1 && c.row > 3);
  for (const c of single) heights[c.row - 1] = Math.max(heights[c.row - 1] ?? MIN_ROW, Math.ceil(neededHeight(c)));
  for (const c of cells.filter((x) => x.rowSpan > 1)) {
    const need = Math.ceil(neededHeight(c));
    let have = 0;
    for (let r = c.row; r < c.row + c.rowSpan; r++) have += heights[r - 1] ?? 0;
    if (need > have) {
      const last = c.row + c.rowSpan - 2;
      heights[last] = (heights[last] ?? MIN_ROW) + need - have;
    }
  }
  return heights;
}
