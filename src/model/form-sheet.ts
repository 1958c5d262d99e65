import { z } from 'zod';
import { Severity } from './finding.js';

/** Faces by role; each renderer maps them (xlsx: 宋体/黑体/方正小标宋简体, PDF: embedded Noto faces). */
export const FontRole = z.enum(['song', 'hei', 'title']);
export type FontRole = z.infer<typeof FontRole>;

export const CellStyle = z.object({
  font: FontRole,
  /** points */
  size: z.number().positive(),
  bold: z.boolean(),
  align: z.enum(['left', 'center', 'right']),
  valign: z.enum(['top', 'middle', 'bottom']),
  wrap: z.boolean(),
  /** thin border on every edge of the cell (or merged range) */
  border: z.boolean(),
  /** a cell the person filling in a blank template writes into */
  input: z.boolean(),
});
export type CellStyle = z.infer<typeof CellStyle>;

export const Validation = z.object({
  kind: z.enum(['decimal']),
  min: z.number(),
  max: z.number(),
  prompt: z.string(),
});

export const SheetCell = z.object({
  /** 1-based, top-left of the (merged) cell */
  row: z.number().int().positive(),
  col: z.number().int().positive(),
  rowSpan: z.number().int().positive(),
  colSpan: z.number().int().positive(),
  /** exactly what is printed */
  text: z.string(),
  /** the text as the layout broke it into lines for this cell's width; renderers draw these, never re-wrap */
  lines: z.array(z.string()),
  /** points from one line to the next (the faces' own line spacing at the cell's size) */
  leading: z.number().positive(),
  /** for spreadsheet cells: the number behind the text and the format that shows it */
  number: z.number().optional(),
  numFmt: z.string().optional(),
  style: CellStyle,
  validation: Validation.optional(),
  /** a blank template's computed cell (执行率, its 得分, the 总分 row): the spreadsheet formula, without `=`; the PDF prints `text` */
  formula: z.string().optional(),
  /** the spreadsheet cell the text came from (`Sheet1!D20`), so a renderer's finding can point at it */
  source: z.string().nullable(),
});
export type SheetCell = z.infer<typeof SheetCell>;

/** A row as placed on a page: top edge in points from the page top; header rows repeat on continuation pages. */
export const PlacedRow = z.object({
  row: z.number().int().positive(),
  y: z.number(),
  height: z.number(),
  repeated: z.boolean(),
});
export type PlacedRow = z.infer<typeof PlacedRow>;

export const Page = z.object({ rows: z.array(PlacedRow) });
export type Page = z.infer<typeof Page>;

/**
 * A numbered remark drawn on the form: what a renderer that shows remarks (the HTML view, the
 * annotated spreadsheet) puts on a printed cell. Generic on purpose: severity, a code, words, and
 * where it sits; nothing about what the remark is about.
 */
export const Annotation = z.object({
  /** 1-based, the order the remarks are read in: by the printed cell's position, then the ones with none */
  no: z.number().int().positive(),
  severity: Severity,
  code: z.string(),
  /** what is wrong, without the location (the remark sits on its cell) */
  text: z.string(),
  /** what to do about it ('' when the words say nothing more) */
  advice: z.string(),
  /** the input cell it names, as the text came from (`Sheet1!H26`), or null */
  source: z.string().nullable(),
  /** the printed cell it sits on (top-left of the merged cell), or null when no printed cell shows that input cell */
  at: z.object({ row: z.number().int().positive(), col: z.number().int().positive() }).nullable(),
});
export type Annotation = z.infer<typeof Annotation>;

/**
 * The printed form as a grid: the only description of the official layout. Built by the layout
 * stage, printed by both renderers, which know nothing of indicators or scores.
 */
export const FormSheet = z.object({
  /** worksheet name and PDF title */
  name: z.string(),
  title: z.string(),
  /** points */
  columns: z.array(z.number().positive()),
  /** points, one per row */
  rows: z.array(z.number().positive()),
  cells: z.array(SheetCell),
  /** rows (1-based, inclusive) printed again at the top of every continuation page */
  repeatRows: z.object({ first: z.number().int().positive(), last: z.number().int().positive() }).nullable(),
  page: z.object({
    size: z.literal('A4'),
    orientation: z.enum(['portrait', 'landscape']),
    /** points */
    margins: z.object({ top: z.number(), right: z.number(), bottom: z.number(), left: z.number() }),
  }),
  /** how the rows fall on A4 pages: decided once by the layout, followed by every renderer */
  pages: z.array(Page),
  /** remarks to draw on the form (the review view, the annotated copy); renderers of the official copy leave them out */
  annotations: z.array(Annotation).optional(),
});
export type FormSheet = z.infer<typeof FormSheet>;

/** `row,col` of a printed cell: how remarks are looked up by the cell they sit on. */
export const cellKey = (row: number, col: number): string => `${row},${col}`;

/** The annotations on each printed cell (key `cellKey`), in their numbers' order; remarks with no printed cell are left out. */
export function annotationsByCell(sheet: Pick<FormSheet, 'annotations'>): Map<string, Annotation[]> {
  const byCell = new Map<string, Annotation[]>();
  for (const a of sheet.annotations ?? []) {
    if (!a.at) continue;
    const key = cellKey(a.at.row, a.at.col);
    byCell.set(key, [...(byCell.get(key) ?? []), a]);
  }
  return byCell;
}

/** A4 in points. */
export const A4 = { width: 595.28, height: 841.89 };

/** Padding inside a bordered cell, points: the layout sizes rows with it and the PDF draws text inside it. */
export const PAD_X = 2.5;
export const PAD_Y = 2.5;

/** Width of `colSpan` columns from `col`, points. */
export function cellWidth(sheet: Pick<FormSheet, 'columns'>, col: number, colSpan: number): number {
  let w = 0;
  for (let c = col; c < col + colSpan; c++) w += sheet.columns[c - 1] ?? 0;
  return w;
}

/** Left edge of a column on the page, points: the table is centred between the margins, as spreadsheets print it. */
export function columnX(sheet: Pick<FormSheet, 'columns' | 'page'>, col: number): number {
  const m = sheet.page.margins;
  const table = cellWidth(sheet, 1, sheet.columns.length);
  return m.left + (A4.width - m.left - m.right - table) / 2 + cellWidth(sheet, 1, col - 1);
}
