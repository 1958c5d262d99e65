import { decimalOrDash, percentOrDash, roundHalfUp } from '../../model/numbers.js';

/** How the report prints its numbers; the tests format the manifest's numbers with these same functions. */

/** 万元 with two decimals and thousands grouped: 1234567.891 → `1,234,567.89`. */
export function money(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const [whole = '0', cents = '00'] = Math.abs(roundHalfUp(value, 2)).toFixed(2).split('.');
  return `${value < 0 && roundHalfUp(value, 2) !== 0 ? '-' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** A score as the year index prints it: at most two decimals, `—` when there is none. */
export const score = (value: number | null): string => decimalOrDash(value);

/** A fraction as a percentage with two decimals, `—` when there is none. */
export const rate = (value: number | null): string => percentOrDash(value);
