import type { CellStyle } from '../model/form-sheet.js';

const base: CellStyle = { font: 'song', size: 9, bold: false, align: 'center', valign: 'middle', wrap: true, border: true, input: false };

/** The few looks the official form uses. */
export const styles = {
  annex: { ...base, font: 'hei', size: 12, align: 'left', border: false, wrap: false },
  title: { ...base, font: 'title', size: 18, border: false, wrap: false },
  yearLine: { ...base, size: 11, border: false, wrap: false },
  label: base,
  value: base,
  text: { ...base, align: 'left' },
  longText: { ...base, align: 'left', valign: 'top' },
} satisfies Record<string, CellStyle>;

export type StyleName = keyof typeof styles;

/** Height of a row holding one line of table text, points. */
export const MIN_ROW = 18;
