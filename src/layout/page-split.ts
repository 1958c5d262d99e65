import type { Page, SheetCell } from '../model/form-sheet.js';

/**
 * A merged cell that runs over a page break becomes one cell per page, its text repeated: the
 * 一级/二级 labels and 绩效指标 then show on every page they cover, in the PDF and in a
 * spreadsheet printed with the same breaks (which draws a merged range's text only once).
 */
export function splitAtPageBreaks(cells: SheetCell[], pages: Page[]): SheetCell[] {
  const pageOf = new Map<number, number>();
  pages.forEach((page, i) => {
    for (const r of page.rows) if (!r.repeated) pageOf.set(r.row, i);
  });
  const out: SheetCell[] = [];
  for (const cell of cells) {
    if (cell.rowSpan === 1) {
      out.push(cell);
      continue;
    }
    let start = cell.row;
    for (let row = cell.row + 1; row <= cell.row + cell.rowSpan; row++) {
      const end = row === cell.row + cell.rowSpan;
      if (end || pageOf.get(row) !== pageOf.get(row - 1)) {
        out.push({ ...cell, row: start, rowSpan: row - start });
        start = row;
      }
    }
  }
  return out;
}
