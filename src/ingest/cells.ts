import type { SourcedNumber, SourcedText } from '../model/form-input.js';
import type { FindingLog } from '../model/messages.js';
import { isSensible, normalizeNumberText, parseNumberText } from '../model/numbers.js';
import { cellAt, cellRef, type Grid, type GridCell } from './grid.js';

/** Texts that mean "nothing here" in a number cell: the form prints `—` in rows that have no 分值. */
const placeholder = /^(—+|-+|－+|\/|／|无|空|\\|…+|\.{3,})$/;

export function isPlaceholderText(text: string): boolean {
  return placeholder.test(text.trim());
}

export const emptyText: SourcedText = { text: '', cell: null };
export const emptyNumber: SourcedNumber = { value: null, text: '', cell: null };

/** What a copy prints for a value that cannot be known: Excel's "value not available". */
export const UNKNOWN_TEXT = '#N/A';

/**
 * What a formula cell means for the form, said once per cell: a saved error or a formula that
 * cannot be worked out is unknown (true); a value this tool worked out is said, then used.
 */
function formulaState(cell: GridCell, ref: string, what: string, log: FindingLog | undefined): boolean {
  if (cell.kind === 'error') {
    log?.add('INGEST_FORMULA_ERROR', ref, { what, text: cell.text });
    return true;
  }
  if (cell.kind === 'formulaNoResult') {
    log?.add('INGEST_FORMULA_UNEVALUATED', ref, { what, formula: cell.formula ?? '', reason: cell.unknownReason ?? '公式无法计算' });
    return true;
  }
  if (cell.evaluated) log?.add('INGEST_FORMULA_EVALUATED', ref, { what, formula: cell.formula ?? '', value: cell.text === '' ? '空白' : cell.text });
  return false;
}

/** A cell read as text. An error or a formula without a result gives unknown text, said by cell. */
export function readText(grid: Grid, row: number, col: number, what: string, log: FindingLog): SourcedText {
  const cell = cellAt(grid, row, col);
  const ref = cellRef(grid, row, col);
  if (formulaState(cell, ref, what, log)) return { text: cell.kind === 'error' ? cell.text : UNKNOWN_TEXT, cell: ref, unknown: true };
  return { text: cell.text, cell: ref };
}

/**
 * A cell that should hold a number. Unreadable text, formula errors and formulas that cannot be
 * worked out become findings; the value is then unknown (null, marked) so scoring can say what
 * it could not decide, never a blank or a 0.
 */
export function readNumber(grid: Grid, row: number, col: number, what: string, log: FindingLog, rate = false): SourcedNumber {
  const cell = cellAt(grid, row, col);
  const ref = cellRef(grid, row, col);
  if (formulaState(cell, ref, what, log)) return { value: null, text: cell.kind === 'error' ? cell.text : UNKNOWN_TEXT, cell: ref, unknown: true };
  switch (cell.kind) {
    case 'number': {
      if (cell.number === null || !isSensible(cell.number)) {
        log.add('INGEST_NUMBER_UNREADABLE', ref, { what, text: cell.text.slice(0, 40) });
        return { value: null, text: cell.text, cell: ref, unknown: true };
      }
      const percentFormatted = (cell.numFmt ?? '').includes('%');
      // A rate typed as 69 (meaning 69 %) in a cell without % format.
      const value = rate && !percentFormatted && cell.number > 1.5 ? cell.number / 100 : cell.number;
      return { value, text: cell.text, cell: ref };
    }
    case 'text': {
      const text = cell.text;
      if (isPlaceholderText(text)) return { value: null, text, cell: ref };
      const parsed = parseNumberText(text);
      if (parsed === null) {
        log.add('INGEST_NUMBER_UNREADABLE', ref, { what, text: text.length > 40 ? `${text.slice(0, 40)}…` : text });
        return { value: null, text, cell: ref, unknown: true };
      }
      const percent = normalizeNumberText(text).endsWith('%');
      const value = rate && !percent && parsed > 1.5 ? parsed / 100 : parsed;
      return { value, text: normalizeNumberText(text), cell: ref };
    }
    default:
      return { value: null, text: '', cell: ref };
  }
}
