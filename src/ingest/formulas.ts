import * as formulajs from '@formulajs/formulajs';
import FormulaParser, { type CellRef, type FormulaParam, type FormulaValue, type RangeRef } from 'fast-formula-parser';
import { cellAddress } from '../model/cell-address.js';
import { clean, formatNumber } from '../model/numbers.js';
import { cleanText, labelKey } from '../model/text.js';
import type { Grid, GridCell } from './grid.js';

/**
 * Formulas saved without a result (files written by scripts and some exports) are worked out
 * here, over the workbook's own values, with fast-formula-parser (MIT; functions it lacks come
 * from @formulajs/formulajs, MIT). What cannot be worked out stays unknown, with the reason: it
 * is never read as blank or 0. Cells with a saved result keep it, even a stale one, as Excel shows it.
 */

const { FormulaError } = FormulaParser;
type FormulaError = InstanceType<typeof FormulaError>;

/** Functions fast-formula-parser does not implement that forms use, from formulajs. */
const missing: Record<string, (...values: unknown[]) => unknown> = {
  MIN: formulajs.MIN,
  MAX: formulajs.MAX,
  MEDIAN: formulajs.MEDIAN,
  COUNTA: formulajs.COUNTA,
  VALUE: formulajs.VALUE,
};

/** Ranges arrive as 2-D arrays; formulajs takes them flat, as Excel's aggregate functions see them. */
function plain(param: FormulaParam): unknown {
  return param.isArray && Array.isArray(param.value) ? (param.value as unknown[][]).flat() : param.value;
}

function toFormulaValue(v: unknown): FormulaValue {
  if (v instanceof Error) return new FormulaError(v.message.startsWith('#') ? v.message : '#VALUE!');
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  return new FormulaError('#VALUE!');
}

const functions = Object.fromEntries(Object.entries(missing).map(([name, fn]) => [name, (...params: FormulaParam[]): FormulaValue => toFormulaValue(fn(...params.map(plain)))]));

const k = (row: number, col: number): string => `${row}:${col}`;
const sheetKey = (name: string): string => name.toLowerCase();

type Outcome = { kind: 'value'; value: FormulaValue } | { kind: 'unknown'; reason: string };

/** Why a formula could not be worked out, in words for the message. */
function reasonOf(error: unknown): string {
  if (error instanceof FormulaError) {
    const inner = error.details instanceof Error ? error.details.message : '';
    const fn = /Function (\w+) is not implemented/.exec(inner) ?? /Function (\w+) is not implemented/.exec(String((error as { message?: string }).message ?? ''));
    if (fn) return `不认识的函数 ${fn[1]}`;
    if (error.error === '#NAME?') return '公式中有不认识的函数或名称';
    return '公式无法解析';
  }
  return '公式无法计算';
}

class Evaluator {
  private readonly grids = new Map<string, Grid>();
  private readonly done = new Map<string, Outcome>();
  private readonly running = new Set<string>();
  /** One parser per nesting depth: a parser is not re-entrant, and a formula's references are worked out while it is being parsed. */
  private readonly parsers: FormulaParser[] = [];

  constructor(grids: Grid[]) {
    for (const g of grids) this.grids.set(sheetKey(g.sheet), g);
  }

  private parserAt(depth: number): FormulaParser {
    let parser = this.parsers[depth];
    if (!parser) {
      parser = new FormulaParser({ functions, onCell: (ref) => this.valueAt(ref), onRange: (ref) => this.rangeAt(ref) });
      this.parsers[depth] = parser;
    }
    return parser;
  }

  private cell(sheet: string, row: number, col: number): GridCell | undefined {
    return this.grids.get(sheetKey(sheet))?.cells.get(k(row, col));
  }

  /** A referenced cell's value; one without a saved result is worked out first (an unknown one makes this one unknown). */
  private valueAt(ref: CellRef): FormulaValue {
    const cell = this.cell(ref.sheet, ref.row, ref.col);
    if (!cell) return this.grids.has(sheetKey(ref.sheet)) ? null : new FormulaError('#REF!');
    if (cell.kind === 'formulaNoResult') {
      const outcome = this.evaluate(ref.sheet, cell);
      if (outcome.kind === 'unknown') throw new DependsOnUnknown(cell, ref.sheet);
      return Array.isArray(outcome.value) ? (outcome.value[0]?.[0] ?? null) : outcome.value;
    }
    switch (cell.kind) {
      case 'number':
        return cell.number;
      case 'text':
        return cell.text === 'TRUE' ? true : cell.text === 'FALSE' ? false : cell.text;
      case 'error':
        return new FormulaError(cell.text);
      default:
        return null;
    }
  }

  private rangeAt(ref: RangeRef): FormulaValue[][] {
    const grid = this.grids.get(sheetKey(ref.sheet));
    const rows: FormulaValue[][] = [];
    if (!grid) return [[new FormulaError('#REF!')]];
    // Whole columns (A:A) reach the last row Excel has: only the rows the sheet uses are read.
    const bottom = Math.min(ref.to.row, grid.rowCount);
    const right = Math.min(ref.to.col, grid.colCount);
    for (let row = ref.from.row; row <= bottom; row++) {
      const values: FormulaValue[] = [];
      for (let col = ref.from.col; col <= right; col++) values.push(this.valueAt({ sheet: ref.sheet, row, col }));
      rows.push(values);
    }
    return rows;
  }

  evaluate(sheet: string, cell: GridCell): Outcome {
    const key = `${sheetKey(sheet)}!${k(cell.row, cell.col)}`;
    const known = this.done.get(key);
    if (known) return known;
    if (this.running.has(key)) return { kind: 'unknown', reason: '公式循环引用了自己' };
    // Deep chains are worked out as far as a sane form goes; beyond, the value is unknown.
    if (this.running.size >= 64) return { kind: 'unknown', reason: '公式引用层次过深' };
    const parser = this.parserAt(this.running.size);
    this.running.add(key);
    let outcome: Outcome;
    try {
      outcome = { kind: 'value', value: parser.parse(cell.formula ?? '', { sheet, row: cell.row, col: cell.col }) };
    } catch (error) {
      outcome = error instanceof DependsOnUnknown ? { kind: 'unknown', reason: `引用的单元格 ${error.address} 无法确定` } : { kind: 'unknown', reason: reasonOf(error) };
    } finally {
      this.running.delete(key);
    }
    this.done.set(key, outcome);
    return outcome;
  }
}

class DependsOnUnknown extends Error {
  readonly address: string;
  constructor(cell: GridCell, sheet: string) {
    super('depends on an unknown cell');
    this.address = `${sheet}!${cellAddress(cell.row, cell.col)}`;
  }
}

/** The evaluated cell: what Excel would show once the file is opened and saved. */
function evaluatedCell(cell: GridCell, value: FormulaValue): GridCell {
  const first = Array.isArray(value) ? (value[0]?.[0] ?? null) : value;
  const base: GridCell = { ...cell, evaluated: true };
  if (first instanceof FormulaError) return { ...base, kind: 'error', text: first.error, key: first.error };
  if (first === null) return { ...base, kind: 'blank', text: '', key: '' };
  if (typeof first === 'number') {
    if (!Number.isFinite(first)) return { ...base, kind: 'error', text: '#NUM!', key: '#NUM!' };
    const text = formatNumber(first, cell.numFmt);
    return { ...base, kind: 'number', number: clean(first), text, key: text };
  }
  if (typeof first === 'boolean') {
    const text = first ? 'TRUE' : 'FALSE';
    return { ...base, kind: 'text', text, key: text };
  }
  const text = cleanText(String(first));
  return text === '' ? { ...base, kind: 'blank', text: '', key: '' } : { ...base, kind: 'text', text, key: labelKey(text) };
}

/**
 * Works out every formula of the workbook that has no saved result, in place: a cell becomes
 * its value (marked `evaluated`) or stays `formulaNoResult` with the reason it cannot be known.
 * Runs before any search of the grids.
 */
export function evaluateFormulas(grids: Grid[]): void {
  const evaluator = new Evaluator(grids);
  for (const grid of grids) {
    for (const [key, cell] of grid.cells) {
      if (cell.kind !== 'formulaNoResult') continue;
      const outcome = evaluator.evaluate(grid.sheet, cell);
      grid.cells.set(key, outcome.kind === 'value' ? evaluatedCell(cell, outcome.value) : { ...cell, unknownReason: outcome.reason });
    }
  }
}
