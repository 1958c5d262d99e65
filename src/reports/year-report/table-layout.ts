/** pdfmake's table layout: line widths, colours, paddings and fills, each asked per row or column. */
export interface Layout {
  hLineWidth?: (row: number) => number;
  vLineWidth?: (column: number) => number;
  hLineColor?: () => string;
  vLineColor?: () => string;
  paddingLeft?: (column: number) => number;
  paddingRight?: (column: number) => number;
  paddingTop?: (row: number) => number;
  paddingBottom?: (row: number) => number;
  fillColor?: (row: number) => string | null;
}

/** Padding inside each cell of the report's tables, in points: the text never comes near a line. */
export const CELL = { x: 3, y: 2.5 };
export const LINE = 0.5;

/** Thin grey lines round every cell, the header row shaded. */
export const gridLayout: Layout = {
  hLineWidth: () => LINE,
  vLineWidth: () => LINE,
  hLineColor: () => '#808080',
  vLineColor: () => '#808080',
  paddingLeft: () => CELL.x,
  paddingRight: () => CELL.x,
  paddingTop: () => CELL.y,
  paddingBottom: () => CELL.y,
  fillColor: (row) => (row === 0 ? '#e6e6e6' : null),
};

/**
 * Content widths of a table's columns (what pdfmake's `widths` mean: padding and lines come on
 * top) that fill `total` points: the fixed ones as given, the one marked `null` takes the rest.
 */
export function fillWidths(total: number, widths: Array<number | null>): number[] {
  const columns = widths.length;
  const chrome = columns * 2 * CELL.x + (columns + 1) * LINE;
  const fixed = widths.reduce<number>((a, w) => a + (w ?? 0), 0);
  const rest = total - chrome - fixed;
  return widths.map((w) => w ?? Math.max(rest, 40));
}
