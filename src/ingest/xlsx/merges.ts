import type { GridCell, Span } from '../grid.js';
import type { Range } from './cell-address.js';

const key = (row: number, col: number): string => `${row}:${col}`;
/** A number per cell for the occupancy index: cheaper than strings, exact up to row 2^53 / 16385. */
const slot = (row: number, col: number): number => row * 16_385 + col;

/**
 * Applies merged ranges in the order the sheet lists them. A range overlapping one already taken
 * is dropped, as Excel shows only the first (WPS and LibreOffice do save such files). Overlap is
 * found through an index of taken cells, so the cost is the cells the ranges cover, which the
 * sheet's merged-cell limit bounds, never ranges × ranges.
 *
 * Inside a kept range every cell but the top-left becomes a slave: its own value is dropped (Excel
 * shows the master's) and it reads as the master.
 */
export function applyMerges(ranges: readonly Range[], cells: Map<string, GridCell>, masters: Map<string, string>, spans: Map<string, Span>): void {
  const taken = new Set<number>();
  for (const r of ranges) {
    let free = true;
    for (let row = r.top; row <= r.bottom && free; row++) {
      for (let col = r.left; col <= r.right; col++) {
        if (taken.has(slot(row, col))) {
          free = false;
          break;
        }
      }
    }
    if (!free) continue;
    const master = key(r.top, r.left);
    for (let row = r.top; row <= r.bottom; row++) {
      for (let col = r.left; col <= r.right; col++) {
        taken.add(slot(row, col));
        if (row === r.top && col === r.left) continue;
        const k = key(row, col);
        masters.set(k, master);
        cells.delete(k);
      }
    }
    if (r.bottom > r.top || r.right > r.left) spans.set(master, { top: r.top, left: r.left, bottom: r.bottom, right: r.right });
  }
}
