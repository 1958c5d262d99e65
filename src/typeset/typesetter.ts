import { readFileSync } from 'node:fs';
import type * as fontkit from 'fontkit';
import type { FontRole } from '../model/form-sheet.js';
import { defaultFontDir, faceFor, facePath, type FaceName } from './faces.js';
import { parseFont } from './fontkit-shared.js';
import { wrapText } from './wrap.js';

interface FaceMetrics {
  font: fontkit.Font;
  /** advance per code point at 1 pt; -1 where the face has no glyph */
  widths: Map<number, number>;
}

/**
 * Fonts, glyph lookup, measuring and line breaking for one font folder: a value handed to the
 * layout (to decide lines and row heights) and to the PDF renderer (to embed the same faces), so
 * both use the same measurements. Bytes and parses are made once, when a face is first used.
 */
export class Typesetter {
  private readonly bytes = new Map<FaceName, Buffer>();
  private readonly metrics = new Map<FaceName, FaceMetrics>();

  constructor(readonly fontDir: string = defaultFontDir) {}

  faceBytes(face: FaceName): Buffer {
    let b = this.bytes.get(face);
    if (!b) {
      b = readFileSync(facePath(this.fontDir, face));
      this.bytes.set(face, b);
    }
    return b;
  }

  private face(role: FontRole, bold: boolean): FaceMetrics {
    const name = faceFor(role, bold);
    let m = this.metrics.get(name);
    if (!m) {
      m = { font: parseFont(this.faceBytes(name)) as fontkit.Font, widths: new Map() };
      this.metrics.set(name, m);
    }
    return m;
  }

  /** Advance width of one code point at 1 pt, -1 when the face has no glyph for it. */
  private advance(m: FaceMetrics, cp: number): number {
    let w = m.widths.get(cp);
    if (w === undefined) {
      const glyph = m.font.glyphForCodePoint(cp);
      w = glyph.id === 0 ? -1 : glyph.advanceWidth / m.font.unitsPerEm;
      m.widths.set(cp, w);
    }
    return w;
  }

  hasGlyph(role: FontRole, bold: boolean, char: string): boolean {
    const cp = char.codePointAt(0);
    if (cp === undefined || cp < 0x20 || char === '\n') return true;
    return this.advance(this.face(role, bold), cp) >= 0;
  }

  /** Width in points; a character without a glyph counts one em (the box it prints as). */
  textWidth(text: string, role: FontRole, bold: boolean, size: number): number {
    const m = this.face(role, bold);
    let w = 0;
    for (const ch of text) {
      const cw = this.advance(m, ch.codePointAt(0) ?? 32);
      w += cw < 0 ? 1 : cw;
    }
    return w * size;
  }

  /** Lines of `text` no wider than `width` points at this font and size. */
  wrap(text: string, width: number, role: FontRole, bold: boolean, size: number): string[] {
    return wrapText(text, width, (s) => this.textWidth(s, role, bold, size));
  }
}

const byDir = new Map<string, Typesetter>();

/** One typesetter per font folder and thread, so faces are read and parsed once. */
export function typesetterFor(fontDir: string = defaultFontDir): Typesetter {
  let t = byDir.get(fontDir);
  if (!t) {
    t = new Typesetter(fontDir);
    byDir.set(fontDir, t);
  }
  return t;
}
