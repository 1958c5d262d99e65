import { roundHalfUp } from '../model/numbers.js';

/** A weight the form holds, and its cell. */
export interface WeightCell {
  value: number;
  cell: string | null;
}

/** What printing a form's weights at its decimals does to the 分值 column, when it changes the sum. */
export interface RoundedWeights {
  /** cells of the weights the copy cannot print as written, in form order */
  cells: string[];
  /** the first of them, as written and as printed */
  example: { value: number; printed: number };
  /** Σ of every weight as printed, and as written */
  printedSum: number;
  exactSum: number;
  /** the same weights at the form's decimals, adding up to what they add up to as written */
  suggestion: number[];
}

const EPS = 1e-9;

/**
 * Weights that cannot be printed at the form's decimals (10/6 = 1.6667 prints 1.67), when
 * printing them changes what the 分值 column adds up to (six of them print 10.02). Rounding
 * that leaves the sum as it was is no finding: the column still adds up.
 */
export function roundedWeights(weights: WeightCell[], decimals: number): RoundedWeights | null {
  const round = (v: number): number => roundHalfUp(v, decimals);
  const odd = weights.filter((w) => Math.abs(round(w.value) - w.value) > EPS);
  const printedSum = round(weights.reduce((sum, w) => sum + round(w.value), 0));
  const exactSum = weights.reduce((sum, w) => sum + w.value, 0);
  const first = odd[0];
  if (!first || Math.abs(printedSum - round(exactSum)) < EPS) return null;
  return {
    cells: odd.flatMap((w) => (w.cell ? [w.cell] : [])),
    example: { value: first.value, printed: round(first.value) },
    printedSum,
    exactSum: roundHalfUp(exactSum, 4),
    suggestion: splitEvenly(
      odd.map((w) => w.value),
      decimals,
    ),
  };
}

/**
 * The largest-remainder split: each weight cut down to the decimals, then one unit of the last
 * decimal to those that lost the most, until they add up to their own sum (rounded): 10/6 six
 * times → 1.67, 1.67, 1.67, 1.67, 1.66, 1.66.
 */
function splitEvenly(values: number[], decimals: number): number[] {
  const unit = 10 ** decimals;
  const target = Math.round(values.reduce((a, b) => a + b, 0) * unit + EPS);
  const base = values.map((v) => Math.floor(v * unit + EPS));
  let left = target - base.reduce((a, b) => a + b, 0);
  const order = values.map((v, i) => ({ i, lost: v * unit - (base[i] ?? 0) })).sort((a, b) => b.lost - a.lost || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    base[i] = (base[i] ?? 0) + 1;
    left--;
  }
  return base.map((b) => b / unit);
}
