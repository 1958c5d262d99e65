import { expect } from 'vitest';
import type { FormSheet } from '../../src/model/form-sheet.js';
import { squash } from './pdf.js';

/**
 * Checks a PDF's text (pdftotext -layout, one string per page) against the FormSheet it was drawn
 * from: on each page, the one-line cells appear row by row, left to right, and every line of every
 * wrapped cell is there. Returns how many cells were checked in order.
 */
export function expectReadingOrder(sheet: FormSheet, pages: string[]): number {
  expect(pages.length).toBe(sheet.pages.length);
  let checked = 0;
  sheet.pages.forEach((page, index) => {
    const text = squash(pages[index] ?? '');
    let at = -1;
    for (const placed of page.rows) {
      const cells = sheet.cells.filter((c) => c.row === placed.row && c.text !== '').sort((a, b) => a.col - b.col);
      for (const cell of cells) {
        const lines = cell.lines.filter((l) => l.trim() !== '');
        if (lines.length === 1 && cell.rowSpan === 1) {
          const next = text.indexOf(squash(cell.text), at + 1);
          expect(next, `page ${index + 1}: “${cell.text}” (row ${cell.row}, col ${cell.col}) after position ${at}`).toBeGreaterThan(at);
          at = next;
          checked++;
        } else {
          for (const line of lines) expect(text, `page ${index + 1}: line “${line}” of row ${cell.row}`).toContain(squash(line));
        }
      }
    }
  });
  return checked;
}
