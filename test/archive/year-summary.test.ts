import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/archive/build.js';
import { renderYearSummary } from '../../src/reports/year-summary.js';
import type { ManifestForm } from '../../src/model/manifest.js';
import { forced, root, typeset } from '../helpers/pipeline.js';

let out = '';
let forms: ManifestForm[] = [];

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'ziping-year-summary-'));
  const inputs = [join(root, 'data'), join(root, 'test', 'fixtures', 'xlsx')];
  ({
    manifest: { forms },
  } = await build(inputs, { out, profile: forced('national'), mode: 'auto', typeset }));
});

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

async function load(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  return wb;
}

/** A cell's number whether written as a value or as a formula with its cached result. */
function numberOf(cell: ExcelJS.Cell): number | null {
  const v = cell.value;
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'result' in v && typeof v.result === 'number') return v.result;
  return null;
}

function hyperlinkOf(cell: ExcelJS.Cell): string {
  const v = cell.value;
  return v && typeof v === 'object' && 'hyperlink' in v ? v.hyperlink : '';
}

const sum = (xs: (number | null | undefined)[]): number => xs.reduce<number>((a, x) => a + (x ?? 0), 0);

describe('renderYearSummary (汇总表.xlsx)', () => {
  it('has one row per project of the year, the manifest numbers, totals, filter and working links', async () => {
    // 2022 mixes a blank 主管部门, a zero budget (no rate) and a duplicate name with a -2 suffix.
    for (const year of [2021, 2022]) {
      const ok = forms.filter((f) => f.year === year && f.status === 'ok');
      expect(ok.length).toBeGreaterThan(1);
      const wb = await load(await renderYearSummary({ year: String(year), forms: forms.filter((f) => f.year === year) }));
      const ws = wb.getWorksheet('汇总表');
      if (!ws) throw new Error('no sheet 汇总表');
      expect(ws.getRow(1).getCell(1).value).toBe('主管部门');
      expect(ws.getRow(1).getCell(10).value).toBe('本次总分');
      expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
      expect(ws.getRow(2).getCell(1).font?.name).toBe('宋体');
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(ws.autoFilter).toBeTruthy();
      expect(ws.rowCount).toBe(ok.length + 2);

      const seen = new Set<string>();
      for (let r = 2; r <= ok.length + 1; r++) {
        const row = ws.getRow(r);
        const pdf = hyperlinkOf(row.getCell(14));
        // The row is found by its PDF: names repeat across fixtures, outputs never do.
        const form = ok.find((f) => f.outputs?.pdf === `${year}/${pdf}`);
        if (!form) throw new Error(`row ${r} links to ${pdf}, which is no form of ${year}`);
        seen.add(pdf);
        expect(row.getCell(1).value).toBe(form.department ?? '');
        expect(row.getCell(3).value).toBe(form.projectName);
        expect(numberOf(row.getCell(4))).toBe(form.funds?.fullYearBudget ?? null);
        expect(numberOf(row.getCell(5))).toBe(form.funds?.executed ?? null);
        expect(numberOf(row.getCell(6))).toBe(form.funds?.executionRate ?? null);
        expect(row.getCell(6).numFmt).toBe('0.00%');
        expect(numberOf(row.getCell(7))).toBe(form.totalWeight);
        expect(numberOf(row.getCell(8))).toBe(form.filledTotal);
        expect(numberOf(row.getCell(9))).toBe(form.computedTotal);
        expect(numberOf(row.getCell(10))).toBe(form.total);
        expect(row.getCell(11).value).toBe(form.grade);
        expect(numberOf(row.getCell(12))).toBe(form.findings.filter((f) => f.severity === 'error').length);
        expect(numberOf(row.getCell(13))).toBe(form.findings.filter((f) => f.severity === 'warning').length);
        // Links are relative to out/<年度>/, where 汇总表.xlsx is written.
        expect(existsSync(join(out, String(year), pdf))).toBe(true);
        expect(existsSync(join(out, String(year), hyperlinkOf(row.getCell(15))))).toBe(true);
        expect(hyperlinkOf(row.getCell(15))).toMatch(/\.xlsx$/);
      }
      expect(seen.size).toBe(ok.length);

      const totals = ws.getRow(ok.length + 2);
      expect(totals.getCell(1).value).toBe('合计');
      expect(numberOf(totals.getCell(3))).toBe(ok.length);
      const budget = sum(ok.map((f) => f.funds?.fullYearBudget));
      const executed = sum(ok.map((f) => f.funds?.executed));
      expect(numberOf(totals.getCell(4))).toBeCloseTo(budget, 6);
      expect(numberOf(totals.getCell(5))).toBeCloseTo(executed, 6);
      if (budget === 0) expect(numberOf(totals.getCell(6))).toBeNull();
      else expect(numberOf(totals.getCell(6))).toBeCloseTo(executed / budget, 9);
      expect(numberOf(totals.getCell(10))).toBeCloseTo(sum(ok.map((f) => f.total)) / ok.length, 6);
      expect(numberOf(totals.getCell(12))).toBe(sum(ok.map((f) => f.findings.filter((x) => x.severity === 'error').length)));
    }
  });

  it('puts files that could not be read on the sheet 未能处理', async () => {
    const failed = forms.filter((f) => f.status === 'error');
    expect(failed.length).toBeGreaterThan(0);
    const wb = await load(await renderYearSummary({ year: '未知年度', forms: failed }));
    const ws = wb.getWorksheet('未能处理');
    if (!ws) throw new Error('no sheet 未能处理');
    expect(ws.rowCount).toBe(failed.length + 1);
    const first = failed[0];
    const row = [...Array(failed.length).keys()].map((i) => ws.getRow(i + 2)).find((r) => r.getCell(1).value === first?.source);
    expect(row?.getCell(4).value).toBe(first?.findings[0]?.message);
    // No projects: the table is empty and the totals say so rather than failing.
    const projects = wb.getWorksheet('汇总表');
    if (!projects) throw new Error('no sheet 汇总表');
    expect(projects.getRow(2).getCell(1).value).toBe('合计');
    expect(numberOf(projects.getRow(2).getCell(3))).toBe(0);
  });

  it('gives the same bytes for the same forms, whatever their order', async () => {
    const year = forms.filter((f) => f.year === 2021);
    const a = await renderYearSummary({ year: '2021', forms: year });
    const b = await renderYearSummary({ year: '2021', forms: [...year].reverse() });
    expect(a.equals(b)).toBe(true);
  });
});
