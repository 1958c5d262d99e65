import { clean, formatNumber } from '../../model/numbers.js';
import { cleanText, labelKey } from '../../model/text.js';
import type { GridCell } from '../grid.js';
import type { CellFormat } from './number-formats.js';

/** One `<c>` as written: its type attribute and the raw texts of its parts. */
export interface RawCell {
  row: number;
  col: number;
  /** the `t` attribute */
  type: string | undefined;
  format: CellFormat;
  /** text of `<v>`; undefined when the cell has no `<v>` at all */
  value: string | undefined;
  /** text of `<is>` (inline rich text joined) */
  inline: string | undefined;
  /** the formula as it applies to this cell (shared formulas already moved); undefined without `<f>` */
  formula: string | undefined;
}

const errorText = /^#(DIV\/0!|REF!|VALUE!|NAME\?|N\/A|NUM!|NULL!|SPILL!|CALC!)$/;

/** A serial day number as the UTC date it stands for, `yyyy-mm-dd`; null when out of range. */
export function serialDate(serial: number, date1904: boolean): string | null {
  // Kept as exceljs computed it (serial 25569 is 1970-01-01), so dates read as before.
  const d = new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
  if (Number.isNaN(d.getTime())) return null;
  const y = d.getUTCFullYear();
  return `${y}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

function blank(raw: RawCell): GridCell {
  return { row: raw.row, col: raw.col, kind: 'blank', text: '', key: '', number: null, numFmt: raw.format.numFmt, formula: raw.formula };
}

function fromText(cell: GridCell, raw: string): GridCell {
  const text = cleanText(raw);
  if (text === '') return cell;
  if (errorText.test(text)) return { ...cell, kind: 'error', text, key: text };
  return { ...cell, kind: 'text', text, key: labelKey(text) };
}

function fromNumber(cell: GridCell, value: number, raw: RawCell, date1904: boolean): GridCell {
  if (!Number.isFinite(value)) return { ...cell, kind: 'error', text: '#NUM!', key: '#NUM!' };
  if (raw.format.isDate) {
    const date = serialDate(value, date1904);
    if (date !== null) return { ...cell, kind: 'text', text: date, key: date };
  }
  const text = formatNumber(value, raw.format.numFmt);
  return { ...cell, kind: 'number', number: clean(value), text, key: text };
}

/**
 * The cell as the form reader sees it: what Excel shows, with a formula's cached result standing
 * for the formula (a cached 0, FALSE or empty string is a result too).
 */
export function gridCell(raw: RawCell, sharedStrings: readonly string[], date1904: boolean): GridCell {
  const cell = blank(raw);
  const v = raw.value;
  if (raw.formula !== undefined) {
    // A string result may be empty; any other result needs a value to be one.
    const hasResult = raw.type === 'str' ? v !== undefined : raw.type === 'inlineStr' ? raw.inline !== undefined || v !== undefined : v !== undefined && v.trim() !== '';
    if (!hasResult) return { ...cell, kind: 'formulaNoResult' };
  }
  switch (raw.type) {
    case 's': {
      const s = v === undefined ? undefined : sharedStrings[Number.parseInt(v, 10)];
      return s === undefined ? cell : fromText(cell, s);
    }
    case 'str':
      return v === undefined ? cell : fromText(cell, v);
    case 'inlineStr':
      return fromText(cell, raw.inline ?? v ?? '');
    case 'b': {
      if (v === undefined || v.trim() === '') return cell;
      const text = Number.parseInt(v, 10) !== 0 ? 'TRUE' : 'FALSE';
      return { ...cell, kind: 'text', text, key: text };
    }
    case 'e': {
      const text = v?.trim() ?? '';
      return text === '' ? cell : { ...cell, kind: 'error', text, key: text };
    }
    case 'd': {
      if (v === undefined) return cell;
      const day = /^\d{4}-\d{2}-\d{2}/.exec(v.trim());
      return day ? { ...cell, kind: 'text', text: day[0], key: day[0] } : fromText(cell, v);
    }
    default:
      if (v === undefined || v.trim() === '') return cell;
      return fromNumber(cell, Number.parseFloat(v), raw, date1904);
  }
}
