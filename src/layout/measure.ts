import type * as fontkit from 'fontkit';
import type { FontRole } from '../model/form-sheet.js';
import { faceFont } from './font-store.js';
import { activeFontDir, faceFor, type FaceName } from './fonts.js';

/**
 * Text measurement with the same fonts the PDF embeds, so the row heights the layout chooses fit
 * the text the PDF draws. Glyph widths are cached per face: a form measures thousands of
 * characters but only a few hundred distinct ones.
 */
interface FaceMetrics {
  font: fontkit.Font;
  widths: Map<number, number>;
}

/** Per face, for the font folder in use; measuring is hot, so the folder is only compared, not re-resolved. */
let faces = new Map<FaceName, FaceMetrics>();
let facesDir = '';

function metrics(face: FaceName): FaceMetrics {
  const dir = activeFontDir();
  if (dir !== facesDir) {
    faces = new Map();
    facesDir = dir;
  }
  let m = faces.get(face);
  if (!m) {
    m = { font: faceFont(face), widths: new Map() };
    faces.set(face, m);
  }
  return m;
}

/** Advance width of one character at 1 pt, and whether the face has a glyph for it. */
function charWidth(m: FaceMetrics, cp: number): number {
  let w = m.widths.get(cp);
  if (w === undefined) {
    const glyph = m.font.glyphForCodePoint(cp);
    w = glyph.id === 0 ? -1 : glyph.advanceWidth / m.font.unitsPerEm;
    m.widths.set(cp, w);
  }
  return w;
}

export function hasGlyph(role: FontRole, bold: boolean, char: string): boolean {
  const cp = char.codePointAt(0);
  if (cp === undefined || cp < 0x20 || char === '\n') return true;
  return charWidth(metrics(faceFor(role, bold)), cp) >= 0;
}

export function textWidth(text: string, role: FontRole, bold: boolean, size: number): number {
  const m = metrics(faceFor(role, bold));
  let w = 0;
  for (const ch of text) {
    const cw = charWidth(m, ch.codePointAt(0) ?? 32);
    w += cw < 0 ? 1 : cw;
  }
  return w * size;
}

/** Closing punctuation may not start a line; opening may not end one (simple 禁则). */
const noLineStart = new Set([...'，。、；：？！）》」』】〕”’%,.;:?!)]}…—·']);
const noLineEnd = new Set([...'（《「『【〔“‘([{']);
/** Latin words and numbers stay together (`28000公里` breaks only before 公). */
const unit = /[A-Za-z0-9.,%+\-/]+|[^A-Za-z0-9.,%+\-/]/g;

/**
 * Breaks text into lines no wider than `width` points: anywhere between CJK characters, never
 * inside a number or Latin word unless it alone is too wide.
 */
export function wrapText(text: string, width: number, role: FontRole, bold: boolean, size: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    const tokens = paragraph.match(unit) ?? [];
    let line = '';
    let lineWidth = 0;
    for (const token of tokens) {
      const tw = textWidth(token, role, bold, size);
      if (line !== '' && lineWidth + tw > width + 0.01 && !noLineStart.has(token) && !noLineEnd.has(line.slice(-1))) {
        lines.push(line.replace(/\s+$/, ''));
        line = '';
        lineWidth = 0;
      }
      if (line === '' && tw > width && token.length > 1) {
        // A number or word wider than the cell: split it by characters rather than overflow.
        for (const ch of token) {
          const cw = textWidth(ch, role, bold, size);
          if (line !== '' && lineWidth + cw > width + 0.01) {
            lines.push(line);
            line = '';
            lineWidth = 0;
          }
          line += ch;
          lineWidth += cw;
        }
        continue;
      }
      if (line === '' && /^\s+$/.test(token)) continue;
      line += token;
      lineWidth += tw;
    }
    lines.push(line.replace(/\s+$/, ''));
  }
  return lines;
}

/** Line height as a multiple of the font size; shared by the layout's row heights and the PDF. */
export const LINE_HEIGHT = 1.3;
