import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import type { FontRole } from '../model/form-sheet.js';
import { defaultFontDir, faceChain, faceNames, facePath, type FaceName } from './faces.js';
import { fitText } from './line-break.js';

/** Face files' bytes in shared memory, handed to worker threads. */
export type SharedFaces = Partial<Record<FaceName, SharedArrayBuffer>>;

interface FaceMetrics {
  font: fontkit.Font;
  /** the font's units per em, kept: fontkit's getter looks the head table up on every call */
  upem: number;
  /** advance per code point at 1 pt; -1 where the face has no glyph */
  widths: Map<number, number>;
  /** glyph id per code point, from the cmap */
  ids: Map<number, number>;
}

interface HorizontalMetrics {
  metrics: { length: number; get(index: number): { advance: number } | undefined };
}

/**
 * A glyph's advance straight from the font's hmtx table. fontkit's `glyph.advanceWidth` also
 * works out vertical metrics, and without a vmtx table (the bundled faces have none: text is
 * set horizontally) it decodes the glyph's outline to do it — most of the first form's layout time.
 */
function advanceOf(font: fontkit.Font, id: number): number {
  const { metrics } = (font as unknown as { hmtx: HorizontalMetrics }).hmtx;
  return metrics.get(Math.min(id, metrics.length - 1))?.advance ?? 0;
}

/** A glyph as drawn: its id in the face, advance in font units, and the text it stands for. */
export interface DrawnGlyph {
  id: number;
  advance: number;
  codePoints: number[];
}

/** A stretch of text drawn in one face. */
export interface Run {
  face: FaceName;
  text: string;
}

/** Text broken into lines at a size, and whether every line is within the width. */
export interface Fitted {
  size: number;
  lines: string[];
  fits: boolean;
}

/**
 * What is drawn for a text: the Chinese 破折号 (two or more U+2014) as full-width dashes U+2015,
 * which the faces' ccmp feature joins into one unbroken line — U+2014 itself is a proportional
 * dash sitting low, and the faces keep no locl to swap it. Same length, so offsets hold.
 */
export function drawnText(text: string): string {
  return text.replace(/—{2,}/g, (dashes) => '―'.repeat(dashes.length));
}

/** The smallest size a cell's text is stepped down to before its row grows or it is cut. */
export const FLOOR_SIZE = 7;
const STEP = 0.5;
/** Texts whose breaking is kept per thread before the cache starts over. */
const FIT_CACHE = 20_000;
/** How much smaller a cell may print to keep one character from standing alone on its last line. */
const ORPHAN_STEP = 1.5;

/**
 * Fonts, glyph lookup, measuring and line breaking for one font folder: a value handed to the
 * layout (to decide lines and row heights) and to the PDF renderer (to embed the same faces), so
 * both use the same measurements. A character the role's face lacks is taken from the next face
 * of its chain (serif ↔ sans); bytes and parses are made once, when a face is first used.
 */
export class Typesetter {
  private readonly bytes = new Map<FaceName, Buffer>();
  private readonly metrics = new Map<FaceName, FaceMetrics>();
  private readonly fitted = new Map<string, Fitted>();
  private readonly lineHeights = new Map<string, number>();

  /** `shared`: the faces' bytes another thread already read (sharedFaces), used instead of reading the files again. */
  constructor(
    readonly fontDir: string = defaultFontDir,
    shared?: SharedFaces,
  ) {
    for (const [face, sab] of Object.entries(shared ?? {})) this.bytes.set(face as FaceName, Buffer.from(sab));
  }

  /**
   * The fonts as a build's fingerprint and the year report's digest name them. The bundled fonts
   * ship with the tool, so its version names them wherever it is installed: an archive shared by
   * a Windows and a Linux computer, or an install that moved, does not rebuild every form. Any
   * other folder (config `fonts`) is named by its path.
   */
  get fontsIdentity(): string {
    return this.fontDir === defaultFontDir ? 'bundled' : this.fontDir;
  }

  faceBytes(face: FaceName): Buffer {
    let b = this.bytes.get(face);
    if (!b) {
      b = readFileSync(facePath(this.fontDir, face));
      this.bytes.set(face, b);
    }
    return b;
  }

  /**
   * Every face's bytes in memory all threads can read, for worker threads (each would otherwise
   * read its own 26 MB copy of the four files). A face this thread has not read yet is read
   * straight into shared memory and used here too.
   */
  sharedFaces(): SharedFaces {
    const out: SharedFaces = {};
    for (const face of faceNames) {
      const had = this.bytes.get(face);
      if (had && had.buffer instanceof SharedArrayBuffer && had.byteOffset === 0 && had.byteLength === had.buffer.byteLength) {
        out[face] = had.buffer;
        continue;
      }
      const source = had ?? readFileSync(facePath(this.fontDir, face));
      const sab = new SharedArrayBuffer(source.length);
      const view = Buffer.from(sab);
      view.set(source);
      if (!had) this.bytes.set(face, view);
      out[face] = sab;
    }
    return out;
  }

  private face(name: FaceName): FaceMetrics {
    let m = this.metrics.get(name);
    if (!m) {
      const font = fontkit.create(this.faceBytes(name)) as fontkit.Font;
      m = { font, upem: font.unitsPerEm, widths: new Map(), ids: new Map() };
      this.metrics.set(name, m);
    }
    return m;
  }

  /**
   * The parsed font of a face. The PDF renderer subsets and embeds this same parse: a fresh parse
   * per document cost ~35 ms a form for three CJK faces.
   */
  font(name: FaceName): fontkit.Font {
    return this.face(name).font;
  }

  /** Advance width of one code point at 1 pt, -1 when the face has no glyph for it. */
  private advance(name: FaceName, cp: number): number {
    const m = this.face(name);
    let w = m.widths.get(cp);
    if (w === undefined) {
      const glyph = m.font.glyphForCodePoint(cp);
      w = glyph.id === 0 ? -1 : advanceOf(m.font, glyph.id) / m.upem;
      m.widths.set(cp, w);
    }
    return w;
  }

  /** The face that draws a character in a role: the first of its chain that has it (or the first, which prints a box). */
  private faceOf(chain: readonly FaceName[], cp: number): FaceName {
    for (const name of chain) if (this.advance(name, cp) >= 0) return name;
    return chain[0] ?? 'serif';
  }

  hasGlyph(role: FontRole, bold: boolean, char: string): boolean {
    const cp = char.codePointAt(0);
    if (cp === undefined || cp < 0x20 || char === '\n') return true;
    return faceChain(role, bold).some((name) => this.advance(name, cp) >= 0);
  }

  /** Width in points; a character no face of the chain has counts one em (the box it prints as). */
  textWidth(text: string, role: FontRole, bold: boolean, size: number): number {
    const chain = faceChain(role, bold);
    let w = 0;
    for (const ch of drawnText(text)) {
      const cp = ch.codePointAt(0) ?? 32;
      const cw = this.advance(this.faceOf(chain, cp), cp);
      w += cw < 0 ? 1 : cw;
    }
    return w * size;
  }

  /**
   * The glyphs of a run in a face: straight from the cmap (no shaping: these faces keep no
   * layout feature but ccmp), except where ccmp has work — the full-width dashes of a 破折号,
   * which it joins into one glyph.
   */
  glyphs(name: FaceName, text: string): DrawnGlyph[] {
    const m = this.face(name);
    if (text.includes('―')) {
      const run = m.font.layout(text);
      return run.glyphs.map((g) => ({ id: g.id, advance: g.advanceWidth, codePoints: g.codePoints }));
    }
    const out: DrawnGlyph[] = [];
    for (const ch of text) {
      const cp = ch.codePointAt(0) ?? 32;
      let id = m.ids.get(cp);
      if (id === undefined) {
        id = m.font.glyphForCodePoint(cp).id;
        m.ids.set(cp, id);
      }
      const w = this.advance(name, cp);
      out.push({ id, advance: (w < 0 ? 1 : w) * m.upem, codePoints: [cp] });
    }
    return out;
  }

  /** A glyph's advance by its id, in font units. */
  glyphAdvance(name: FaceName, id: number): number {
    return advanceOf(this.face(name).font, id);
  }

  unitsPerEm(name: FaceName): number {
    return this.face(name).upem;
  }

  /** The line as stretches of one face each, for drawing. */
  runs(text: string, role: FontRole, bold: boolean): Run[] {
    const chain = faceChain(role, bold);
    const runs: Run[] = [];
    for (const ch of drawnText(text)) {
      const face = this.faceOf(chain, ch.codePointAt(0) ?? 32);
      const last = runs[runs.length - 1];
      if (last && last.face === face) last.text += ch;
      else runs.push({ face, text: ch });
    }
    return runs;
  }

  /** Line height of a role as a multiple of the size: the faces' own ascent + descent, as spreadsheets space lines too. */
  lineHeight(role: FontRole, bold: boolean): number {
    // Asked for every cell; fontkit answers each of these getters with a table lookup.
    const key = `${role}|${bold ? 1 : 0}`;
    let h = this.lineHeights.get(key);
    if (h === undefined) {
      h = Math.max(
        ...faceChain(role, bold).map((name) => {
          const f = this.face(name).font;
          return (f.ascent - f.descent + (f.lineGap ?? 0)) / f.unitsPerEm;
        }),
      );
      this.lineHeights.set(key, h);
    }
    return h;
  }

  /** Where the baseline sits below the top of a line slot of the given size (the face's ascent). */
  ascent(role: FontRole, bold: boolean, size: number): number {
    const f = this.face(faceChain(role, bold)[0] ?? 'serif').font;
    return (f.ascent / f.unitsPerEm) * size;
  }

  /**
   * The text in lines no wider than `width`, by the Chinese line-breaking rules, at `size` or the
   * largest size down to FLOOR_SIZE at which no unbreakable piece (a number, a Latin word) is too
   * wide. `wrap` false keeps one line while a smaller size still fits it.
   */
  fit(text: string, width: number, role: FontRole, bold: boolean, size: number, wrap: boolean): Fitted {
    const key = `${role}|${bold ? 1 : 0}|${size}|${wrap ? 1 : 0}|${width}|${text}`;
    let fitted = this.fitted.get(key);
    if (!fitted) {
      // Labels, group names and units recur on every form: each is broken once per thread.
      if (this.fitted.size >= FIT_CACHE) this.fitted.clear();
      fitted = this.fitUncached(text, width, role, bold, size, wrap);
      this.fitted.set(key, fitted);
    }
    return fitted;
  }

  private fitUncached(text: string, width: number, role: FontRole, bold: boolean, size: number, wrap: boolean): Fitted {
    // Most cells hold one short line: it is its own best breaking, with nothing to analyse.
    if (!text.includes('\n') && text === text.trim() && this.textWidth(text, role, bold, size) <= width + 1e-6) return { size, lines: [text], fits: true };
    const sizes: number[] = [];
    for (let s = size; s >= FLOOR_SIZE - 1e-9; s -= STEP) sizes.push(Math.round(s * 100) / 100);
    if (sizes.length === 0) sizes.push(size);
    const measureAt = (s: string, at: number): number => this.textWidth(s, role, bold, at);
    if (!wrap) {
      for (const s of sizes) if (text.split('\n').every((line) => measureAt(line, s) <= width + 1e-6)) return { size: s, lines: text.split('\n'), fits: true };
    }
    const fitted = fitText(text, width, sizes, measureAt);
    // A last line of one character (执行/率) reads badly: up to 1.5 pt smaller saves that line if it can.
    const last = fitted.lines[fitted.lines.length - 1] ?? '';
    if (fitted.fits && fitted.lines.length > 1 && [...last].length === 1) {
      const tighter = sizes.filter((s) => s < fitted.size && s >= fitted.size - ORPHAN_STEP - 1e-9);
      const shorter = tighter.length > 0 ? fitText(text, width, tighter, measureAt) : null;
      if (shorter && shorter.fits && shorter.lines.length < fitted.lines.length) return shorter;
    }
    return fitted;
  }
}

const byDir = new Map<string, Typesetter>();

/** One typesetter per font folder and thread, so faces are read and parsed once (or not read at all, when another thread shares them). */
export function typesetterFor(fontDir: string = defaultFontDir, shared?: SharedFaces): Typesetter {
  let t = byDir.get(fontDir);
  if (!t) {
    t = new Typesetter(fontDir, shared);
    byDir.set(fontDir, t);
  }
  return t;
}
