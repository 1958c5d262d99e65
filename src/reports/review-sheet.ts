import type ExcelJS from 'exceljs';
import { visibleLine, visibleText } from '../model/display-text.js';
import { isProblem, severityText, type Finding, type Severity } from '../model/finding.js';
import { cellLabel, compareCells, findingParts } from '../model/finding-parts.js';
import type { ManifestForm } from '../model/manifest.js';
import { newWorkbook, workbookBytes } from '../zip/workbook-bytes.js';
import { textUnits } from './year-summary.js';

/** What the office sends back to its units: the columns, in this order, widths in characters of 宋体 11. */
export const REVIEW_COLUMNS = [
  { header: '项目名称', width: 26 },
  { header: '实施单位', width: 22 },
  { header: '工作表', width: 10 },
  { header: '单元格', width: 8 },
  { header: '级别', width: 7 },
  { header: '代码', width: 31 },
  { header: '问题', width: 60 },
  { header: '怎么改', width: 44 },
] as const;

const font: Partial<ExcelJS.Font> = { name: '宋体', size: 11, charset: 134 };
const thin: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF808080' } };
const border: Partial<ExcelJS.Borders> = { top: thin, left: thin, bottom: thin, right: thin };
/** 级别 reads in words; errors also in bold dark red, which stays dark in grey print. */
const severityFont: Record<Severity, Partial<ExcelJS.Font>> = {
  error: { ...font, bold: true, color: { argb: 'FFB00020' } },
  warning: { ...font, color: { argb: 'FF7A4F00' } },
  info: font,
};

const collator = new Intl.Collator('zh-CN', { numeric: true });

/**
 * A row tall enough for its longest wrapped cell: Excel and LibreOffice keep the default height
 * for a row written without one. Generous (16 pt a line, a character short of the width), as
 * 宋体's stand-ins in LibreOffice and WPS set text a little wider and looser.
 */
function rowHeight(row: ExcelJS.Row): number {
  let lines = 1;
  row.eachCell((cell, c) => {
    const width = REVIEW_COLUMNS[c - 1]?.width ?? 10;
    if (typeof cell.value === 'string') for (const part of cell.value.split('\n')) lines = Math.max(lines, Math.ceil(textUnits(part) / (width - 2)));
  });
  return Math.max(18, lines * 16 + 4);
}

export interface ReviewRow {
  form: ManifestForm;
  finding: Finding;
}

/** Every finding of the forms with something to correct (their 提示 too, for context), by project (Chinese order, then source) and then by cell in reading order (H9 before H10). */
export function reviewRows(forms: ManifestForm[]): ReviewRow[] {
  const sorted = [...forms].sort(
    (a, b) => collator.compare(a.projectName ?? '', b.projectName ?? '') || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) || collator.compare(a.sheet ?? '', b.sheet ?? ''),
  );
  return sorted.flatMap((form) =>
    (form.findings.some(isProblem) ? form.findings : [])
      .map((finding, order) => ({ finding, order }))
      .sort((a, b) => compareCells(a.finding.cell, b.finding.cell) || a.order - b.order)
      .map(({ finding }) => ({ form, finding })),
  );
}

/**
 * `<主管部门>/复核意见.xlsx`: one row per finding of the department's forms (项目名称, 实施单位, 工作表,
 * 单元格, 级别, 代码, 问题, 怎么改), filters on, header frozen and printed on every page, A4
 * landscape fitted to the page width. The same findings give the same bytes.
 */
export async function renderReviewSheet(department: string, forms: ManifestForm[]): Promise<Buffer> {
  const wb = newWorkbook();
  const ws = wb.addWorksheet('复核意见', {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:1',
      margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddHeader: `&C&"宋体"&11${visibleLine(department).replace(/&/g, '&&')} 复核意见`, oddFooter: '&C&"宋体"&9第 &P 页，共 &N 页' },
  });
  ws.columns = REVIEW_COLUMNS.map((c) => ({ width: c.width }));
  ws.addRow(REVIEW_COLUMNS.map((c) => c.header));
  const rows = reviewRows(forms);
  for (const { form, finding } of rows) {
    const { text, advice } = findingParts(finding);
    const row = ws.addRow([
      visibleLine(form.projectName || '未填写项目名称'),
      visibleLine(form.implementingUnit || ''),
      visibleLine(finding.sheet ?? form.sheet ?? ''),
      visibleLine(cellLabel(finding.cell)),
      severityText[finding.severity],
      finding.code,
      visibleText(text),
      visibleText(advice),
    ]);
    row.eachCell({ includeEmpty: true }, (cell, c) => {
      cell.font = c === 5 ? severityFont[finding.severity] : font;
      cell.border = border;
      cell.alignment = { vertical: 'top', wrapText: c === 1 || c === 2 || c >= 7, horizontal: c >= 3 && c <= 5 ? 'center' : undefined };
    });
    row.height = rowHeight(row);
  }
  const header = ws.getRow(1);
  header.height = 22;
  header.eachCell((cell) => {
    cell.font = { ...font, bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } };
    cell.border = border;
    cell.alignment = { horizontal: 'center', vertical: 'middle' };
  });
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: rows.length + 1, column: REVIEW_COLUMNS.length } };
  return workbookBytes(wb);
}
