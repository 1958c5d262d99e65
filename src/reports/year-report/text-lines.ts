import type { FontRole } from '../../model/form-sheet.js';
import type { FaceName } from '../../typeset/faces.js';
import { breakLines } from '../../typeset/line-break.js';
import type { Typesetter } from '../../typeset/typesetter.js';

/**
 * Text for pdfmake, broken into lines by the project's typesetter. pdfmake breaks wherever UAX #14
 * allows, which in Chinese is between any two characters: a line could start with “，” or split
 * “2021年”. Here every text that may wrap is broken by the CLREQ rules the forms use (src/typeset/)
 * at the width it is given, and each line goes to pdfmake as one unbreakable run: pdfmake places
 * it and never re-wraps it. Each character is drawn by the first face of its role that has it,
 * as on the forms, so a rare character prints from the other family rather than as a box.
 */

export interface TextStyle {
  role: FontRole;
  bold?: boolean;
  size: number;
  color?: string;
}

/** The pdfmake font families the report registers, and which of the typesetter's faces each style is. */
export const FAMILIES = { serif: { normal: 'serif', bold: 'serifHeavy' }, sans: { normal: 'sans', bold: 'sansBold' } } as const satisfies Record<string, { normal: FaceName; bold: FaceName }>;

const familyOf: Record<FaceName, { font: keyof typeof FAMILIES; bold: boolean }> = {
  serif: { font: 'serif', bold: false },
  serifHeavy: { font: 'serif', bold: true },
  sans: { font: 'sans', bold: false },
  sansBold: { font: 'sans', bold: true },
};

export interface Inline {
  text: string;
  font: keyof typeof FAMILIES;
  bold: boolean;
}

/** A pdfmake paragraph of one line that pdfmake must not break. */
export interface LineNode {
  text: Inline[];
  noWrap: true;
  fontSize: number;
  color?: string;
  alignment?: 'left' | 'center' | 'right';
}

/**
 * pdfmake adds up the same advances the typesetter does (no kerning in these faces), in floating
 * point; a line is broken this much inside its width so that rounding never pushes its last
 * character over.
 */
const SLACK = 0.05;

export class ReportText {
  constructor(private readonly typeset: Typesetter) {}

  width(text: string, style: TextStyle): number {
    return this.typeset.textWidth(text, style.role, style.bold ?? false, style.size);
  }

  /** Height of one line as pdfmake sets it: the face's ascent + descent (+ gap) at the size. */
  lineHeight(style: TextStyle): number {
    return this.typeset.lineHeight(style.role, style.bold ?? false) * style.size;
  }

  /** The text's lines within `width` points (CLREQ; a piece wider than the width is split by characters). */
  lines(text: string, width: number, style: TextStyle): string[] {
    return breakLines(text, Math.max(width - SLACK, 1), (s) => this.width(s, style)).lines;
  }

  /** One line as pdfmake draws it: runs of one face each. */
  line(text: string, style: TextStyle, alignment?: LineNode['alignment']): LineNode {
    const runs = this.typeset.runs(text, style.role, style.bold ?? false).map((r) => ({ text: r.text, ...familyOf[r.face] }));
    return {
      text: runs.length > 0 ? runs : [{ text: '', ...familyOf[style.role === 'hei' ? 'sans' : 'serif'] }],
      noWrap: true,
      fontSize: style.size,
      ...(style.color ? { color: style.color } : {}),
      ...(alignment ? { alignment } : {}),
    };
  }

  /** The text broken to `width` and stacked, one unbreakable pdfmake line per line. */
  block(text: string, width: number, style: TextStyle, alignment?: LineNode['alignment']): { stack: LineNode[] } {
    return { stack: this.lines(text, width, style).map((l) => this.line(l, style, alignment)) };
  }
}
