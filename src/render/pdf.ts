import { A4, PAD_X, PAD_Y, cellWidth, columnX, type CellStyle, type FormSheet } from '../model/form-sheet.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { cellParts, textShown, type CellPart } from './pdf-parts.js';
import { pageFooter, FOOTER_FROM_BOTTOM, FOOTER_SIZE } from './page-footer.js';
import type { RenderContext } from './registry.js';
import { documentInfo, name, PdfFile, pdfNumber, type Ref } from './pdf-objects.js';
import { GlyphWriter } from './pdf-text.js';

/** Border width of every cell, points. */
const BORDER = 0.6;

/** Draws the layout's lines of one cell part inside its padding, each run in the face that has its glyphs. */
function drawText(text: GlyphWriter, sheet: FormSheet, part: CellPart, typeset: Typesetter): void {
  const { cell, y, height } = part;
  const s = cell.style;
  const x = columnX(sheet, cell.col);
  const width = cellWidth(sheet, cell.col, cell.colSpan);
  const blockHeight = cell.lines.length * cell.leading;
  let top = y + PAD_Y;
  if (s.valign === 'middle') top = y + (height - blockHeight) / 2;
  else if (s.valign === 'bottom') top = y + height - PAD_Y - blockHeight;
  cell.lines.forEach((line, i) => {
    if (line === '') return;
    const w = typeset.textWidth(line, s.font, s.bold, s.size);
    const lx = s.align === 'center' ? x + (width - w) / 2 : s.align === 'right' ? x + width - PAD_X - w : x + PAD_X;
    // The line's slot is the faces' ascent + descent; its baseline sits one ascent (of the role's
    // first face) below the slot's top, the same for a run drawn in a fallback face.
    drawLine(text, typeset, line, s, lx, top + i * cell.leading + typeset.ascent(s.font, s.bold, s.size));
  });
}

/** One line from `x` on a baseline, each run in the face that has its glyphs. */
function drawLine(text: GlyphWriter, typeset: Typesetter, line: string, s: Pick<CellStyle, 'font' | 'bold' | 'size'>, x: number, baseline: number): void {
  let lx = x;
  for (const run of typeset.runs(line, s.font, s.bold)) {
    text.show(run.face, s.size, lx, baseline, run.text);
    lx += typeset.textWidth(run.text, s.font, s.bold, s.size);
  }
}

/**
 * FormSheet → PDF: every border a rectangle, every line of text where the layout put it (no
 * second layout pass), a page number under each page, the faces embedded as subsets named by
 * their content. Coordinates are PDF's own (origin bottom left); the layout's run from the top.
 */
export async function renderPdf(sheet: FormSheet, { typeset }: RenderContext): Promise<Uint8Array> {
  const file = new PdfFile();
  const pagesRef = file.ref();
  const text = new GlyphWriter(file, typeset, A4.height);
  const partsByPage = cellParts(sheet);
  const kids: Ref[] = [];
  partsByPage.forEach((parts, index) => {
    const lines: string[] = [`${pdfNumber(BORDER)} w 0 G 0 g`];
    for (const part of parts) {
      if (!part.cell.style.border) continue;
      const x = columnX(sheet, part.cell.col);
      lines.push(`${pdfNumber(x)} ${pdfNumber(A4.height - part.y - part.height)} ${pdfNumber(cellWidth(sheet, part.cell.col, part.cell.colSpan))} ${pdfNumber(part.height)} re S`);
    }
    for (const part of parts) if (part.cell.text !== '' && textShown(sheet, part)) drawText(text, sheet, part, typeset);
    const footer = pageFooter(index + 1, partsByPage.length);
    const fw = typeset.textWidth(footer, 'song', false, FOOTER_SIZE);
    const footerTop = A4.height - FOOTER_FROM_BOTTOM - FOOTER_SIZE * typeset.lineHeight('song', false);
    drawLine(text, typeset, footer, { font: 'song', bold: false, size: FOOTER_SIZE }, (A4.width - fw) / 2, footerTop + typeset.ascent('song', false, FOOTER_SIZE));
    const page = text.takePage();
    const content = file.stream({}, `${lines.join('\n')}\n${page.content}`, { deflate: true });
    const fonts = Object.fromEntries([...page.fonts].map(([resource, face]) => [resource, face.ref]));
    kids.push(file.add({ Type: name('Page'), Parent: pagesRef, MediaBox: [0, 0, A4.width, A4.height], Contents: content, Resources: { ProcSet: [name('PDF'), name('Text')], Font: fonts } }));
  });
  text.embedFaces();
  file.set(pagesRef, { Type: name('Pages'), Kids: kids, Count: kids.length });
  const root = file.add({ Type: name('Catalog'), Pages: pagesRef });
  return file.bytes(root, documentInfo(file, sheet.title));
}
