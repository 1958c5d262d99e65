import type { Finding } from '../model/finding.js';
import { findingParts } from '../model/finding-parts.js';
import type { Annotation, FormSheet } from '../model/form-sheet.js';

/**
 * A form's findings as remarks on its printed sheet: each on the printed cell that shows the input
 * cell it names (the layout records that cell as the printed cell's `source`), numbered in reading
 * order of the printed form, top to bottom and left to right; findings with no printed cell (a
 * whole-form problem, a cell the official layout does not print) come last, in the order found.
 */
export function annotate(sheet: FormSheet, findings: Finding[]): FormSheet {
  const printed = new Map<string, { row: number; col: number }>();
  // A cell split at a page break prints twice with the same source: the remark sits on its first part.
  for (const c of [...sheet.cells].sort((a, b) => a.row - b.row || a.col - b.col)) if (c.source !== null && !printed.has(c.source)) printed.set(c.source, { row: c.row, col: c.col });
  const placed = findings.map((f, order) => ({ f, order, at: f.cell ? (printed.get(f.cell) ?? null) : null }));
  placed.sort((a, b) => {
    if (a.at && b.at) return a.at.row - b.at.row || a.at.col - b.at.col || a.order - b.order;
    return (a.at ? 0 : 1) - (b.at ? 0 : 1) || a.order - b.order;
  });
  const annotations: Annotation[] = placed.map(({ f, at }, i) => ({ no: i + 1, severity: f.severity, code: f.code, ...findingParts(f), source: f.cell ?? null, at }));
  return { ...sheet, annotations };
}
