/** The parts of fast-formula-parser (MIT, no bundled types) this project uses. */
declare module 'fast-formula-parser' {
  export interface CellRef {
    sheet: string;
    row: number;
    col: number;
  }
  export interface RangeRef {
    sheet: string;
    from: { row: number; col: number };
    to: { row: number; col: number };
  }
  export type FormulaValue = number | string | boolean | null | FormulaError | FormulaValue[][];
  /** A parameter as a custom function receives it. */
  export interface FormulaParam {
    value: unknown;
    isArray?: boolean;
    omitted?: boolean;
  }
  export class FormulaError {
    readonly error: string;
    readonly details?: unknown;
    constructor(error: string, details?: unknown);
  }
  /** CommonJS: Node's ESM loader sees only the default export, so the error class is reached through it. */
  export default class FormulaParser {
    static readonly FormulaError: typeof FormulaError;
    constructor(config: { onCell?: (ref: CellRef) => FormulaValue; onRange?: (ref: RangeRef) => FormulaValue[][]; functions?: Record<string, (...params: FormulaParam[]) => FormulaValue> });
    parse(formula: string, position: CellRef, allowReturnArray?: boolean): FormulaValue;
  }
}
