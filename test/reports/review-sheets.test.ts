import { copyFile, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isProblem } from '../../src/model/finding.js';
import { cellLabel, compareCells } from '../../src/model/finding-parts.js';
import { Manifest, type ManifestForm } from '../../src/model/manifest.js';
import { readAllEntries } from '../../src/zip/zip-file.js';
import { runCli } from '../helpers/cli.js';
import { fixture, seedPath } from '../helpers/pipeline.js';
import { filledTemplate } from '../helpers/template.js';
import { loadWorkbook } from '../helpers/xlsx.js';

const readManifest = async (out: string): Promise<Manifest> => Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
const exists = async (path: string): Promise<boolean> => (await stat(path).catch(() => null)) !== null;

/** An inbox of three departments: the sample (findings), the Hebei form (findings), and a road project that is clean or not. */
async function inbox(dir: string, roadCostScore: number): Promise<string> {
  const folder = join(dir, '收件箱');
  await mkdir(folder, { recursive: true });
  await copyFile(seedPath, join(folder, '机构编制.xlsx'));
  await copyFile(fixture('hebei-2019.xlsx'), join(folder, '河北.xlsx'));
  await filledTemplate(join(dir, 't'), join(folder, '道路.xlsx'), 2021, { costScore: roadCostScore });
  return folder;
}

describe('复核意见.xlsx and the annotated copies, per year and department', () => {
  it('one row per finding of the department (by project, then cell), filters, frozen header, A4 landscape fitted to width; notes on the forms with findings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-review-'));
    const input = await inbox(dir, 20);
    const out = join(dir, '归档');
    expect((await runCli(['build', input, '--out', out, '--quiet'])).code).toBe(0);
    const manifest = await readManifest(out);
    // Clean: nothing to correct (the road form's 提示 say only that its formulas were computed).
    const withFindings = manifest.forms.filter((f) => f.findings.some(isProblem));
    const clean = manifest.forms.filter((f) => !f.findings.some(isProblem));
    expect(withFindings.length).toBe(2);
    expect(clean.map((f) => f.projectName)).toEqual(['乡村道路养护']);

    for (const form of withFindings) {
      const folder = (form.outputs?.xlsx ?? '').replace(/\/[^/]+$/, '');
      const path = join(out, folder, '复核意见.xlsx');
      const wb = await loadWorkbook(path);
      const ws = wb.worksheets[0];
      if (!ws) throw new Error('no sheet');
      const values = (r: number): string[] =>
        Array.from({ length: 8 }, (_, i) => {
          const v = ws.getRow(r).getCell(i + 1).value;
          return v === null || v === undefined ? '' : String(v);
        });
      expect(values(1)).toEqual(['项目名称', '实施单位', '工作表', '单元格', '级别', '代码', '问题', '怎么改']);
      // Rows = the department's findings, in order of the cells as read (H9 before H10).
      const sorted = [...form.findings].sort((a, b) => compareCells(a.cell, b.cell));
      expect(ws.rowCount).toBe(sorted.length + 1);
      sorted.forEach((f, i) => {
        const row = values(i + 2);
        expect(row.slice(0, 6)).toEqual([form.projectName, form.implementingUnit, f.sheet ?? '', cellLabel(f.cell), { error: '错误', warning: '警告', info: '提示' }[f.severity], f.code]);
        // 问题 + 怎么改 are the message without its location.
        expect(f.message.endsWith(`${row[6]}${row[7]}`)).toBe(true);
        expect(row[6]).not.toContain('文件“');
      });
      expect(ws.autoFilter).toBeTruthy();
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
      const book =
        readAllEntries(await readFile(path), 1e8)
          ?.find((e) => e.name === 'xl/workbook.xml')
          ?.data.toString('utf8') ?? '';
      expect(book).toContain('_xlnm.Print_Titles');
      expect(book).toContain('$1:$1');
      // The annotated copy sits in 复核批注/ and is recorded.
      expect(form.annotated?.path).toBe(`${folder}/复核批注/${form.outputs?.xlsx.split('/').pop() ?? ''}`);
      expect(await exists(join(out, form.annotated?.path ?? 'x'))).toBe(true);
    }
    // The clean department gets neither file.
    const road = clean[0] as ManifestForm;
    const roadFolder = (road.outputs?.xlsx ?? '').replace(/\/[^/]+$/, '');
    expect(await exists(join(out, roadFolder, '复核意见.xlsx'))).toBe(false);
    expect(await exists(join(out, roadFolder, '复核批注'))).toBe(false);
    expect(road.annotated).toBeUndefined();
    // The manifest records the review files; the year index links them, the annotated copies and the form views.
    const reviews = (manifest.yearReports ?? []).flatMap((y) => y.review ?? []).map((r) => r.path);
    expect(reviews.sort()).toEqual(withFindings.map((f) => `${(f.outputs?.xlsx ?? '').replace(/\/[^/]+$/, '')}/复核意见.xlsx`).sort());
    const index = await readFile(join(out, '2021', 'index.html'), 'utf8');
    expect(index).toContain(`href="${encodeURIComponent('中国共产党宁夏回族自治区委员会机构编制委员会办公室')}/${encodeURIComponent('复核意见.xlsx')}"`);
    expect(index).toContain(`/${encodeURIComponent('复核批注')}/${encodeURIComponent('机构编制管理事务经费.xlsx')}">批注</a>`);
    expect(index).toContain(`/${encodeURIComponent('机构编制管理事务经费.html')}">机构编制管理事务经费</a>`);

    // Rebuilt elsewhere from the same inputs: the same bytes.
    const again = join(dir, '归档2');
    expect((await runCli(['build', input, '--out', again, '--quiet'])).code).toBe(0);
    for (const form of withFindings) {
      const review = `${(form.outputs?.xlsx ?? '').replace(/\/[^/]+$/, '')}/复核意见.xlsx`;
      for (const path of [review, form.annotated?.path ?? '', form.outputs?.html ?? '']) expect(await readFile(join(again, path))).toEqual(await readFile(join(out, path)));
    }
  }, 120_000);

  it('a department that becomes clean loses both files; one deleted by hand comes back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-review-clean-'));
    const input = await inbox(dir, 18);
    const out = join(dir, '归档');
    expect((await runCli(['build', input, '--out', out, '--quiet'])).code).toBe(0);
    const road = (await readManifest(out)).forms.find((f) => f.projectName === '乡村道路养护');
    if (!road?.annotated) throw new Error('the road form with a wrong score has no annotated copy');
    const folder = (road.outputs?.xlsx ?? '').replace(/\/[^/]+$/, '');
    const review = join(out, folder, '复核意见.xlsx');
    const wb = await loadWorkbook(review);
    expect(wb.worksheets[0]?.rowCount).toBe(road.findings.length + 1);
    // Deleted by hand: the next build writes it again and says so.
    await rm(review);
    const repaired = await runCli(['build', input, '--out', out]);
    expect(repaired.out).toContain('REVIEW_SHEET_REPAIRED');
    expect(await exists(review)).toBe(true);
    // The unit corrects its score: the department is clean, both files go, and the manifest forgets them.
    await filledTemplate(join(dir, 't2'), join(input, '道路.xlsx'), 2021, { costScore: 20 });
    const fixed = await runCli(['build', input, '--out', out]);
    expect(fixed.out).toContain('REVIEW_SHEET_REMOVED');
    expect(fixed.out).toMatch(/已全部更正 \d+ 处/);
    expect(await exists(review)).toBe(false);
    expect(await exists(join(out, road.annotated.path))).toBe(false);
    const manifest = await readManifest(out);
    expect((manifest.yearReports ?? []).flatMap((y) => y.review ?? []).some((r) => r.path.startsWith(folder))).toBe(false);
    expect(manifest.forms.find((f) => f.projectName === '乡村道路养护')?.annotated).toBeUndefined();
    // The others keep theirs.
    expect((manifest.yearReports ?? []).flatMap((y) => y.review ?? []).length).toBe(2);
  }, 120_000);
});
