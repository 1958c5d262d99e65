import type { SourcedNumber, SourcedText } from '../model/form-input.js';
import type { FindingLog } from '../model/messages.js';
import { isSensible, normalizeNumberText, parseNumberText } from '../model/numbers.js';
import { cellAt, cellRef, type Grid } from './grid.js';

/** Texts that mean "nothing here" in a number cell: the form prints `—` in rows that have no 分值. */
const placeholder = /^(—+|-+|－+|\/|／|无|空|\\|…+|\.{3,})$/;

export function isPlaceholderText(text: string): boolean {
  return placeholder.test(text.trim());
}

export function readText(grid: Grid, row: number, col: number): SourcedText {
  const cell = cellAt(grid, row, col);
  return { text: cell.kind === 'formulaNoResult' ? '' : cell.text, cell: cellRef(grid, row, col) };
}

export const emptyText: SourcedText = { text: '', cell: null };
export const emptyNumber: SourcedNumber = { value: null, text: '', cell: null };

/**
 * A cell that should hold a number. Unreadable text, formula errors and formulas without a saved
 * result become findings; the value is then null so scoring can say what it could not decide.
 */
export function readNumber(grid: Grid, row: number, col: number, what: string, log: FindingLog, rate = false): SourcedNumber {
  const cell = cellAt(grid, row, col);
  const ref = cellRef(grid, row, col);
  switch (cell.kind) {
    case 'blank':
      return { value: null, text: '', cell: ref };
    case 'formulaNoResult':
      log.add('INGEST_FORMULA_NO_RESULT', ref, { what, formula: cell.formula ?? '' });
      return { value: null, text: '', cell: ref };
    case 'error':
      log.add('INGEST_FORMULA_ERROR', ref, { what, text: cell.text });
      return { value: null, text: cell.text, cell: ref };
    case 'number': {
      if (cell.number === null || !isSensible(cell.number)) {
        log.add('INGEST_NUMBER_UNREADABLE', ref, { what, text: cell.text.slice(0, 40) });
        return { value: null, text: cell.text, cell: ref };
      }
      const percentFormatted = (cell.numFmt ?? '').includes('%');
      // A rate typed as 69 (meaning 69 %) in a cell without % format.
      const value = rate && !percentFormatted && cell.number !== null && cell.number > 1.5 ? cell.number / 100 : cell.number;
      return { value, text: cell.text, cell: ref };
    }
    case 'text': {
      const text = cell.text;
      if (isPlaceholderText(text)) return { value: null, text, cell: ref };
      const parsed = parseNumberText(text);
      if (parsed === null) {
        log.add('INGEST_NUMBER_UNREADABLE', ref, { what, text: text.length > 40 ? `${text.slice(0, 40)}…` : text });
        return { value: null, text, cell: ref };
      }
      const percent = normalizeNumberText(text).endsWith('%');
      const value = rate && !percent && parsed > 1.5 ? parsed / 100 : parsed;
      return { value, text: normalizeNumberText(text), cell: ref };
    }
  }
}
