import type { Profile } from '../model/profile.js';
import { clamp } from './round.js';

/**
 * The scoring rules, each a pure function of numbers already in the same unit. They return the
 * unrounded score; the caller rounds what it shows.
 */

export function positive(actual: number, target: number, weight: number): number {
  if (target <= 0) return actual >= target ? weight : 0;
  return clamp(actual >= target ? weight : (actual / target) * weight, 0, weight);
}

export function reverse(actual: number, target: number, weight: number, formula: Profile['rules']['reverseFormula']): number {
  if (actual <= target) return weight;
  if (target <= 0) return 0;
  if (formula === 'ratio') return clamp((target / actual) * weight, 0, weight);
  if (actual >= 2 * target) return 0;
  return clamp((1 - (actual - target) / target) * weight, 0, weight);
}

export function equal(actual: number, target: number, weight: number): number {
  if (target === 0) return actual <= 0 ? weight : 0;
  return positive(actual, target, weight);
}

/** On or before the date: full; later: nothing. Dates are yyyymmdd ordinals. */
export function deadline(actual: number, target: number, weight: number): number {
  return actual <= target ? weight : 0;
}

/** Several quantities: each pair scored as positive (so capped at 1), the line takes the mean. */
export function compound(pairs: ReadonlyArray<readonly [actual: number, target: number]>, weight: number): number {
  if (pairs.length === 0) return 0;
  const mean = pairs.reduce((sum, [a, t]) => sum + positive(a, t, 1), 0) / pairs.length;
  return clamp(mean * weight, 0, weight);
}
