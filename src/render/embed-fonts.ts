import { createHash } from 'node:crypto';
import type PDFDocument from 'pdfkit';

/**
 * Two changes to how pdfkit embeds a face's subset.
 *
 * The font program is stored without deflate: CFF charstrings barely compress (a seed-sized
 * form's 35 KB serif subset deflates to 29 KB) and deflating them was ~1 ms of a form's ~14 ms.
 * Page content and the ToUnicode maps, which do compress, still are.
 *
 * pdfkit names every embedded subset after the font's resource number (`CZZZZZ+NotoSerifCJKsc-
 * Regular` in every file), so a PDF that merges several forms holds different glyph sets under
 * one name, which PDF 32000-1 §9.6.4 forbids. The tag is made here from the subset's content
 * (font name and glyph ids, in order): the same glyph set gets the same tag on every build, a
 * different one another tag.
 *
 * pdfkit has no option for it: its EmbeddedFont.embed derives the six letters from characters
 * 1–6 of the font's id (each + 17). The id is lent for the call: afterwards the font keeps its
 * own, which the page resources already use.
 */
interface EmbeddedLike {
  id: string;
  document: { ref: (...args: unknown[]) => { compress: boolean } };
  font: { postscriptName?: string };
  subset: { glyphs: number[] };
  embed(): void;
}

const patched = new WeakSet<object>();

function tagFor(font: EmbeddedLike): string {
  const digest = createHash('sha256')
    .update(`${font.font.postscriptName ?? ''}\n${font.subset.glyphs.join(',')}`)
    .digest();
  return [...digest.subarray(0, 6)].map((b) => String.fromCharCode(65 + (b % 26))).join('');
}

/** Makes every font the document embeds name its subset by content and store its program undeflated. Call after registering the fonts. */
export function embedFontsPlainAndTagged(doc: InstanceType<typeof PDFDocument>): void {
  const original = doc.font.bind(doc);
  // pdfkit creates the font object on first use; its class is patched once, through that object.
  (doc as unknown as { font: (...args: unknown[]) => unknown }).font = (...args: unknown[]) => {
    const result = (original as (...a: unknown[]) => unknown)(...args);
    const font = (doc as unknown as { _font?: EmbeddedLike })._font;
    if (font) {
      const proto = Object.getPrototypeOf(font) as EmbeddedLike;
      if (!patched.has(proto)) {
        patched.add(proto);
        const embed = proto.embed;
        proto.embed = function (this: EmbeddedLike): void {
          if (!this.subset?.glyphs) return embed.call(this);
          const own = this.id;
          this.id = `X${[...tagFor(this)].map((c) => String.fromCharCode(c.charCodeAt(0) - 17)).join('')}`;
          // The first object embed() makes is the font program (pdfkit 0.20, EmbeddedFont.embed).
          const doc = this.document;
          const ref = doc.ref;
          doc.ref = function (...args: unknown[]) {
            doc.ref = ref;
            const program = ref.apply(this, args);
            program.compress = false;
            return program;
          };
          try {
            embed.call(this);
          } finally {
            this.id = own;
            doc.ref = ref;
          }
        };
      }
    }
    return result;
  };
}
