import ExcelJS from 'exceljs';
import { FIXED_DATE } from './fixed-date.js';
import { readAllEntries, writeZip } from './zip-file.js';

/** A workbook whose document properties do not change from build to build. */
export function newWorkbook(): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'ziping';
  workbook.lastModifiedBy = 'ziping';
  workbook.created = FIXED_DATE;
  workbook.modified = FIXED_DATE;
  return workbook;
}

/**
 * A workbook's .xlsx bytes: exceljs writes the parts uncompressed, native zlib compresses them,
 * and every entry gets the same fixed date — so two builds of the same form are identical bytes
 * (exceljs' zip library stamps each entry with the current time).
 */
export async function workbookBytes(workbook: ExcelJS.Workbook): Promise<Buffer> {
  const stored = Buffer.from((await workbook.xlsx.writeBuffer({ zip: { compression: 'STORE' } })) as ArrayBuffer);
  const parts = readAllEntries(stored, Number.MAX_SAFE_INTEGER);
  if (!parts) throw new Error('exceljs wrote a zip that cannot be read back');
  return writeZip(parts, true);
}
