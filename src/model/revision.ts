import { isProblem, type Severity } from './finding.js';
import { cellLabel, compareCells } from './finding-parts.js';
import type { FindingKey } from './manifest.js';

/**
 * What a corrected file changed, finding by finding (the same code at the same cell is the same
 * finding): corrected (gone), still there, and new. Only errors and warnings count: a 提示 is not
 * something to correct.
 */
export interface Revision {
  fixed: FindingKey[];
  still: FindingKey[];
  added: FindingKey[];
}

/**
 * Findings that say something about the archive rather than the form (two files of one project,
 * a copy that could not be written): not the unit's to correct, so not compared.
 */
const ARCHIVE_CODES = new Set(['DUPLICATE_FORM', 'OUTPUT_WRITE_FAILED']);

export const findingKeys = (findings: Array<{ code: string; cell?: string | null | undefined; severity: Severity }>): FindingKey[] =>
  findings.filter((f) => !ARCHIVE_CODES.has(f.code)).map((f) => ({ code: f.code, cell: f.cell ?? null, severity: f.severity }));

const keyOf = (k: FindingKey): string => `${k.code}\u0000${k.cell ?? ''}`;

/** Before → now, each side a multiset of findings. */
export function compareRevisions(allBefore: FindingKey[], allNow: FindingKey[]): Revision {
  // A key without a severity (none recorded) counts, rather than be lost.
  const counts = (k: FindingKey): boolean => k.severity === undefined || isProblem(k);
  const before = allBefore.filter(counts);
  const now = allNow.filter(counts);
  const left = new Map<string, number>();
  for (const k of before) left.set(keyOf(k), (left.get(keyOf(k)) ?? 0) + 1);
  const still: FindingKey[] = [];
  const added: FindingKey[] = [];
  for (const k of now) {
    const n = left.get(keyOf(k)) ?? 0;
    if (n > 0) {
      left.set(keyOf(k), n - 1);
      still.push(k);
    } else added.push(k);
  }
  const fixed: FindingKey[] = [];
  for (const k of before) {
    const n = left.get(keyOf(k)) ?? 0;
    if (n > 0) {
      left.set(keyOf(k), n - 1);
      fixed.push(k);
    }
  }
  return { fixed, still, added };
}

/** How many places are named one by one before `等`. */
const SHOWN = 8;

/** `H26 H27 I14`: the cells in reading order (the code for a finding without a cell), each once. */
export function placesText(keys: FindingKey[]): string {
  const sorted = [...keys].sort((a, b) => compareCells(a.cell, b.cell) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const places = [...new Set(sorted.map((k) => cellLabel(k.cell) || k.code))];
  return places.length <= SHOWN ? places.join(' ') : `${places.slice(0, SHOWN).join(' ')} 等`;
}

/**
 * One line, in Chinese: `已更正 3 处(H26 H27 I14)，仍有 2 处(H28 I20)，新增 1 处(H30)`; a form whose
 * findings all went away says so: `已全部更正 3 处(H26 H27 I14)，现在没有问题`.
 */
export function revisionText(r: Revision): string {
  const part = (label: string, keys: FindingKey[]): string => `${label} ${keys.length} 处(${placesText(keys)})`;
  if (r.still.length === 0 && r.added.length === 0) return r.fixed.length > 0 ? `${part('已全部更正', r.fixed)}，现在没有问题` : '更正前后都没有问题';
  const parts: string[] = [];
  if (r.fixed.length > 0) parts.push(part('已更正', r.fixed));
  else parts.push('没有更正任何问题');
  if (r.still.length > 0) parts.push(part('仍有', r.still));
  if (r.added.length > 0) parts.push(part('新增', r.added));
  return parts.join('，');
}
