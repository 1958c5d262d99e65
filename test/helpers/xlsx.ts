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

/**
 * A merged range as the printed form holds it: one range per page it runs over (a single cell
 * left on a page is no range). `pages` are the layout's, by the rows each page shows.
 */
export function splitAtPages(range: string, pages: Array<{ rows: Array<{ row: number; repeated: boolean }> }>): string[] {
  const pageOf = new Map<number, number>();
  pages.forEach((page, i) => page.rows.filter((r) => !r.repeated).forEach((r) => pageOf.set(r.row, i)));
  const m = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(range);
  if (!m) return [range];
  const [, c0, r0, c1, r1] = m as unknown as [string, string, string, string, string];
  const out: string[] = [];
  let start = Number(r0);
  for (let r = start + 1; r <= Number(r1) + 1; r++) {
    if (r > Number(r1) || pageOf.get(r) !== pageOf.get(r - 1)) {
      if (!(c0 === c1 && start === r - 1)) out.push(`${c0}${start}:${c1}${r - 1}`);
      start = r;
    }
  }
  return out;
}

/** Attributes of every element named `name` in one part of an .xlsx (read with saxes, as the reader does). */
export async function partElements(xlsx: Buffer, part: string, name: string): Promise<Array<Record<string, string>>> {
  const { readAllEntries } = await import('../../src/zip/zip-file.js');
  const { SaxesParser } = await import('saxes');
  const entry = readAllEntries(xlsx, 100 * 1024 * 1024)?.find((e) => e.name === part);
  if (!entry) throw new Error(`no part ${part}`);
  const found: Array<Record<string, string>> = [];
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => {
    if (tag.name === name) found.push(Object.fromEntries(Object.entries(tag.attributes).map(([k, v]) => [k, String(v)])));
  });
  parser.write(entry.data.toString('utf8')).close();
  return found;
}
