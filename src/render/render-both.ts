import type { FormSheet } from '../model/form-sheet.js';
import { renderPdf, type PdfResult } from './render-pdf.js';
import { renderXlsx } from './render-xlsx.js';

export interface Rendered {
  xlsx: Buffer;
  pdf: PdfResult;
  /** ms spent on each renderer, wherever it ran */
  xlsxMs: number;
}

/** Both renderers over one FormSheet. */
export async function renderBoth(sheet: FormSheet, file: string): Promise<Rendered> {
  const t = performance.now();
  const xlsx = await renderXlsx(sheet);
  const xlsxMs = performance.now() - t;
  return { xlsx, pdf: await renderPdf(sheet, file), xlsxMs };
}
