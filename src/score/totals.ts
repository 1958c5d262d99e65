import { round2 } from './round.js';

/**
 * A part of a total: a number, nothing (a line that carries no score), or unknown — a value the
 * form holds but that cannot be read, named by its cell. A sum with an unknown part is unknown:
 * never a smaller number that looks right.
 */
export type Part = number | null | { unknown: string | null };

export const unknownAt = (cell: string | null): Part => ({ unknown: cell });

export interface Sum {
  /** null when a part is unknown */
  value: number | null;
  /** cells of the unknown parts, in order, without repeats */
  unknownCells: string[];
}

export function sumParts(parts: Part[]): Sum {
  let total = 0;
  const unknownCells: string[] = [];
  let unknown = false;
  for (const p of parts) {
    if (p === null) continue;
    if (typeof p === 'number') total += p;
    else {
      unknown = true;
      if (p.unknown !== null && !unknownCells.includes(p.unknown)) unknownCells.push(p.unknown);
    }
  }
  return { value: unknown ? null : round2(total), unknownCells };
}
