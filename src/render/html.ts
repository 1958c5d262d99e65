import { visibleLine, visibleText } from '../model/display-text.js';
import { severityText, worstSeverity, type Severity } from '../model/finding.js';
import { cellLabel } from '../model/finding-parts.js';
import { PAD_X, PAD_Y, annotationsByCell, cellKey, cellWidth, type Annotation, type FormSheet } from '../model/form-sheet.js';
import { template } from '../template-files.js';
import { pageFooter } from './page-footer.js';
import { cellParts, textShown } from './pdf-parts.js';
import type { RenderContext } from './registry.js';

/**
 * FormSheet → a web page of the form: the same pages, grid, merges, column widths and lines of
 * text as the PDF (sizes in points, no line breaking of its own: each line the layout decided is
 * one line here), and the sheet's annotations drawn on it — each cell a remark sits on outlined
 * and patterned by severity, with its numbers in a badge that links to the remark below, which
 * links back. Static HTML and CSS: opened from a folder (file://) it shows everything; no script.
 */

/** A shape for each severity, so a mark reads without its colour (grey print, colour blindness). */
const ICON: Record<Severity, string> = { error: '■', warning: '▲', info: '●' };

interface MarkView {
  no: number;
  severity: Severity;
  icon: string;
  /** the id the remark links back to (on the cell's first part only) */
  id: string | null;
  label: string;
}

interface CellView {
  empty: boolean;
  rowspan: number;
  colspan: number;
  /** class names from the cell's style (and its mark) */
  cls: string;
  /** inline sizes in points: the box, the font, the line spacing */
  style: string;
  lines: string[];
  marks: MarkView[];
  /** `c-H26`: the input cell the text came from, so a link can name the cell (first part only) */
  id: string | null;
}

interface PageView {
  label: string;
  width: string;
  cols: string[];
  rows: Array<{ height: string; cells: CellView[] }>;
}

interface RemarkView {
  no: number;
  id: string;
  severity: Severity;
  severityText: string;
  icon: string;
  code: string;
  cell: string;
  text: string;
  advice: string;
  /** the mark it links to, or null when no printed cell shows it */
  mark: string | null;
}

interface FormView {
  title: string;
  counts: Array<{ severity: Severity; text: string; icon: string; count: number }>;
  total: number;
  pages: PageView[];
  remarks: RemarkView[];
}

const pt = (n: number): string => `${Math.round(n * 100) / 100}pt`;

function pageView(sheet: FormSheet, parts: ReturnType<typeof cellParts>[number], index: number, count: number, byCell: Map<string, Annotation[]>, anchored: Set<string>): PageView {
  const page = sheet.pages[index];
  const placed = page?.rows ?? [];
  const columns = sheet.columns.length;
  const at = new Map<string, CellView>();
  const covered = new Set<string>();
  for (const part of parts) {
    const first = placed.findIndex((r) => Math.abs(r.y - part.y) < 0.01);
    const span = placed.filter((r) => r.y >= part.y - 0.01 && r.y < part.y + part.height - 0.01).length;
    if (first < 0 || span === 0) continue;
    const { cell } = part;
    for (let r = first; r < first + span; r++) for (let c = cell.col; c < cell.col + cell.colSpan; c++) covered.add(`${r},${c}`);
    const shown = cell.text !== '' && textShown(sheet, part);
    const key = cellKey(cell.row, cell.col);
    const remarks = byCell.get(key) ?? [];
    const marked = remarks.length > 0 && textShown(sheet, part);
    const own = marked && !anchored.has(key);
    if (own) anchored.add(key);
    const s = cell.style;
    const cls = [`f-${s.font}`, s.bold ? 'b' : '', `a-${s.align}`, `v-${s.valign}`, s.border ? 'bd' : '', marked ? `mk mk-${worstSeverity(remarks)}` : ''].filter(Boolean).join(' ');
    at.set(`${first},${cell.col}`, {
      empty: false,
      rowspan: span,
      colspan: cell.colSpan,
      cls,
      style: `height:${pt(part.height)};font-size:${pt(s.size)};line-height:${pt(cell.leading)};padding:${pt(PAD_Y)} ${pt(PAD_X)}`,
      lines: shown ? cell.lines.map(visibleLine) : [],
      marks: marked ? remarks.map((a) => ({ no: a.no, severity: a.severity, icon: ICON[a.severity], id: own ? `m${a.no}` : null, label: `第 ${a.no} 条：${severityText[a.severity]}` })) : [],
      id: own && cell.source ? `c-${cellLabel(cell.source)}` : null,
    });
  }
  const rows = placed.map((r, i) => {
    const cells: CellView[] = [];
    for (let c = 1; c <= columns; c++) {
      const cell = at.get(`${i},${c}`);
      if (cell) cells.push(cell);
      else if (!covered.has(`${i},${c}`)) cells.push({ empty: true, rowspan: 1, colspan: 1, cls: 'e', style: '', lines: [], marks: [], id: null });
    }
    return { height: pt(r.height), cells };
  });
  return { label: pageFooter(index + 1, count), width: pt(cellWidth(sheet, 1, columns)), cols: sheet.columns.map(pt), rows };
}

/** FormSheet → the review page, UTF-8. */
export async function renderHtml(sheet: FormSheet, _context?: RenderContext): Promise<Uint8Array> {
  const annotations = sheet.annotations ?? [];
  const byCell = annotationsByCell(sheet);
  const anchored = new Set<string>();
  const partsByPage = cellParts(sheet);
  const pages = partsByPage.map((parts, i) => pageView(sheet, parts, i, partsByPage.length, byCell, anchored));
  // A remark whose cell never showed (its text only in a frame) links nowhere rather than to nothing.
  const linked = new Set(pages.flatMap((p) => p.rows.flatMap((r) => r.cells.flatMap((c) => c.marks.filter((m) => m.id !== null).map((m) => m.no)))));
  const view: FormView = {
    title: visibleLine(sheet.title),
    counts: (['error', 'warning', 'info'] as const).map((severity) => ({
      severity,
      text: severityText[severity],
      icon: ICON[severity],
      count: annotations.filter((a) => a.severity === severity).length,
    })),
    total: annotations.length,
    pages,
    remarks: annotations.map((a) => ({
      no: a.no,
      id: `f${a.no}`,
      severity: a.severity,
      severityText: severityText[a.severity],
      icon: ICON[a.severity],
      code: visibleLine(a.code),
      cell: visibleLine(cellLabel(a.source)),
      text: visibleText(a.text),
      advice: visibleText(a.advice),
      mark: linked.has(a.no) ? `m${a.no}` : null,
    })),
  };
  return Buffer.from((await template<FormView>('form-view.hbs'))(view), 'utf8');
}
