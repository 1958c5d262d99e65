import { roundHalfUp } from '../model/numbers.js';

/** Scores are kept to two decimals wherever a rule rounds them. */
export const round2 = (value: number): number => roundHalfUp(value, 2);

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
