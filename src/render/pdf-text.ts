import type PDFDocument from 'pdfkit';
import type { FaceName } from '../typeset/faces.js';
import type { Typesetter } from '../typeset/typesetter.js';

type Doc = InstanceType<typeof PDFDocument>;

/**
 * The parts of pdfkit's embedded font this writer fills in: the subset it keeps the glyphs in,
 * their widths and text (for the W array and the ToUnicode map it writes at the end), its
 * resource name and ascent. pdfkit fills the same fields when it lays text out itself.
 */
interface EmbeddedFont {
  id: string;
  ascender: number;
  scale: number;
  subset: { includeGlyph(id: number): number };
  widths: number[];
  unicode: number[][];
  ref(): unknown;
}

/** Numbers as pdfkit writes them (to a millionth), so the content is what its own text call would write. */
const num = (n: number): string => String(Math.round(n * 1e6) / 1e6);

/**
 * Text drawn glyph by glyph from the layout's lines: pdfkit's text call shapes every string
 * through fontkit and measures it again (two thirds of a form's PDF time); the glyphs come here
 * from the typesetter's cmap lookup, already measured, and go straight into the page content.
 * pdfkit still embeds and subsets the faces and writes the widths and ToUnicode maps.
 */
export class GlyphWriter {
  private readonly fonts = new Map<FaceName, EmbeddedFont>();
  private ops: string[] = [];

  constructor(
    private readonly doc: Doc,
    private readonly typeset: Typesetter,
  ) {}

  private font(face: FaceName): EmbeddedFont {
    let f = this.fonts.get(face);
    if (!f) {
      this.doc.font(face);
      f = (this.doc as unknown as { _font: EmbeddedFont })._font;
      this.fonts.set(face, f);
    }
    return f;
  }

  /** One run of text in one face, its top at `top` (points from the page's top), as pdfkit's `text(x, top)` places it. */
  show(face: FaceName, size: number, x: number, top: number, text: string): void {
    const font = this.font(face);
    const page = (this.doc as unknown as { page: { height: number; fonts: Record<string, unknown> } }).page;
    page.fonts[font.id] ??= font.ref();
    let hex = '';
    for (const g of this.typeset.glyphs(face, text)) {
      const gid = font.subset.includeGlyph(g.id);
      font.widths[gid] ??= g.advance * font.scale;
      font.unicode[gid] ??= g.codePoints;
      hex += gid.toString(16).padStart(4, '0');
    }
    const y = page.height - top - (font.ascender / 1000) * size;
    this.ops.push(`/${font.id} ${num(size)} Tf`, `1 0 0 1 ${num(x)} ${num(y)} Tm`, `<${hex}> Tj`);
  }

  /** Writes the page's text in one text object, in PDF's own orientation. */
  flushPage(): void {
    if (this.ops.length === 0) return;
    const height = (this.doc as unknown as { page: { height: number } }).page.height;
    this.doc.addContent(`q 1 0 0 -1 0 ${num(height)} cm BT`);
    for (const op of this.ops) this.doc.addContent(op);
    this.doc.addContent('ET Q');
    this.ops = [];
  }
}
