import { A4, LINE_HEIGHT, PAD_X, PAD_Y, cellWidth, columnX, type FormSheet, type SheetCell } from '../model/form-sheet.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { FIXED_DATE } from '../zip/workbook-bytes.js';
import { cellParts } from './pdf-parts.js';
import { pdfmakeFor } from './pdfmake-fonts.js';
import type { RenderContext } from './registry.js';

type Node = Record<string, unknown>;

/** The layout's lines of one cell part, placed by the cell's alignment inside its padding. */
function textNodes(sheet: FormSheet, cell: SheetCell, y: number, height: number, typeset: Typesetter): Node[] {
  const s = cell.style;
  const x = columnX(sheet, cell.col);
  const width = cellWidth(sheet, cell.col, cell.colSpan);
  const slot = s.size * LINE_HEIGHT;
  const blockHeight = cell.lines.length * slot;
  let top = y + PAD_Y;
  if (s.valign === 'middle') top = y + (height - blockHeight) / 2;
  else if (s.valign === 'bottom') top = y + height - PAD_Y - blockHeight;
  // The glyph box (one em) sits in the middle of its line slot.
  const lead = (slot - s.size) / 2;
  return cell.lines
    .map((line, i) => {
      if (line === '') return null;
      const w = typeset.textWidth(line, s.font, s.bold, s.size);
      const lx = s.align === 'center' ? x + (width - w) / 2 : s.align === 'right' ? x + width - PAD_X - w : x + PAD_X;
      // noWrap: the line is final; without it pdfmake would break it again and split CJK text into one inline per character.
      return { text: line, font: s.font, bold: s.bold, fontSize: s.size, lineHeight: 1, noWrap: true, absolutePosition: { x: lx, y: top + i * slot + lead } };
    })
    .filter((n): n is NonNullable<typeof n> => n !== null);
}

/**
 * FormSheet → PDF with pdfmake. The grid is drawn by absolute positions rather than pdfmake
 * tables: pdfmake's row spans across page breaks misplace vertically centred text, and here a
 * merged 一级/二级 cell that crosses a page is simply drawn on both pages, text repeated.
 */
export async function renderPdf(sheet: FormSheet, { typeset }: RenderContext): Promise<Buffer> {
  const pdfmake = pdfmakeFor(typeset);
  const content: Node[] = [];
  cellParts(sheet).forEach((pageParts, index) => {
    if (index > 0) content.push({ text: '', pageBreak: 'before' });
    const rects: Node[] = [];
    const texts: Node[] = [];
    for (const part of pageParts) {
      const cell = part.cell;
      const x = columnX(sheet, cell.col);
      const w = cellWidth(sheet, cell.col, cell.colSpan);
      if (cell.style.border) rects.push({ type: 'rect', x, y: part.y, w, h: part.height, lineWidth: 0.6, lineColor: '#000000' });
      if (cell.text !== '') texts.push(...textNodes(sheet, cell, part.y, part.height, typeset));
    }
    if (rects.length > 0) content.push({ canvas: rects, absolutePosition: { x: 0, y: 0 } });
    content.push(...texts);
  });
  const doc = {
    pageSize: { width: A4.width, height: A4.height },
    pageOrientation: sheet.page.orientation,
    pageMargins: [sheet.page.margins.left, sheet.page.margins.top, sheet.page.margins.right, sheet.page.margins.bottom],
    info: { title: sheet.title, author: 'ziping', creator: 'ziping', producer: 'ziping', creationDate: FIXED_DATE, modDate: FIXED_DATE },
    defaultStyle: { font: 'song', fontSize: 9 },
    content,
  };
  return pdfmake.createPdf(doc).getBuffer();
}
