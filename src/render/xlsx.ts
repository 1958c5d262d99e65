import type ExcelJS from 'exceljs';
import type { FontRole, FormSheet, SheetCell } from '../model/form-sheet.js';
import { newWorkbook, workbookBytes } from '../zip/workbook-bytes.js';
import { cellAddress } from '../model/cell-address.js';
import { FOOTER_FROM_BOTTOM, SPREADSHEET_FOOTER } from './page-footer.js';
import { validationRanges } from './validation-ranges.js';

/** Font names as Chinese Office and WPS know them. */
const fontNames: Record<FontRole, string> = { song: '宋体', hei: '黑体', title: '方正小标宋简体' };

const thin: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF000000' } };
const inputFill: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };

/**
 * Points → the column width the file stores, by the OOXML rule: characters of the Normal font's
 * widest digit (Calibri 11: 7 px at 96 dpi), the 5 px of padding already inside. Excel, WPS and
 * LibreOffice then draw the column `points` wide — the layout's widths are whole pixels, so no
 * program rounds them differently — and the grid prints exactly as the PDF's.
 */
export function excelWidth(points: number): number {
  const px = Math.round((points * 96) / 72);
  return Math.round((px / 7) * 256) / 256;
}

const inches = (points: number): number => Math.round((points / 72) * 100) / 100;

function styleCell(target: ExcelJS.Cell, cell: SheetCell): void {
  const s = cell.style;
  target.font = { name: fontNames[s.font], size: s.size, bold: s.bold, charset: 134 };
  target.alignment = { horizontal: s.align, vertical: s.valign === 'middle' ? 'middle' : s.valign, wrapText: s.wrap };
  if (s.border) target.border = { top: thin, left: thin, bottom: thin, right: thin };
  if (s.input) target.fill = inputFill;
  if (cell.numFmt) target.numFmt = cell.numFmt;
}

/** Writes one FormSheet into a worksheet of `workbook`. */
function addSheet(workbook: ExcelJS.Workbook, sheet: FormSheet): ExcelJS.Worksheet {
  const m = sheet.page.margins;
  const ws = workbook.addWorksheet(sheet.name, {
    views: [{ showGridLines: false }],
    // Printed at 100 %, never fitted: a spreadsheet ignores manual page breaks when it fits to a page.
    pageSetup: {
      paperSize: 9,
      orientation: sheet.page.orientation,
      scale: 100,
      fitToPage: false,
      horizontalCentered: true,
      margins: { left: inches(m.left), right: inches(m.right), top: inches(m.top), bottom: inches(m.bottom), header: 0.3, footer: FOOTER_FROM_BOTTOM / 72 },
      ...(sheet.repeatRows ? { printTitlesRow: `${sheet.repeatRows.first}:${sheet.repeatRows.last}` } : {}),
    },
    headerFooter: { oddFooter: SPREADSHEET_FOOTER },
  });
  ws.columns = sheet.columns.map((w) => ({ width: excelWidth(w) }));
  sheet.rows.forEach((h, i) => {
    ws.getRow(i + 1).height = h;
  });
  for (const cell of sheet.cells) {
    const target = ws.getCell(cell.row, cell.col);
    // Text, errors included (#REF!, #N/A for a value that cannot be known): a string wraps in a
    // narrow column where an error value would print as ###, and reads back as the same error.
    target.value = cell.number !== undefined ? cell.number : cell.text;
    // Every cell of a merged range carries the style, or Excel draws the border only on the first.
    for (let r = cell.row; r < cell.row + cell.rowSpan; r++) {
      for (let c = cell.col; c < cell.col + cell.colSpan; c++) styleCell(ws.getCell(r, c), cell);
    }
    if (cell.rowSpan > 1 || cell.colSpan > 1) ws.mergeCells(cell.row, cell.col, cell.row + cell.rowSpan - 1, cell.col + cell.colSpan - 1);
  }
  for (const r of validationRanges(sheet.cells)) {
    const v = r.validation;
    const address = r.top === r.bottom && r.left === r.right ? cellAddress(r.top, r.left) : `${cellAddress(r.top, r.left)}:${cellAddress(r.bottom, r.right)}`;
    (ws as unknown as { dataValidations: { add(address: string, v: ExcelJS.DataValidation): void } }).dataValidations.add(address, {
      type: v.kind,
      operator: 'between',
      allowBlank: true,
      formulae: [v.min, v.max],
      showInputMessage: true,
      promptTitle: '填写提示',
      prompt: v.prompt,
      showErrorMessage: true,
      errorTitle: '输入有误',
      error: `${v.prompt}(${v.min}～${v.max})`,
    });
  }
  // The pages break where the PDF's do: after the last row of every page but the last.
  for (const page of sheet.pages.slice(0, -1)) {
    const last = page.rows.filter((r) => !r.repeated).at(-1);
    if (last) ws.getRow(last.row).addPageBreak();
  }
  return ws;
}

/** FormSheet → .xlsx bytes. Fixed document properties keep two builds byte-identical. */
export async function renderXlsx(sheet: FormSheet): Promise<Buffer> {
  const workbook = newWorkbook();
  addSheet(workbook, sheet);
  return workbookBytes(workbook);
}
