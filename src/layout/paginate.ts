import { A4, type FormSheet, type Page } from '../model/form-sheet.js';

const SLACK = 3;

/**
 * Splits the grid into A4 pages: whole rows only, the repeat rows again at the top of each
 * continuation page, and never a header row left alone at the bottom of a page.
 */
export function paginate(sheet: Pick<FormSheet, 'page' | 'rows' | 'repeatRows'>): Page[] {
  const { top, bottom } = sheet.page.margins;
  // A few points short of the margin: spreadsheets keep row heights in twips or hundredths of a
  // millimetre, and their rounding over a page of rows must not push the last row over.
  const limit = A4.height - bottom - SLACK;
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
