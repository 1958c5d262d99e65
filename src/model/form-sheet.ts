import { z } from 'zod';

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
  /** for spreadsheet cells: the number behind the text and the format that shows it */
  number: z.number().optional(),
  numFmt: z.string().optional(),
  style: CellStyle,
  validation: Validation.optional(),
  /** the spreadsheet cell the text came from (`Sheet1!D20`), so a renderer's finding can point at it */
  source: z.string().nullable(),
});
export type SheetCell = z.infer<typeof SheetCell>;

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
});
export type FormSheet = z.infer<typeof FormSheet>;

/** A4 in points. */
export const A4 = { width: 595.28, height: 841.89 };
