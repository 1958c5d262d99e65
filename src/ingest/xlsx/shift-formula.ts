import { columnLetter } from '../../model/cell-address.js';
import { columnNumber, MAX_COL, MAX_ROW } from './cell-address.js';

interface Token {
  text: string;
  /** a run of name characters, which may be a reference; everything else is copied as it is */
  word: boolean;
}

/** Letters, digits, `_ . $ \\` and anything past ASCII: what names and references are made of. */
function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || ((code | 0x20) >= 97 && (code | 0x20) <= 122) || code === 95 || code === 46 || code === 36 || code === 92 || code > 127;
}

/** Splits a formula so that quoted strings, quoted sheet names and [structured] parts stay whole. */
function tokens(formula: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < formula.length) {
    const c = formula[i] ?? '';
    const start = i;
    if (c === '"' || c === "'") {
      // "" (or '') inside doubles the quote; the literal ends at a lone one.
      i++;
      while (i < formula.length) {
        if (formula[i] === c) {
          if (formula[i + 1] === c) i += 2;
          else {
            i++;
            break;
          }
        } else i++;
      }
      out.push({ text: formula.slice(start, i), word: false });
    } else if (c === '[') {
      let depth = 0;
      do {
        if (formula[i] === '[') depth++;
        else if (formula[i] === ']') depth--;
        i++;
      } while (i < formula.length && depth > 0);
      out.push({ text: formula.slice(start, i), word: false });
    } else if (isWordChar(formula.charCodeAt(i))) {
      while (i < formula.length && isWordChar(formula.charCodeAt(i))) i++;
      out.push({ text: formula.slice(start, i), word: true });
    } else {
      out.push({ text: c, word: false });
      i++;
    }
  }
  return out;
}

const cellRef = /^(\$?)([A-Za-z]{1,3})(\$?)([0-9]{1,7})$/;
const columnRef = /^(\$?)([A-Za-z]{1,3})$/;
const rowRef = /^(\$?)([0-9]{1,7})$/;

function shiftRow(abs: string, row: number, d: number): string | null {
  const r = abs ? row : row + d;
  return r >= 1 && r <= MAX_ROW ? `${abs}${r}` : null;
}

function shiftCol(abs: string, col: number, d: number): string | null {
  const c = abs ? col : col + d;
  return c >= 1 && c <= MAX_COL ? `${abs}${columnLetter(c)}` : null;
}

/**
 * A shared formula as it reads in a cell `dRow` rows and `dCol` columns from the cell that holds
 * its text: relative references move, `$` parts stay, strings and names are left alone. A
 * reference pushed off the sheet becomes #REF!, as in Excel.
 */
export function shiftFormula(formula: string, dRow: number, dCol: number): string {
  if (dRow === 0 && dCol === 0) return formula;
  const list = tokens(formula);
  const kind = (t: Token | undefined): 'col' | 'row' | null => (!t?.word ? null : columnRef.test(t.text) ? 'col' : rowRef.test(t.text) ? 'row' : null);
  let out = '';
  for (let i = 0; i < list.length; i++) {
    const t = list[i] as Token;
    const next = list[i + 1]?.text;
    if (!t.word || next === '(' || next === '!') {
      out += t.text;
      continue;
    }
    let shifted: string | null | undefined;
    const cell = cellRef.exec(t.text);
    const col = cell ? columnNumber(cell[2] ?? '') : null;
    if (cell && col !== null && Number(cell[4]) >= 1 && Number(cell[4]) <= MAX_ROW) {
      const c = shiftCol(cell[1] ?? '', col, dCol);
      const r = shiftRow(cell[3] ?? '', Number(cell[4]), dRow);
      shifted = c && r ? c + r : null;
    } else {
      // `A:C` and `3:5`: whole columns and rows, recognised by the word on the other side of the colon.
      const mine = kind(t);
      const partner = list[i + 1]?.text === ':' ? list[i + 2] : list[i - 1]?.text === ':' ? list[i - 2] : undefined;
      if (mine !== null && kind(partner) === mine) {
        const m = (mine === 'col' ? columnRef : rowRef).exec(t.text);
        const abs = m?.[1] ?? '';
        const body = m?.[2] ?? '';
        if (mine === 'row') shifted = shiftRow(abs, Number(body), dRow);
        else {
          const n = columnNumber(body);
          shifted = n === null ? undefined : shiftCol(abs, n, dCol);
        }
      }
    }
    out += shifted === undefined ? t.text : (shifted ?? '#REF!');
  }
  return out;
}
