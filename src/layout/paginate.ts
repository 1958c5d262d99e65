import type { FormSheet, Page } from '../model/form-sheet.js';
import { PageFill } from './print-room.js';

/**
 * Splits the grid into A4 pages: whole rows only, the repeat rows again at the top of each
 * continuation page, and never a header row left alone at the bottom of a page. Every page fits
 * in the PDF and in each spreadsheet program that prints the .xlsx (print-room.ts), so both
 * print on the same pages.
 */
export function paginate(sheet: Pick<FormSheet, 'page' | 'rows' | 'repeatRows'>): Page[] {
  const { top } = sheet.page.margins;
  const repeat = sheet.repeatRows;
  const pages: Page[] = [{ rows: [] }];
  let y = top;
  let fill = new PageFill(sheet.page);
  const place = (row: number, repeated: boolean): void => {
    const height = sheet.rows[row - 1] ?? 0;
    pages[pages.length - 1]?.rows.push({ row, y, height, repeated });
    y += height;
    fill.add(height);
  };
  const newPage = (nextRow: number): void => {
    pages.push({ rows: [] });
    y = top;
    fill = new PageFill(sheet.page);
    if (repeat && nextRow > repeat.last) for (let r = repeat.first; r <= repeat.last; r++) place(r, true);
  };
  for (let row = 1; row <= sheet.rows.length; row++) {
    const height = sheet.rows[row - 1] ?? 0;
    const current = pages[pages.length - 1];
    const pageHasBody = current?.rows.some((r) => !r.repeated) ?? false;
    // A header row goes with the row after it.
    const withNext = repeat !== null && row >= repeat.first && row <= repeat.last ? [sheet.rows[repeat.last] ?? 0] : [];
    if (pageHasBody && !fill.fits([height, ...withNext])) newPage(row);
    place(row, false);
  }
  return pages;
}
