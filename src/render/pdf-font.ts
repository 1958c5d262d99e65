import { createHash } from 'node:crypto';
import { faceFiles, type FaceName } from '../typeset/faces.js';
import type { DrawnGlyph, Typesetter } from '../typeset/typesetter.js';
import { CffFont, tableDirectory } from './cff-font.js';
import { subsetCff } from './cff-subset.js';
import { Literal, name, type PdfFile, type PdfValue, type Ref } from './pdf-objects.js';

/** A CID or UTF-16 unit as four hex digits. */
export const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

/** Font descriptor flags (PDF 32000-1 table 123; the spec numbers the bits from 1). */
const FLAG = { fixedPitch: 1 << 0, serif: 1 << 1, symbolic: 1 << 2, italic: 1 << 6 } as const;

/** The width a CIDFont gives glyphs its /W does not list (§9.7.4.3): every Han character's. */
const DEFAULT_WIDTH = 1000;

/** A code point in UTF-16 hex, as a ToUnicode CMap maps to it (a surrogate pair above U+FFFF). */
function utf16(cp: number): string {
  if (cp <= 0xffff) return hex4(cp);
  const v = cp - 0x10000;
  return hex4(0xd800 | (v >>> 10)) + hex4(0xdc00 | (v & 0x3ff));
}

/** A face's CFF table, and what tells this font file from another of the same name. */
export interface SourceFace {
  face: FaceName;
  cff: CffFont;
  /** the PostScript name, as BaseFont writes it (after the subset tag) */
  baseName: string;
  /** the file's checksum (head.checkSumAdjustment, over every byte) and length */
  identity: string;
}

const sources = new WeakMap<Uint8Array, SourceFace>();

/** The face's CFF table, read once per thread (the typesetter keeps each face's bytes). */
export function sourceFace(typeset: Typesetter, face: FaceName): SourceFace {
  const bytes = typeset.faceBytes(face);
  let source = sources.get(bytes);
  if (!source) {
    const tables = tableDirectory(bytes);
    const cff = tables.get('CFF ');
    const head = tables.get('head');
    const refuse = (why: string): Error => new Error(`字体文件 ${faceFiles[face]} ${why}，无法嵌入 PDF。请换用思源/Noto CJK 等 CID 字体(.otf)。`);
    if (!cff || !head) throw refuse('不是 CFF 字形的 OpenType 字体');
    let table: CffFont;
    try {
      table = new CffFont(bytes.subarray(cff.offset, cff.offset + cff.length));
    } catch (error) {
      throw refuse(`的 CFF 字形表无法读取(${error instanceof Error ? error.message : String(error)})`);
    }
    const checksum = new DataView(bytes.buffer, bytes.byteOffset + head.offset + 8, 4).getUint32(0);
    source = {
      face,
      cff: table,
      baseName: typeset.font(face).postscriptName.replace(/ /g, '_'),
      identity: `${checksum.toString(16)}-${bytes.length}`,
    };
    sources.set(bytes, source);
  }
  return source;
}

/**
 * The six letters before `+` (§9.6.4), from the font file and the CIDs a subset keeps: a PDF that
 * merges forms (合并打印.pdf, or an office's own merge) never has two different glyph sets under
 * one name, and the same glyphs give the same bytes on every build. The combined PDF recomputes
 * it to know a form's subset is one of this very font file's (see reports/combined-pdf.ts).
 */
export function subsetTag(source: SourceFace, cids: readonly number[]): string {
  const digest = createHash('sha256')
    .update(`ziping-cid\n${source.identity}\n${source.baseName}\n${cids.join(',')}`)
    .digest();
  return [...digest.subarray(0, 6)].map((b) => String.fromCharCode(65 + (b % 26))).join('');
}

/**
 * One face as a PDF embeds it (PDF 32000-1 §9.7, §9.10): a Type0 font over a CIDFontType0 whose
 * program is the CFF subset of the glyphs the document shows; their widths (/W, the Han
 * characters' left to /DW) and the text each stands for (a ToUnicode CMap, so the PDF's text can
 * be searched and copied).
 *
 * Pages show each glyph by its CID in the whole font, not by a number of this subset: a page's
 * content does not depend on which other glyphs the document holds, so a combined PDF copies the
 * forms' pages as they are and embeds one subset per face for all of them (cff-subset.ts).
 *
 * The font program is stored without deflate: CFF charstrings barely compress (the seed's serif
 * subset, 69 KB, deflates to 56 KB) and deflating them cost about 2 ms of CPU a form, 7 % of a
 * 100-form build's (measured in-process, three runs each way).
 */
export class EmbeddedFace {
  /** the font dictionary's reference, known before the glyphs are: pages point to it as they are drawn */
  readonly ref: Ref;
  private readonly source: SourceFace;
  /** glyph id and text of each CID shown, .notdef (CID 0) always */
  private readonly glyphs = new Map<number, { gid: number; text: number[] }>([[0, { gid: 0, text: [] }]]);

  constructor(
    file: PdfFile,
    readonly face: FaceName,
    private readonly typeset: Typesetter,
  ) {
    this.ref = file.ref();
    this.source = sourceFace(typeset, face);
  }

  /** The glyph's CID (what the page content shows), recording its text. */
  cid(glyph: DrawnGlyph): number {
    const cid = this.source.cff.cids[glyph.id] ?? 0;
    if (!this.glyphs.has(cid)) this.glyphs.set(cid, { gid: glyph.id, text: glyph.codePoints });
    return cid;
  }

  /** A CID some page shows, and its text (a form's page copied into a combined PDF); the font must have it. */
  include(cid: number, text: number[]): void {
    if (this.glyphs.has(cid)) return;
    const gid = this.source.cff.gidOf(cid);
    if (gid === undefined) throw new Error(`${this.source.baseName}: no CID ${cid}`);
    this.glyphs.set(cid, { gid, text });
  }

  /** The font's objects, once every page is drawn. */
  embed(file: PdfFile): void {
    const f = this.typeset.font(this.face);
    const scale = 1000 / this.typeset.unitsPerEm(this.face);
    const cids = [...this.glyphs.keys()].sort((a, b) => a - b);
    const baseFont = name(`${subsetTag(this.source, cids)}+${this.source.baseName}`);
    const program = subsetCff(
      this.source.cff,
      cids.map((c) => this.glyphs.get(c)?.gid ?? 0),
    );
    const stream = file.stream({ Subtype: name('CIDFontType0C') }, program, { deflate: false });
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
      FontBBox: [bbox.minX * scale, bbox.minY * scale, bbox.maxX * scale, bbox.maxY * scale],
      ItalicAngle: f.italicAngle,
      Ascent: f.ascent * scale,
      Descent: f.descent * scale,
      CapHeight: (f.capHeight || f.ascent) * scale,
      XHeight: (f.xHeight || 0) * scale,
      StemV: 0,
      FontFile3: stream,
    });
    const cidFont = file.add({
      Type: name('Font'),
      Subtype: name('CIDFontType0'),
      BaseFont: baseFont,
      // Byte strings, not text strings: exactly the letters (§9.7.3).
      CIDSystemInfo: { Registry: new Literal('(Adobe)'), Ordering: new Literal('(Identity)'), Supplement: 0 },
      FontDescriptor: descriptor,
      DW: DEFAULT_WIDTH,
      W: this.widths(cids, scale),
    });
    file.set(this.ref, {
      Type: name('Font'),
      Subtype: name('Type0'),
      BaseFont: baseFont,
      Encoding: name('Identity-H'),
      DescendantFonts: [cidFont],
      ToUnicode: file.stream({}, this.toUnicode(cids), { deflate: true }),
    });
  }

  /** The widths other than the default, as runs of consecutive CIDs: `c [w1 w2 …]` (§9.7.4.3). */
  private widths(cids: number[], scale: number): PdfValue[] {
    const w: PdfValue[] = [];
    let run: number[] | null = null;
    let last = -2;
    for (const cid of cids) {
      const width = this.typeset.glyphAdvance(this.face, this.glyphs.get(cid)?.gid ?? 0) * scale;
      if (width === DEFAULT_WIDTH) continue;
      if (run && cid === last + 1) run.push(width);
      else w.push(cid, (run = [width]));
      last = cid;
    }
    return w;
  }

  /**
   * Each glyph's text (§9.10.3), as bfchar entries in blocks of at most 100 — the form every reader
   * takes (Ghostscript 10's interpreter misreads bfrange entries with arrays). .notdef maps to
   * nothing: a character no font has copies as nothing, not as U+0000.
   */
  private toUnicode(cids: number[]): string {
    const entries = cids.flatMap((cid) => {
      const text = this.glyphs.get(cid)?.text ?? [];
      return cid === 0 || text.length === 0 ? [] : [`<${hex4(cid)}> <${text.map(utf16).join('')}>`];
    });
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
