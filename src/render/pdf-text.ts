import type { FaceName } from '../typeset/faces.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { EmbeddedFace, hex4 } from './pdf-font.js';
import { pdfNumber, type PdfFile } from './pdf-objects.js';

/**
 * Text drawn glyph by glyph from the layout's lines: the glyphs come from the typesetter's cmap
 * lookup, already measured, and go straight into the page content as positioned runs. Each face
 * is embedded once per document, with the glyphs its pages used.
 */
export class GlyphWriter {
  private readonly faces = new Map<FaceName, { face: EmbeddedFace; resource: string }>();
  private ops: string[] = [];
  /** the faces the current page uses, by resource name */
  private pageFaces = new Map<string, EmbeddedFace>();

  constructor(
    private readonly file: PdfFile,
    private readonly typeset: Typesetter,
    private readonly pageHeight: number,
  ) {}

  /** The face and the resource name pages use for it (`F1`). */
  private face(name: FaceName): { face: EmbeddedFace; resource: string } {
    let f = this.faces.get(name);
    if (!f) {
      f = { face: new EmbeddedFace(this.file, name, this.typeset), resource: `F${this.faces.size + 1}` };
      this.faces.set(name, f);
    }
    return f;
  }

  /** One run of text in one face on a baseline `baseline` points below the page's top. */
  show(name: FaceName, size: number, x: number, baseline: number, text: string): void {
    const { face, resource } = this.face(name);
    this.pageFaces.set(resource, face);
    let hex = '';
    for (const g of this.typeset.glyphs(name, text)) hex += hex4(face.cid(g));
    const y = this.pageHeight - baseline;
    this.ops.push(`/${resource} ${pdfNumber(size)} Tf 1 0 0 1 ${pdfNumber(x)} ${pdfNumber(y)} Tm <${hex}> Tj`);
  }

  /** The page's text as one text object, and the fonts it uses; ready for the next page. */
  takePage(): { content: string; fonts: Map<string, EmbeddedFace> } {
    const page = { content: this.ops.length ? `BT\n${this.ops.join('\n')}\nET\n` : '', fonts: this.pageFaces };
    this.ops = [];
    this.pageFaces = new Map();
    return page;
  }

  /** Every face's objects, once all pages are drawn. */
  embedFaces(): void {
    for (const f of this.faces.values()) f.face.embed(this.file);
  }
}
