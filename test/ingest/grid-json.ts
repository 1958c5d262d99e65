import type { Grid } from '../../src/ingest/grid.js';

const order = (a: string, b: string): number => {
  const [ar = 0, ac = 0] = a.split(':').map(Number);
  const [br = 0, bc = 0] = b.split(':').map(Number);
  return ar - br || ac - bc;
};

/** A Grid as plain JSON, maps as sorted entry lists and undefined as null: what test/fixtures/grids holds. */
export function gridJson(grid: Grid): GridJson {
  const sorted = <T>(m: Map<string, T>): Array<[string, T]> => [...m.entries()].sort(([a], [b]) => order(a, b));
  const json = { sheet: grid.sheet, rowCount: grid.rowCount, colCount: grid.colCount, cells: sorted(grid.cells), masters: sorted(grid.masters), spans: sorted(grid.spans) };
  return JSON.parse(JSON.stringify(json, (_k, v: unknown) => (v === undefined ? null : v))) as GridJson;
}

export interface GridJson {
  sheet: string;
  rowCount: number;
  colCount: number;
  cells: Array<[string, Record<string, unknown>]>;
  masters: Array<[string, string]>;
  spans: Array<[string, { top: number; left: number; bottom: number; right: number }]>;
}
