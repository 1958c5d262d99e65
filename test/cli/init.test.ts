import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Manifest, type ManifestForm } from '../../src/model/manifest.js';
import { runCli } from '../helpers/cli.js';
import { pdfPages } from '../helpers/pdf.js';
import { hasSoffice } from '../helpers/print-check.js';
import { fillNingxia, TEMPLATE } from '../helpers/template.js';
import { loadWorkbook, partElements } from '../helpers/xlsx.js';

const tempDir = (prefix: string) => mkdtemp(join(tmpdir(), prefix));

/** The formula text of every cell that has one, by address, as the template's sheet part stores it. */
async function formulas(xlsx: Buffer): Promise<Map<string, string>> {
  const { readAllEntries } = await import('../../src/zip/zip-file.js');
  const sheet = readAllEntries(xlsx, 1e8)?.find((e) => e.name === 'xl/worksheets/sheet1.xml');
  const found = new Map<string, string>();
  for (const m of (sheet?.data.toString('utf8') ?? '').matchAll(/<c r="([A-Z]+\d+)"[^>]*><f>([^<]*)<\/f><\/c>/g))
    found.set(
      m[1] ?? '',
      (m[2] ?? '')
        .replace(/&quot;/g, '"')
        .replace(/&gt;/g, '>')
        .replace(/&lt;/g, '<')
        .replace(/&amp;/g, '&'),
    );
  return found;
}

async function buildOne(path: string): Promise<{ form: ManifestForm | undefined; out: string; code: number }> {
  const out = await tempDir('ziping-init-out-');
  const run = await runCli(['build', path, '--out', out, '--json']);
  return { form: Manifest.parse(JSON.parse(run.out)).forms[0], out, code: run.code };
}

describe('ziping init', () => {
  it('keeps the template out of the archive: a build of the whole folder files the sample and says the template is blank', async () => {
    const dir = await tempDir('ziping-init-all-');
    expect((await runCli(['init', dir])).code).toBe(0);
    const out = await tempDir('ziping-init-all-out-');
    const run = await runCli(['build', dir, '--out', out]);
    expect(run.code).toBe(0);
    expect(run.out).toContain('INGEST_FORM_BLANK');
    expect(run.out).toContain('项目支出绩效自评表-空白模板.xlsx');
    const manifest = Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
    expect(manifest.forms.map((f) => [f.source.split('/').slice(-2).join('/'), f.projectName, f.year])).toEqual([['示例/2021-机构编制管理事务经费.xlsx', '机构编制管理事务经费', 2021]]);
    const top = await readdir(out);
    expect(top).toContain('2021');
    expect(top).not.toContain('未知年度');
    // check says the same and counts nothing for the template
    const checked = await runCli(['check', join(dir, '模板')]);
    expect(checked.code).toBe(0);
    expect(checked.out).toContain('INGEST_FORM_BLANK');
    expect(checked.out).toContain('共 0 份');
  });

  it('the template computes 执行率, its 得分 and the 总分 row with formulas, recalculated on opening', async () => {
    const dir = await tempDir('ziping-init-f-');
    await runCli(['init', dir]);
    const xlsx = await readFile(join(dir, TEMPLATE));
    const f = await formulas(xlsx);
    expect(Object.fromEntries(f)).toEqual({ G7: 'IF(D7>0,E7/D7,"")', H7: 'H30', G30: 'SUM(G14:G29)', H30: 'SUM(H14:H29)' });
    expect(await partElements(xlsx, 'xl/workbook.xml', 'calcPr')).toEqual([expect.objectContaining({ fullCalcOnLoad: '1' })]);
    // national: the rate's 10 points count in the total, and its 得分 cell shows the rate score.
    const national = await tempDir('ziping-init-n-');
    await runCli(['init', national, '--profile', 'national']);
    const n = await formulas(await readFile(join(national, TEMPLATE)));
    expect([...n.values()]).toEqual(
      expect.arrayContaining([expect.stringMatching(/^IF\(I7="","",ROUND\(MIN\(I7,1\)\*H7,2\)\)$/), expect.stringMatching(/^SUM\(H\d+:H\d+,H7\)$/), expect.stringMatching(/^SUM\(I\d+:I\d+,K7\)$/)]),
    );
  });

  it('a filled template whose 年度 cell holds a bare 2021 reads as 2021 and prints the official year line; its formulas are worked out', async () => {
    const dir = await tempDir('ziping-init-y-');
    await runCli(['init', dir]);
    const path = join(dir, TEMPLATE);
    for (const year of [2021, '2021']) {
      const wb = await loadWorkbook(path);
      const ws = wb.worksheets[0];
      if (!ws) throw new Error('no sheet');
      fillNingxia(ws, year);
      const filled = join(dir, `filled-${typeof year}.xlsx`);
      await wb.xlsx.writeFile(filled);
      const { form, out, code } = await buildOne(filled);
      expect(code).toBe(0);
      expect(form).toMatchObject({ status: 'ok', year: 2021, projectName: '乡村道路养护', totalWeight: 100, filledTotal: 98, computedTotal: 100 });
      expect(form?.funds?.executionRate).toBeCloseTo(0.9, 9);
      expect(form?.findings.filter((x) => x.code === 'INGEST_YEAR_MISSING')).toEqual([]);
      // exceljs saves formulas without results, as scripts do: ziping works them out and says so.
      expect(form?.findings.filter((x) => x.code === 'INGEST_FORMULA_EVALUATED').map((x) => x.cell)).toEqual(expect.arrayContaining(['自评表!G7', '自评表!H30']));
      expect(form?.findings.filter((x) => x.code === 'FUNDS_RATE_MISMATCH' || x.code === 'TOTAL_MISMATCH')).toEqual([]);
      expect(form?.outputs?.pdf).toBe('2021/某县交通运输局/乡村道路养护.pdf');
      expect(pdfPages(await readFile(join(out, form?.outputs?.pdf ?? '')))[0]).toContain('(2021年度)');
    }
  });

  it.skipIf(!hasSoffice())(
    'a template filled in and saved by a spreadsheet program (LibreOffice) carries the formulas’ results, which ziping reads as they are',
    async () => {
      const dir = await tempDir('ziping-init-lo-');
      await runCli(['init', dir]);
      const wb = await loadWorkbook(join(dir, TEMPLATE));
      const ws = wb.worksheets[0];
      if (!ws) throw new Error('no sheet');
      fillNingxia(ws, 2021);
      await wb.xlsx.writeFile(join(dir, 'filled.xlsx'));
      // Opened and saved again by LibreOffice: it calculates the formulas and stores their results.
      const saved = join(dir, 'saved');
      await mkdir(saved);
      execFileSync('soffice', ['--headless', '--norestore', `-env:UserInstallation=file://${join(dir, 'lo-profile')}`, '--convert-to', 'xlsx', '--outdir', saved, join(dir, 'filled.xlsx')], {
        stdio: 'ignore',
        timeout: 120_000,
      });
      const { form, code } = await buildOne(join(saved, 'filled.xlsx'));
      expect(code).toBe(0);
      expect(form).toMatchObject({ year: 2021, filledTotal: 98, computedTotal: 100, totalWeight: 100 });
      expect(form?.funds?.executionRate).toBeCloseTo(0.9, 9);
      expect(form?.findings.filter((x) => x.code.startsWith('INGEST_FORMULA'))).toEqual([]);
    },
    150_000,
  );
});
