import ExcelJS from 'exceljs';

export async function loadWorkbook(data: Buffer | string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  if (typeof data === 'string') await wb.xlsx.readFile(data);
  else await wb.xlsx.load(data as unknown as ArrayBuffer);
  return wb;
}

export function merges(ws: ExcelJS.Worksheet): string[] {
  return [...ws.model.merges].sort();
}
