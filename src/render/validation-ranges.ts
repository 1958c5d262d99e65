import type { SheetCell } from '../model/form-sheet.js';

type Validation = NonNullable<SheetCell['validation']>;

export interface ValidationRange {
  validation: Validation;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * Cells that share a validation gathered into rectangles that never overlap. exceljs gathers
 * them itself, but walks the addresses in text order (C10 before C7) and writes overlapping
 * ranges, which Excel then offers to "repair"; the ranges are given to it ready-made instead.
 */
export function validationRanges(cells: SheetCell[]): ValidationRange[] {
  const byKey = new Map<string, { validation: Validation; at: Set<string> }>();
  for (const c of cells) {
    if (!c.validation) continue;
    const key = JSON.stringify(c.validation);
    const group = byKey.get(key) ?? { validation: c.validation, at: new Set<string>() };
    group.at.add(`${c.row}:${c.col}`);
    byKey.set(key, group);
  }
  const ranges: ValidationRange[] = [];
  for (const { validation, at } of byKey.values()) {
    const has = (r: number, c: number): boolean => at.has(`${r}:${c}`);
    const cellsInOrder = [...at].map((k) => k.split(':').map(Number) as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (const [row, col] of cellsInOrder) {
      if (!has(row, col)) continue;
      let bottom = row;
      while (has(bottom + 1, col)) bottom++;
      let right = col;
      const columnFull = (c: number): boolean => {
        for (let r = row; r <= bottom; r++) if (!has(r, c)) return false;
        return true;
      };
      while (columnFull(right + 1)) right++;
      for (let r = row; r <= bottom; r++) for (let c = col; c <= right; c++) at.delete(`${r}:${c}`);
      ranges.push({ validation, top: row, left: col, bottom, right });
    }
  }
  return ranges;
}
