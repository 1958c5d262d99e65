import type ExcelJS from 'exceljs';
import { visibleLine, visibleText } from '../model/display-text.js';
import { shownMessage, shownPath } from '../model/shown-path.js';
import type { ManifestForm } from '../model/manifest.js';
import { newWorkbook, workbookBytes } from '../zip/workbook-bytes.js';
import { segmentsFromYear, sortForms } from './year-index.js';

export interface YearSummaryInput {
  year: string;
  forms: ManifestForm[];
}

/** Fixed metadata: the same forms must give the same bytes, so nothing may depend on the clock. */
const font: Partial<ExcelJS.Font> = { name: '宋体', size: 11, charset: 134 };
const linkFont: Partial<ExcelJS.Font> = { ...font, color: { argb: 'FF0563C1' }, underline: true };
const thin: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF808080' } };
const border: Partial<ExcelJS.Borders> = { top: thin, left: thin, bottom: thin, right: thin };
const headerFill: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } };

const MONEY = '0.00##';
/** 等级, PDF, Excel: short labels read better centred. */
const CENTRED = new Set([11, 14, 15]);
const SCORE = '0.00';
const RATE = '0.00%';

interface Column {
  header: string;
  width: number;
  numFmt?: string;
}

/** Sheet 1, in the order of the year's index page. Widths in characters of 宋体 11. */
const columns: Column[] = [
  { header: '主管部门', width: 28 },
  { header: '实施单位', width: 28 },
  { header: '项目名称', width: 36 },
  { header: '全年预算数(万元)', width: 14, numFmt: MONEY },
  { header: '全年执行数(万元)', width: 14, numFmt: MONEY },
  { header: '执行率', width: 10, numFmt: RATE },
  { header: '分值合计', width: 9, numFmt: SCORE },
  { header: '填报总分', width: 9, numFmt: SCORE },
  { header: '复核总分', width: 9, numFmt: SCORE },
  { header: '本次总分', width: 12, numFmt: SCORE },
  { header: '等级', width: 6 },
  { header: '错误数', width: 7, numFmt: '0' },
  { header: '警告数', width: 7, numFmt: '0' },
  { header: 'PDF', width: 7 },
  { header: 'Excel', width: 7 },
];

/** Hyperlink target relative to out/<年度>/ (where 汇总表.xlsx sits), with `/` as Excel expects. */
const linkFromYear = (year: string, path: string | undefined): ExcelJS.CellHyperlinkValue | null =>
  path ? { text: path.toLowerCase().endsWith('.pdf') ? 'PDF' : 'Excel', hyperlink: segmentsFromYear(year, path).join('/') } : null;

const countOf = (f: ManifestForm, severity: string): number => f.findings.filter((x) => x.severity === severity).length;

/** Sums without float noise (0.1 + 0.2), at a precision far below what a 万元 figure carries. */
const tidy = (n: number): number => Math.round(n * 1e8) / 1e8;
const sum = (values: (number | null | undefined)[]): number => tidy(values.reduce<number>((a, v) => a + (v ?? 0), 0));

export interface YearTotals {
  projects: number;
  budget: number;
  executed: number;
  rate: number | null;
  averageTotal: number | null;
  errors: number;
  warnings: number;
}

/** The 合计 row, computed here so it is right in every reader, including those that never recalculate formulas. */
export function yearTotals(ok: ManifestForm[]): YearTotals {
  const budget = sum(ok.map((f) => f.funds?.fullYearBudget));
  const executed = sum(ok.map((f) => f.funds?.executed));
  const totals = ok.map((f) => f.total).filter((v): v is number => v !== null);
  return {
    projects: ok.length,
    budget,
    executed,
    rate: budget === 0 ? null : executed / budget,
    averageTotal: totals.length === 0 ? null : tidy(totals.reduce((a, b) => a + b, 0) / totals.length),
    errors: ok.reduce((a, f) => a + countOf(f, 'error'), 0),
    warnings: ok.reduce((a, f) => a + countOf(f, 'warning'), 0),
  };
}

function projectRow(year: string, f: ManifestForm): ExcelJS.CellValue[] {
  return [
    // Controls from cells shown as `\u202E` (as on the year page): a bidi override would reorder the row.
    visibleLine(f.department ?? ''),
    visibleLine(f.implementingUnit ?? ''),
    visibleLine(f.projectName ?? ''),
    f.funds?.fullYearBudget ?? null,
    f.funds?.executed ?? null,
    f.funds?.executionRate ?? null,
    f.totalWeight,
    f.filledTotal,
    f.computedTotal,
    f.total,
    f.grade ?? '',
    countOf(f, 'error'),
    countOf(f, 'warning'),
    linkFromYear(year, f.outputs?.pdf),
    linkFromYear(year, f.outputs?.xlsx),
  ];
}

/** Width of text in Excel column units: a Chinese character is about two digits wide. */
export const textUnits = (text: string): number => [...text].reduce((a, ch) => a + ((ch.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1.1), 0);

/**
 * Excel and LibreOffice keep the default height for rows written without one, so wrapped names
 * would overlap the next row; the height is estimated from the longest wrapped text instead.
 */
function fitHeight(row: ExcelJS.Row, widths: number[]): void {
  let lines = 1;
  row.eachCell((cell, c) => {
    const width = widths[c - 1];
    if (typeof cell.value === 'string' && width) lines = Math.max(lines, Math.ceil(textUnits(cell.value) / (width - 1)));
  });
  row.height = Math.max(15, lines * 14.5);
}

function styleHeader(ws: ExcelJS.Worksheet): void {
  const header = ws.getRow(1);
  header.height = 30;
  header.eachCell((cell) => {
    cell.font = { ...font, bold: true };
    cell.fill = headerFill;
    cell.border = border;
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  });
}

/**
 * 合计 row: SUBTOTAL formulas so a filtered table totals only what is shown, each with the value for
 * the whole year as its cached result. Text-looking labels are number formats, so the cells stay numbers.
 */
function addTotals(ws: ExcelJS.Worksheet, t: YearTotals, first: number, last: number): ExcelJS.Row {
  const f = (fn: number, col: string, result: number | null): ExcelJS.CellValue => (last < first || result === null ? result : { formula: `SUBTOTAL(${fn},${col}${first}:${col}${last})`, result });
  const row = ws.addRow([
    '合计',
    null,
    f(102, 'L', t.projects),
    f(109, 'D', t.budget),
    f(109, 'E', t.executed),
    t.rate === null ? null : { formula: `IF(D${last + 1}=0,"",E${last + 1}/D${last + 1})`, result: t.rate },
    null,
    null,
    null,
    f(101, 'J', t.averageTotal),
    null,
    f(109, 'L', t.errors),
    f(109, 'M', t.warnings),
  ]);
  row.getCell(3).numFmt = '"共 "0" 个项目"';
  row.getCell(10).numFmt = '"平均 "0.00';
  return row;
}

function projectsSheet(wb: ExcelJS.Workbook, year: string, ok: ManifestForm[]): void {
  const ws = wb.addWorksheet('汇总表', {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' },
  });
  ws.columns = columns.map((c) => ({ width: c.width }));
  ws.addRow(columns.map((c) => c.header));
  for (const form of ok) ws.addRow(projectRow(year, form));
  const totals = addTotals(ws, yearTotals(ok), 2, ok.length + 1);
  ws.eachRow((row, n) => {
    if (n === 1) return;
    row.eachCell({ includeEmpty: true }, (cell, c) => {
      const col = columns[c - 1];
      if (!col) return;
      cell.font = n === totals.number ? { ...font, bold: true } : cell.value && typeof cell.value === 'object' && 'hyperlink' in cell.value ? linkFont : font;
      cell.border = border;
      cell.alignment = { vertical: 'middle', wrapText: c <= 3, horizontal: CENTRED.has(c) ? 'center' : undefined };
      if (col.numFmt && !cell.numFmt) cell.numFmt = col.numFmt;
    });
    fitHeight(
      row,
      columns.map((c) => c.width),
    );
  });
  styleHeader(ws);
  // Only the project rows: the 合计 row stays last whatever the reader sorts or filters.
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(ok.length + 1, 1), column: columns.length } };
}

function failedSheet(wb: ExcelJS.Workbook, failed: ManifestForm[]): void {
  const ws = wb.addWorksheet('未能处理', {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' },
  });
  const widths = [40, 14, 20, 90];
  ws.columns = widths.map((width) => ({ width }));
  ws.addRow(['源文件', '工作表', '问题代码', '问题说明']);
  for (const f of failed) {
    const first = f.findings.find((x) => x.severity === 'error') ?? f.findings[0];
    ws.addRow([visibleLine(shownPath(f.source)), visibleLine(f.sheet ?? ''), first?.code ?? '', visibleText(shownMessage(first?.message ?? '未记录原因'))]);
  }
  ws.eachRow((row, n) => {
    if (n === 1) return;
    row.eachCell({ includeEmpty: true }, (cell) => {
      cell.font = font;
      cell.border = border;
      cell.alignment = { vertical: 'top', wrapText: true };
    });
    fitHeight(row, widths);
  });
  styleHeader(ws);
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(failed.length + 1, 1), column: 4 } };
}

/** out/<年度>/汇总表.xlsx: one row per project of the year plus 合计; files that failed on a second sheet (always present, maybe empty). */
export async function renderYearSummary(input: YearSummaryInput): Promise<Buffer> {
  const wb = newWorkbook();
  projectsSheet(wb, input.year, sortForms(input.forms.filter((f) => f.status === 'ok')));
  const failed = sortForms(input.forms.filter((f) => f.status === 'error'));
  failedSheet(wb, failed);
  return workbookBytes(wb);
}
