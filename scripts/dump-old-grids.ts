/**
 * One-off: the grids the exceljs ingest path produced for every fixture workbook, saved as JSON so
 * the streaming reader that replaces it can be compared against them after the old path is gone.
 * Run once with `npx tsx scripts/dump-old-grids.ts` before deleting src/ingest/repair-merges.ts.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { gridFromWorksheet, type Grid } from '../src/ingest/grid.js';
import { dropOverlappingMerges } from '../src/ingest/repair-merges.js';
import { checkLimits } from '../src/ingest/zip-guard.js';
import { writeZip } from '../src/zip/zip-file.js';

const root = join(import.meta.dirname, '..');
const files = [
  'data/2021-机构编制管理事务经费.xlsx',
  ...['anhui-2022', 'anhui-tianchang-2022', 'hebei-2019', 'no-form', 'seed-messy', 'seed-multi', 'seed-offset', 'sichuan-zhongjiang-2022', 'yunnan-lijiang-2020'].map((n) => `test/fixtures/xlsx/${n}.xlsx`),
  ...['2021-机构编制管理事务经费', 'central-2019-template', 'seed-messy'].map((n) => `test/fixtures/xlsx/lo/${n}.xlsx`),
];

// The same options and repair the old ingest-file.ts used.
const loadOptions = {
  ignoreNodes: ['dataValidations', 'pageSetup', 'printOptions', 'headerFooter', 'sheetViews', 'sheetPr', 'pageMargins', 'conditionalFormatting', 'drawing', 'picture', 'autoFilter', 'extLst', 'rowBreaks', 'tableParts', 'sheetProtection', 'dimension', 'sheetFormatPr', 'cols'],
} as unknown as Parameters<ExcelJS.Xlsx['load']>[1];

async function oldGrids(buffer: Buffer): Promise<Grid[]> {
  const { hit, parts } = checkLimits(buffer);
  if (hit) throw new Error(`limit ${hit.limit}`);
  const input = parts ? writeZip(parts, false) : buffer;
  let workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(input as unknown as ArrayBuffer, loadOptions);
  } catch (error) {
    if (!(error instanceof Error && /already merged/.test(error.message))) throw error;
    workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await dropOverlappingMerges(input)) as unknown as ArrayBuffer, loadOptions);
  }
  return workbook.worksheets.map((ws) => gridFromWorksheet(ws));
}

/** Maps as sorted entry lists, so the JSON is stable and diffs read well. */
export function gridJson(grid: Grid): unknown {
  const order = (a: string, b: string): number => {
    const [ar = 0, ac = 0] = a.split(':').map(Number);
    const [br = 0, bc = 0] = b.split(':').map(Number);
    return ar - br || ac - bc;
  };
  const sorted = <T>(m: Map<string, T>): Array<[string, T]> => [...m.entries()].sort(([a], [b]) => order(a, b));
  return { sheet: grid.sheet, rowCount: grid.rowCount, colCount: grid.colCount, cells: sorted(grid.cells), masters: sorted(grid.masters), spans: sorted(grid.spans) };
}

for (const file of files) {
  const grids = await oldGrids(await readFile(join(root, file)));
  const name = file.replace(/^.*xlsx\/(lo\/)?/, (_m, lo: string | undefined) => (lo ? 'lo-' : '')).replace(/^data\//, '').replace(/\.xlsx$/, '.json');
  await writeFile(join(root, 'test/fixtures/grids', name), `${JSON.stringify({ file, sheets: grids.map(gridJson) }, (_k, v: unknown) => (v === undefined ? null : v), 1)}\n`);
  console.log(`${name}: ${grids.length} sheets, ${grids.reduce((n, g) => n + g.cells.size, 0)} cells`);
}
