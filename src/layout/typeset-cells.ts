import { type FindingLog } from '../model/messages.js';
import { PAD_X, PAD_Y, cellWidth, type FormSheet, type SheetCell } from '../model/form-sheet.js';
import { printableHeight } from './print-room.js';
import type { Typesetter } from '../typeset/typesetter.js';

export type PlacedCell = Omit<SheetCell, 'lines' | 'leading'>;

/** How a cell's text is set: its lines, size and line spacing, and the height it needs. */
function setCell(cell: PlacedCell, width: number, typeset: Typesetter): SheetCell {
  const s = cell.style;
  const fitted = typeset.fit(cell.text, width - 2 * PAD_X, s.font, s.bold, s.size, s.wrap);
  const leading = fitted.size * typeset.lineHeight(s.font, s.bold);
  const set: SheetCell = { ...cell, style: { ...s, size: fitted.size }, lines: fitted.lines, leading };
  // A number too wide for its column even at the smallest size goes into the spreadsheet as text:
  // text wraps there as it does here, a number would print as ###.
  if (!fitted.fits && set.number !== undefined) {
    delete set.number;
    delete set.numFmt;
  }
  return set;
}

/** Height a cell's lines take, points. */
export function neededHeight(cell: SheetCell): number {
  return cell.lines.length * cell.leading + 2 * PAD_Y;
}

/**
 * Every cell's text set for its width by the Chinese line-breaking rules: a number or word too
 * wide for the cell steps the size down (to 7 pt) rather than cross the border. A cell too tall
 * for a page even at 7 pt keeps the lines a page holds, and a finding says the rest is in the .xlsx.
 */
export function setCells(cells: PlacedCell[], sheet: Pick<FormSheet, 'columns' | 'page'>, maxHeight: number, typeset: Typesetter, log: FindingLog): SheetCell[] {
  return cells.map((cell) => {
    const width = cellWidth(sheet, cell.col, cell.colSpan);
    let set = setCell(cell, width, typeset);
    if (neededHeight(set) <= maxHeight) return set;
    // Taller than a page: the smallest size first, then what a page holds.
    set = setCell({ ...cell, style: { ...cell.style, size: 7 } }, width, typeset);
    if (neededHeight(set) <= maxHeight) return set;
    const keep = Math.max(1, Math.floor((maxHeight - 2 * PAD_Y) / set.leading));
    log.add('LAYOUT_TEXT_CUT', cell.source, { shown: String(keep), total: String(set.lines.length) });
    return { ...set, lines: [...set.lines.slice(0, keep - 1), `${set.lines[keep - 1] ?? ''}…`] };
  });
}

/** The tallest a row may be: what every program prints on a page, below its repeated header rows. */
export function pageBody(sheet: Pick<FormSheet, 'page'>, headerHeight: number): number {
  return printableHeight(sheet.page) - headerHeight;
}
