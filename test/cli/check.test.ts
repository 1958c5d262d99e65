import { mkdtemp, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Manifest } from '../../src/model/manifest.js';
import { runCli } from '../helpers/cli.js';
import { seedPath, typeset } from '../helpers/pipeline.js';
import { formWorkbook } from '../../src/pipeline/process.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { syntheticForm } from '../helpers/synthetic.js';

describe('ziping check', () => {
  it('prints a Chinese summary of the sample: project, rate, totals, grade, findings with cells', async () => {
    const { code, out } = await runCli(['check', 'data']);
    expect(code).toBe(0);
    expect(out).toContain('项目：机构编制管理事务经费(2021年度)');
    expect(out).toContain('执行率 68.96%');
    expect(out).toContain('填报总分 94.64');
    expect(out).toContain('复核总分 97.84');
    expect(out).toContain('等级 优');
    expect(out).toContain('SCORE_MISMATCH');
    expect(out).toContain('单元格 H32');
    expect(out).toContain('共 1 份：成功 1 份');
  });

  it('--json prints a manifest that validates against the contract', async () => {
    const { code, out } = await runCli(['check', 'data', '--json']);
    expect(code).toBe(0);
    const manifest = Manifest.parse(JSON.parse(out));
    expect(manifest.schema).toBe(1);
    expect(manifest.generator).toMatch(/^ziping \d+\.\d+\.\d+$/);
    const [form] = manifest.forms;
    expect(form).toMatchObject({
      source: 'data/2021-机构编制管理事务经费.xlsx',
      sheet: 'Sheet1',
      status: 'ok',
      profile: 'ningxia',
      scores: 'auto',
      year: 2021,
      projectName: '机构编制管理事务经费',
      totalWeight: 100,
      filledTotal: 94.64,
      computedTotal: 97.84,
      total: 94.64,
      grade: '优',
    });
    expect(form?.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(form?.funds?.executionRate).toBeCloseTo(0.689609375, 9);
    expect(form?.funds?.score).toBeCloseTo(6.896, 3);
    expect(form?.indicators[0]).toMatchObject({
      level1: '产出指标',
      level2: '数量指标',
      name: '改革调研等租车',
      target: '28000公里',
      actual: '38000',
      weight: 2,
      rule: 'positive',
      filledScore: 2,
      computedScore: 2,
      score: 2,
    });
  });

  it('a file that is not a workbook is an error entry, the others go on, exit 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-check-'));
    await copyFile(seedPath, join(dir, 'good.xlsx'));
    await writeFile(join(dir, 'bad.xlsx'), '项目名称,机构编制\n1,2\n');
    await writeFile(join(dir, '~$good.xlsx'), 'lock file');
    const { code, out } = await runCli(['check', dir, '--json']);
    expect(code).toBe(1);
    const manifest = Manifest.parse(JSON.parse(out));
    expect(manifest.forms.map((f) => [f.source.split('/').pop(), f.status])).toEqual([
      ['bad.xlsx', 'error'],
      ['good.xlsx', 'ok'],
    ]);
    const bad = manifest.forms[0];
    expect(bad?.findings[0]?.code).toBe('INGEST_FILE_UNREADABLE');
    expect(bad?.findings[0]?.message).toContain('bad.xlsx');
    expect(bad?.findings[0]?.message).toContain('另存为');
  });

  it('--strict makes error findings exit 1; a wrong option exits 2', async () => {
    expect((await runCli(['check', 'data', '--profile', 'national', '--strict'])).code).toBe(1);
    expect((await runCli(['check', 'data', '--profile', 'national'])).code).toBe(0);
    expect((await runCli(['check', 'data', '--scores', 'sometimes'])).code).toBe(2);
    expect((await runCli(['check', 'data', '--profile', 'nowhere'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });

  it('an input that matches nothing is reported and exits 1', async () => {
    const { code, out } = await runCli(['check', 'no-such-folder']);
    expect(code).toBe(1);
    expect(out).toContain('找不到输入“no-such-folder”');
  });

  it('says which characters the printed copy cannot draw, by cell, though check prints nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-check-glyph-'));
    const form = syntheticForm(4, '生僻字𠀀项目');
    const first = form.indicators[0];
    if (!first) throw new Error('no line');
    first.name.text = '含𪚥字的指标';
    await writeFile(join(dir, 'rare.xlsx'), Buffer.from(await formWorkbook(form, loadProfile('ningxia'), typeset)));
    const { code, out } = await runCli(['check', dir]);
    expect(code).toBe(0);
    expect(out).toMatch(/RENDER_GLYPH_MISSING .*单元格 C4：字符 “𠀀”\(U\+20000\)/);
    expect(out).toMatch(/RENDER_GLYPH_MISSING .*单元格 D14：字符 “𪚥”\(U\+2A6A5\)/);
    expect(out).toContain('警告 2');
  });
});
