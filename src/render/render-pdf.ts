import type { Finding } from '../model/finding.js';
import { A4, type FormSheet, type SheetCell } from '../model/form-sheet.js';
import { finding } from '../model/messages.js';
import { hasGlyph, LINE_HEIGHT, textWidth, wrapText } from '../layout/measure.js';
import { cellWidth } from '../layout/row-heights.js';
import { PAD_X, PAD_Y } from '../layout/styles.js';
import { FIXED_DATE } from '../zip/workbook-bytes.js';
import { cellParts, paginate } from './paginate.js';
import { pdfmakeWithFonts } from './pdf-fonts.js';


export interface PdfResult {
  buffer: Buffer;
  pages: number;
  findings: Finding[];
  /** time spent drawing, wherever it ran */
  ms: number;
}

type Node = Record<string, unknown>;

function columnX(sheet: FormSheet, col: number): number {
  return sheet.page.margins.left + cellWidth(sheet, 1, col - 1);
}

/** Characters the embedded face cannot draw, reported once per cell with the cell they came from. */
function glyphFindings(sheet: FormSheet, file: string): Finding[] {
  const out: Finding[] = [];
  for (const cell of sheet.cells) {
    const missing = new Set<string>();
    for (const ch of cell.text) if (!/\s/.test(ch) && !hasGlyph(cell.style.font, cell.style.bold, ch)) missing.add(ch);
    if (missing.size === 0) continue;
    const chars = [...missing].map((c) => `“${c}”(U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`).join('、');
    out.push(finding('RENDER_GLYPH_MISSING', { file, cell: cell.source }, { chars }));
  }
  return out;
}

/** Text lines of one cell part, placed by the cell's alignment inside its padding. */
function textNodes(sheet: FormSheet, cell: SheetCell, y: number, height: number): Node[] {
  const s = cell.style;
  const x = columnX(sheet, cell.col);
  const width = cellWidth(sheet, cell.col, cell.colSpan);
  const inner = width - 2 * PAD_X;
  const lines = s.wrap ? wrapText(cell.text, inner, s.font, s.bold, s.size) : [cell.text];
  const slot = s.size * LINE_HEIGHT;
  const blockHeight = lines.length * slot;
  let top = y + PAD_Y;
  if (s.valign === 'middle') top = y + (height - blockHeight) / 2;
  else if (s.valign === 'bottom') top = y + height - PAD_Y - blockHeight;
  // The glyph box (one em) sits in the middle of its line slot.
  const lead = (slot - s.size) / 2;
  return lines
    .map((line, i) => {
      if (line === '') return null;
      const w = textWidth(line, s.font, s.bold, s.size);
      const lx = s.align === 'center' ? x + (width - w) / 2 : s.align === 'right' ? x + width - PAD_X - w : x + PAD_X;
      // noWrap: the line is already broken; without it pdfmake splits CJK text into one inline per character.
      return { text: line, font: s.font, bold: s.bold, fontSize: s.size, lineHeight: 1, noWrap: true, absolutePosition: { x: lx, y: top + i * slot + lead } };
    })
    .filter((n): n is NonNullable<typeof n> => n !== null);
}

/**
 * FormSheet → PDF with pdfmake. The grid is drawn by absolute positions rather than pdfmake
 * tables: pdfmake's row spans across page breaks misplace vertically centred text, and here a
 * merged 一级/二级 cell that crosses a page is simply drawn on both pages, text repeated.
 */
export async function renderPdf(sheet: FormSheet, file = ''): Promise<PdfResult> {
  const started = performance.now();
  const pdfmake = pdfmakeWithFonts();
  const pages = paginate(sheet);
  const parts = cellParts(sheet, pages);
  const content: Node[] = [];
  parts.forEach((pageParts, index) => {
    if (index > 0) content.push({ text: '', pageBreak: 'before' });
    const rects: Node[] = [];
    const texts: Node[] = [];
    for (const part of pageParts) {
      const cell = part.cell;
      const x = columnX(sheet, cell.col);
      const w = cellWidth(sheet, cell.col, cell.colSpan);
      if (cell.style.border) rects.push({ type: 'rect', x, y: part.y, w, h: part.height, lineWidth: 0.6, lineColor: '#000000' });
      if (cell.text !== '') texts.push(...textNodes(sheet, cell, part.y, part.height));
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
  const buffer = await pdfmake.createPdf(doc).getBuffer();
  const findings = glyphFindings(sheet, file);
  return { buffer, pages: pages.length, findings, ms: performance.now() - started };
}
