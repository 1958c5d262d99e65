import PDFDocument from 'pdfkit';
import { A4, PAD_X, PAD_Y, cellWidth, columnX, type FormSheet } from '../model/form-sheet.js';
import type { FaceName } from '../typeset/faces.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { FIXED_DATE } from '../zip/fixed-date.js';
import { cellParts, type CellPart } from './pdf-parts.js';
import { pageFooter, FOOTER_FROM_BOTTOM, FOOTER_SIZE } from './page-footer.js';
import type { RenderContext } from './registry.js';
import { GlyphWriter } from './pdf-text.js';
import { embedFontsPlainAndTagged } from './embed-fonts.js';

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
    let lx = s.align === 'center' ? x + (width - w) / 2 : s.align === 'right' ? x + width - PAD_X - w : x + PAD_X;
    // The line's slot is the faces' ascent + descent; pdfkit places the baseline one ascent below the y it is given.
    const ly = top + i * cell.leading;
    for (const run of typeset.runs(line, s.font, s.bold)) {
      text.show(run.face, s.size, lx, ly, run.text);
      lx += typeset.textWidth(run.text, s.font, s.bold, s.size);
    }
  });
}

/**
 * A part shown only in a repeated header row, of a cell that reaches below the header, is a
 * frame: its text is printed where the cell is, as a spreadsheet prints its title rows.
 */
function textShown(sheet: FormSheet, part: CellPart): boolean {
  if (!part.repeated || !sheet.repeatRows) return true;
  return part.cell.row + part.cell.rowSpan - 1 <= sheet.repeatRows.last;
}

/**
 * FormSheet → PDF, drawn with pdfkit: every border a rectangle, every line of text where the
 * layout put it (no second layout pass), a page number under each page, the faces embedded as
 * subsets named by their content.
 */
export async function renderPdf(sheet: FormSheet, { typeset }: RenderContext): Promise<Uint8Array> {
  const doc = new PDFDocument({
    size: [A4.width, A4.height],
    margin: 0,
    autoFirstPage: false,
    compress: true,
    // No default face: pdfkit would otherwise load Helvetica's metrics for every document, which
    // no form prints (every run is drawn in an embedded CJK face).
    font: null as unknown as string,
    info: { Title: sheet.title, Author: 'ziping', Creator: 'ziping', Producer: 'ziping', CreationDate: FIXED_DATE, ModDate: FIXED_DATE },
  });
  const used = new Set<FaceName>();
  const face = (name: FaceName): void => {
    if (used.has(name)) return;
    used.add(name);
    doc.registerFont(name, typeset.font(name) as unknown as PDFKit.Mixins.PDFFontSource);
  };
  for (const cell of sheet.cells) for (const run of typeset.runs(cell.text, cell.style.font, cell.style.bold)) face(run.face);
  face('serif');
  embedFontsPlainAndTagged(doc);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  const partsByPage = cellParts(sheet);
  const text = new GlyphWriter(doc, typeset);
  partsByPage.forEach((parts, index) => {
    doc.addPage({ size: [A4.width, A4.height], margin: 0 });
    doc.lineWidth(BORDER).strokeColor('#000000');
    for (const part of parts) {
      if (!part.cell.style.border) continue;
      doc.rect(columnX(sheet, part.cell.col), part.y, cellWidth(sheet, part.cell.col, part.cell.colSpan), part.height).stroke();
    }
    doc.fillColor('#000000');
    for (const part of parts) if (part.cell.text !== '' && textShown(sheet, part)) drawText(text, sheet, part, typeset);
    const footer = pageFooter(index + 1, partsByPage.length);
    const fw = typeset.textWidth(footer, 'song', false, FOOTER_SIZE);
    text.show('serif', FOOTER_SIZE, (A4.width - fw) / 2, A4.height - FOOTER_FROM_BOTTOM - FOOTER_SIZE * typeset.lineHeight('song', false), footer);
    text.flushPage();
  });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
