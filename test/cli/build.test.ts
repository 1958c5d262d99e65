import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Manifest } from '../../src/model/manifest.js';
import { runCli } from '../helpers/cli.js';
import { pdfInfo, pdfPages, squash } from '../helpers/pdf.js';
import { seedPath, typeset } from '../helpers/pipeline.js';
import { formWorkbook } from '../../src/pipeline/process.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { syntheticForm } from '../helpers/synthetic.js';
import { fillNingxia } from '../helpers/template.js';
import { loadWorkbook } from '../helpers/xlsx.js';

async function filesUnder(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.set(
      relative(dir, path).replace(/\\/g, '/'),
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex'),
    );
  }
  return out;
}

const tempDir = (prefix: string) => mkdtemp(join(tmpdir(), prefix));

describe('ziping build', () => {
  it('writes <年度>/<主管部门>/<项目名称>.xlsx and .pdf and a manifest with their sha256', async () => {
    const out = await tempDir('ziping-build-');
    const { code, out: log } = await runCli(['build', 'data', '--out', out]);
    expect(code).toBe(0);
    expect(log).toContain('共 1 份：成功 1 份');
    const manifest = Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
    const form = manifest.forms[0];
    const base = '2021/中国共产党宁夏回族自治区委员会机构编制委员会办公室/机构编制管理事务经费';
    expect(form?.outputs).toMatchObject({ xlsx: `${base}.xlsx`, pdf: `${base}.pdf` });
    const files = await filesUnder(out);
    expect(files.get(`${base}.xlsx`)).toBe(form?.outputs?.sha256.xlsx);
    expect(files.get(`${base}.pdf`)).toBe(form?.outputs?.sha256.pdf);
    expect(pdfInfo(await readFile(join(out, `${base}.pdf`))).Pages).toBe('2');
  });

  it('gives byte-identical .xlsx and .pdf on two builds of the same inputs', async () => {
    // Same folder name in two places: the year's report prints the output folder's name as the archive's.
    const a = join(await tempDir('ziping-a-'), '归档');
    const b = join(await tempDir('ziping-b-'), '归档');
    expect((await runCli(['build', 'data', 'test/fixtures/xlsx/hebei-2019.xlsx', '--out', a])).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await runCli(['build', 'data', 'test/fixtures/xlsx/hebei-2019.xlsx', '--out', b])).code).toBe(0);
    const fa = await filesUnder(a);
    const fb = await filesUnder(b);
    const outputs = [...fa.keys()].filter((k) => /\.(xlsx|pdf)$/.test(k));
    expect(outputs.length).toBeGreaterThanOrEqual(4);
    for (const k of outputs) expect(fb.get(k), k).toBe(fa.get(k));
  });

  it('keeps two forms with the same name apart', async () => {
    const input = await tempDir('ziping-in-');
    await copyFile(seedPath, join(input, 'a.xlsx'));
    await copyFile(seedPath, join(input, 'b.xlsx'));
    const out = await tempDir('ziping-out-');
    const { code, out: json } = await runCli(['build', input, '--out', out, '--json']);
    expect(code).toBe(0);
    const pdfs = Manifest.parse(JSON.parse(json)).forms.map((f) => f.outputs?.pdf);
    expect(pdfs).toEqual(['2021/中国共产党宁夏回族自治区委员会机构编制委员会办公室/机构编制管理事务经费.pdf', '2021/中国共产党宁夏回族自治区委员会机构编制委员会办公室/机构编制管理事务经费-2.pdf']);
  });

  it('reports a character the embedded font cannot show, with its cell, and still writes the PDF', async () => {
    const wb = await loadWorkbook(seedPath);
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('no sheet');
    ws.getCell('C4').value = '㐀字项目';
    const input = await tempDir('ziping-glyph-');
    await wb.xlsx.writeFile(join(input, 'glyph.xlsx'));
    const out = await tempDir('ziping-glyph-out-');
    const { code, out: json } = await runCli(['build', input, '--out', out, '--json']);
    expect(code).toBe(0);
    const form = Manifest.parse(JSON.parse(json)).forms[0];
    const glyph = form?.findings.filter((f) => f.code === 'RENDER_GLYPH_MISSING') ?? [];
    expect(glyph).toHaveLength(1);
    expect(glyph[0]?.cell).toBe('Sheet1!C4');
    expect(glyph[0]?.message).toContain('“㐀”(U+3400)');
    const pdf = await readFile(join(out, form?.outputs?.pdf ?? ''));
    expect(squash(pdfPages(pdf)[0] ?? '')).toContain('字项目');
  });
});

describe('ziping init', () => {
  it('writes a blank template with marked input cells and validation into 模板/, and the seed sample into 示例/', async () => {
    const dir = await tempDir('ziping-init-');
    const { code } = await runCli(['init', dir]);
    expect(code).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['模板', '示例']);
    expect(await readdir(join(dir, '模板'))).toEqual(['项目支出绩效自评表-空白模板.xlsx']);
    expect(await readdir(join(dir, '示例'))).toEqual(['2021-机构编制管理事务经费.xlsx']);
    const ws = (await loadWorkbook(join(dir, '模板', '项目支出绩效自评表-空白模板.xlsx'))).worksheets[0];
    if (!ws) throw new Error('no sheet');
    expect(ws.getCell('C4').fill).toMatchObject({ type: 'pattern', fgColor: { argb: 'FFFFF2CC' } });
    expect(ws.getCell('A4').fill).not.toMatchObject({ fgColor: { argb: 'FFFFF2CC' } });
    expect(ws.getCell('G14').dataValidation).toMatchObject({ type: 'decimal', operator: 'between', formulae: [0, 100] });
    expect(ws.getCell('B14').value).toBe('产出指标');
    expect(ws.getCell('C14').value).toBe('数量指标');
    expect(ws.getCell('F7').value).toBe(10);
    // A second init keeps what is there.
    expect((await runCli(['init', dir])).out).toContain('已存在，未覆盖');
  });

  it('the template, filled in and built, gives a scored form', async () => {
    const dir = await tempDir('ziping-fill-');
    await runCli(['init', dir]);
    const path = join(dir, '模板', '项目支出绩效自评表-空白模板.xlsx');
    const wb = await loadWorkbook(path);
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('no sheet');
    fillNingxia(ws, '(2022年度)', { costScore: 20 });
    await wb.xlsx.writeFile(path);
    const out = await tempDir('ziping-fill-out-');
    const { code, out: json } = await runCli(['build', path, '--out', out, '--json']);
    expect(code).toBe(0);
    const form = Manifest.parse(JSON.parse(json)).forms[0];
    expect(form).toMatchObject({ status: 'ok', year: 2022, projectName: '乡村道路养护', department: '某县交通运输局', totalWeight: 100, computedTotal: 100, total: 100, grade: '优' });
    expect(form?.funds?.executionRate).toBeCloseTo(0.9, 6);
    expect(form?.indicators.filter((l) => l.rule !== 'notApplicable').map((l) => l.rule)).toEqual(['positive', 'deadline', 'reverse', 'positive']);
    expect(form?.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(form?.outputs?.pdf).toBe('2022/某县交通运输局/乡村道路养护.pdf');
  });

  it('names every character the PDF will show as a box, with its cell, at the end of the run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-build-glyph-'));
    await mkdir(join(dir, 'in'));
    const form = syntheticForm(4, '生僻字𠀀项目');
    const first = form.indicators[0];
    if (!first) throw new Error('no line');
    first.name.text = '含𪚥字的指标';
    await writeFile(join(dir, 'in', 'rare.xlsx'), Buffer.from(await formWorkbook(form, loadProfile('ningxia'), typeset)));
    const { code, out } = await runCli(['build', join(dir, 'in'), '--out', join(dir, 'out')]);
    expect(code).toBe(0);
    expect(out).toContain('PDF 中会显示为方框的字符(2 处)：');
    expect(out).toMatch(/单元格 C4：字符 “𠀀”\(U\+20000\)/);
    expect(out).toMatch(/单元格 D14：字符 “𪚥”\(U\+2A6A5\)/);
  });
});
