import { join } from 'node:path';
import type ExcelJS from 'exceljs';
import { runCli } from './cli.js';
import { loadWorkbook } from './xlsx.js';

/** Where `ziping init DIR` puts the blank template. */
export const TEMPLATE = join('模板', '项目支出绩效自评表-空白模板.xlsx');

/**
 * The ningxia template filled in as a unit would (rows of the layout: funds total row 7,
 * indicator lines 14–29, 总分 row 30). With `costScore` 20 every score agrees with the rules.
 */
export function fillNingxia(ws: ExcelJS.Worksheet, year: ExcelJS.CellValue, options: { name?: string; department?: string; unit?: string; costScore?: number; executed?: number } = {}): void {
  ws.getCell('A3').value = year;
  ws.getCell('C4').value = options.name ?? '乡村道路养护';
  ws.getCell('C5').value = options.department ?? '某县交通运输局';
  ws.getCell('F5').value = options.unit ?? '某县公路段';
  ws.getCell('C7').value = 50;
  ws.getCell('D7').value = 60;
  ws.getCell('E7').value = options.executed ?? 54;
  const lines: Array<[number, string, string, string, number, number]> = [
    [14, '养护里程', '≥120公里', '126公里', 30, 30],
    [19, '完成时间', '2022年11月30日前', '2022年11月20日', 20, 20],
    [21, '养护成本', '≤60万元', '54', 20, options.costScore ?? 18],
    [28, '群众满意度', '≥90%', '93%', 30, 30],
  ];
  for (const [row, name, target, actual, weight, score] of lines) {
    ws.getCell(`D${row}`).value = name;
    ws.getCell(`E${row}`).value = target;
    ws.getCell(`F${row}`).value = actual;
    ws.getCell(`G${row}`).value = weight;
    ws.getCell(`H${row}`).value = score;
  }
}

/** A filled copy of a fresh template, written to `path`. */
export async function filledTemplate(dir: string, path: string, year: ExcelJS.CellValue, options: Parameters<typeof fillNingxia>[2] = {}): Promise<void> {
  await runCli(['init', dir, '--quiet']);
  const wb = await loadWorkbook(join(dir, TEMPLATE));
  const ws = wb.worksheets[0];
  if (!ws) throw new Error('template has no sheet');
  fillNingxia(ws, year, options);
  await wb.xlsx.writeFile(path);
}
