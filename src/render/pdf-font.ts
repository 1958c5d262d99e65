import { createHash } from 'node:crypto';
import type * as fontkit from 'fontkit';
import type { FaceName } from '../typeset/faces.js';
import type { DrawnGlyph, Typesetter } from '../typeset/typesetter.js';
import { Literal, name, type PdfFile, type Ref } from './pdf-objects.js';

interface Subset {
  glyphs: number[];
  includeGlyph(id: number): number;
  encode(): Uint8Array;
}

/** A CID or UTF-16 unit as four hex digits. */
export const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

/** Font descriptor flags (PDF 32000-1 table 123; the spec numbers the bits from 1). */
const FLAG = { fixedPitch: 1 << 0, serif: 1 << 1, symbolic: 1 << 2, italic: 1 << 6 } as const;

/** A code point in UTF-16 hex, as a ToUnicode CMap maps to it (a surrogate pair above U+FFFF). */
function utf16(cp: number): string {
  if (cp <= 0xffff) return hex4(cp);
  const v = cp - 0x10000;
  return hex4(0xd800 | (v >>> 10)) + hex4(0xdc00 | (v & 0x3ff));
}

/**
 * One face as a PDF embeds it (PDF 32000-1 §9.7, §9.10): a Type0 font over a CIDFontType0 whose
 * program is the CFF subset of the glyphs the document shows, numbered from 0 (.notdef) in the
 * order they first appear; their widths (/W) and the text each stands for (a ToUnicode CMap, so
 * the PDF's text can be searched and copied).
 *
 * The subset's tag (the six letters before `+`) comes from its content — face and glyph ids — so
 * a PDF that merges forms (合并打印.pdf, or an office's own merge) never has two different glyph
 * sets under one name (§9.6.4), and the same form gives the same bytes on every build.
 *
 * The font program is stored without deflate: CFF charstrings barely compress (the seed's serif
 * subset, 68 KB, deflates to 55 KB; a bench form's 35 KB to 29 KB) and deflating them cost a tenth
 * of the PDF's time.
 */
export class EmbeddedFace {
  /** the font dictionary's reference, known before the glyphs are: pages point to it as they are drawn */
  readonly ref: Ref;
  private readonly font: fontkit.Font;
  private readonly subset: Subset;
  private readonly widths: number[];
  private readonly text: number[][] = [[0]];
  private readonly scale: number;

  constructor(
    file: PdfFile,
    readonly face: FaceName,
    /** the resource name pages use (`F1`) */
    readonly resource: string,
    typeset: Typesetter,
  ) {
    this.ref = file.ref();
    this.font = typeset.font(face);
    // fontkit's subset starts with glyph 0 (.notdef).
    this.subset = (this.font as unknown as { createSubset(): Subset }).createSubset();
    this.scale = 1000 / typeset.unitsPerEm(face);
    this.widths = [typeset.glyphAdvance(face, 0) * this.scale];
  }

  /** The glyph's number in this subset (what the page content shows), recording its width and text. */
  cid(glyph: DrawnGlyph): number {
    const cid = this.subset.includeGlyph(glyph.id);
    this.widths[cid] ??= glyph.advance * this.scale;
    this.text[cid] ??= glyph.codePoints;
    return cid;
  }

  private tag(): string {
    const digest = createHash('sha256')
      .update(`${this.font.postscriptName}\n${this.subset.glyphs.join(',')}`)
      .digest();
    return [...digest.subarray(0, 6)].map((b) => String.fromCharCode(65 + (b % 26))).join('');
  }

  /** The font's objects, once every page is drawn. */
  embed(file: PdfFile): void {
    const f = this.font;
    const baseFont = name(`${this.tag()}+${f.postscriptName.replace(/ /g, '_')}`);
    const program = file.stream({ Subtype: name('CIDFontType0C') }, this.subset.encode(), { deflate: false });
    // Symbolic: the glyphs are reached by CID, not a standard encoding. Serif for the serif faces
    // (Noto Serif CJK leaves sFamilyClass at 0, so the font itself does not say). §9.8.2.
    let flags = FLAG.symbolic;
    if (this.face === 'serif' || this.face === 'serifHeavy') flags |= FLAG.serif;
    if ((f as unknown as { post: { isFixedPitch: number } }).post.isFixedPitch) flags |= FLAG.fixedPitch;
    if ((f as unknown as { head: { macStyle: { italic: boolean } } }).head.macStyle.italic) flags |= FLAG.italic;
    const { bbox } = f;
    const descriptor = file.add({
      Type: name('FontDescriptor'),
      FontName: baseFont,
      Flags: flags,
      FontBBox: [bbox.minX * this.scale, bbox.minY * this.scale, bbox.maxX * this.scale, bbox.maxY * this.scale],
      ItalicAngle: f.italicAngle,
      Ascent: f.ascent * this.scale,
      Descent: f.descent * this.scale,
      CapHeight: (f.capHeight || f.ascent) * this.scale,
      XHeight: (f.xHeight || 0) * this.scale,
      StemV: 0,
      FontFile3: program,
    });
    const cidFont = file.add({
      Type: name('Font'),
      Subtype: name('CIDFontType0'),
      BaseFont: baseFont,
      // Byte strings, not text strings: exactly the letters (§9.7.3).
      CIDSystemInfo: { Registry: new Literal('(Adobe)'), Ordering: new Literal('(Identity)'), Supplement: 0 },
      FontDescriptor: descriptor,
      W: [0, this.widths],
    });
    file.set(this.ref, {
      Type: name('Font'),
      Subtype: name('Type0'),
      BaseFont: baseFont,
      Encoding: name('Identity-H'),
      DescendantFonts: [cidFont],
      ToUnicode: file.stream({}, this.toUnicode(), { deflate: true }),
    });
  }

  /**
   * Each glyph's text (§9.10.3), as bfchar entries in blocks of at most 100 — the form every reader
   * takes (Ghostscript 10's interpreter misreads bfrange entries with arrays). .notdef maps to
   * nothing: a character no font has copies as nothing, not as U+0000.
   */
  private toUnicode(): string {
    const entries = this.text.flatMap((cps, cid) => (cid === 0 ? [] : [`<${hex4(cid)}> <${cps.map(utf16).join('')}>`]));
    const blocks: string[] = [];
    for (let start = 0; start < entries.length; start += 100) {
      const block = entries.slice(start, start + 100);
      blocks.push(`${block.length} beginbfchar`, ...block, 'endbfchar');
    }
    return [
      '/CIDInit /ProcSet findresource begin',
      '12 dict begin',
      'begincmap',
      '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
      '/CMapName /Adobe-Identity-UCS def',
      '/CMapType 2 def',
      '1 begincodespacerange',
      '<0000> <ffff>',
      'endcodespacerange',
      ...blocks,
      'endcmap',
      'CMapName currentdict /CMap defineresource pop',
      'end',
      'end',
    ].join('\n');
  }
}

/** A PDF date string for a fixed date (§7.9.4). */
export function pdfDate(date: Date): Literal {
  const p = (n: number): string => String(n).padStart(2, '0');
  return new Literal(`(D:${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z)`);
}
