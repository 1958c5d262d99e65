import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Manifest } from '../../src/model/manifest.js';
import { fixture, seedPath } from '../helpers/pipeline.js';
import { ziping } from '../helpers/spawn-cli.js';
import { loadWorkbook } from '../helpers/xlsx.js';

const readManifest = async (dir: string) => Manifest.parse(JSON.parse(await readFile(join(dir, 'out', 'manifest.json'), 'utf8')));
const mtime = async (path: string) => (await stat(path)).mtimeMs;

describe('the real CLI over a folder, run after run', () => {
  it('builds, skips what is unchanged, rebuilds a changed file alone, reports and prunes a removed one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-inc-'));
    await mkdir(join(dir, '表格'));
    await copyFile(seedPath, join(dir, '表格', '机构编制.xlsx'));
    await copyFile(fixture('hebei-2019.xlsx'), join(dir, '表格', '河北.xlsx'));
    await copyFile(fixture('anhui-2022.xlsx'), join(dir, '表格', '安徽.xlsx'));
    await writeFile(join(dir, '表格', '~$机构编制.xlsx'), 'lock');
    await writeFile(join(dir, '表格', '.hidden.xlsx'), 'hidden');

    // 1. first build
    const first = await ziping(['build', '表格', '--out', 'out'], dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('重新生成 3 个，未变化跳过 0 个');
    expect(first.stderr).not.toContain('~$');
    const m1 = await readManifest(dir);
    expect(m1.forms.map((f) => f.source)).toEqual(['表格/安徽.xlsx', '表格/机构编制.xlsx', '表格/河北.xlsx']);
    expect(m1.forms.every((f) => f.fingerprint && f.outputs)).toBe(true);
    const pdf = (name: string) => join(dir, 'out', m1.forms.find((f) => f.source.endsWith(name))?.outputs?.pdf ?? '');
    const before = { seed: await mtime(pdf('机构编制.xlsx')), hebei: await mtime(pdf('河北.xlsx')) };

    // 2. nothing changed: nothing rebuilt, and it says so
    const second = await ziping(['build', '表格', '--out', 'out'], dir);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('重新生成 0 个，未变化跳过 3 个');
    expect(second.stdout).toContain('所有输入都没有变化');
    expect(await mtime(pdf('机构编制.xlsx'))).toBe(before.seed);
    expect((await readManifest(dir)).forms).toEqual(m1.forms);

    // 3. one file changed: rebuilt alone, with its new content
    const wb = await loadWorkbook(join(dir, '表格', '河北.xlsx'));
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('no sheet');
    ws.getCell('H14').value = 8.62;
    await wb.xlsx.writeFile(join(dir, '表格', '河北.xlsx'));
    const third = await ziping(['build', '表格', '--out', 'out'], dir);
    expect(third.stdout).toContain('重新生成 1 个，未变化跳过 2 个');
    expect(await mtime(pdf('机构编制.xlsx'))).toBe(before.seed);
    expect(await mtime(pdf('河北.xlsx'))).toBeGreaterThan(before.hebei);
    const hebei = (await readManifest(dir)).forms.find((f) => f.source.endsWith('河北.xlsx'));
    expect(hebei?.indicators[0]?.filledScore).toBe(8.62);
    expect(hebei?.findings.filter((f) => f.code === 'SCORE_MISMATCH')).toEqual([]);

    // 4. --force rebuilds everything
    expect((await ziping(['build', '表格', '--out', 'out', '--force'], dir)).stdout).toContain('重新生成 3 个，未变化跳过 0 个');

    // 5. a removed input is reported and its form stays in the archive (manifest, year pages) with
    // its outputs until --prune, which removes both
    const anhuiOutputs = m1.forms.find((f) => f.source.endsWith('安徽.xlsx'))?.outputs;
    await rm(join(dir, '表格', '安徽.xlsx'));
    const fifth = await ziping(['build', '表格', '--out', 'out'], dir);
    expect(fifth.stdout).toContain('输入“表格/安徽.xlsx”已不存在，其输出仍保留');
    const m5 = await readManifest(dir);
    expect(m5.forms.map((f) => f.source)).toEqual(['表格/安徽.xlsx', '表格/机构编制.xlsx', '表格/河北.xlsx']);
    expect(m5.removed?.map((r) => r.source)).toEqual(['表格/安徽.xlsx']);
    expect(await stat(join(dir, 'out', anhuiOutputs?.pdf ?? '')).then(() => true)).toBe(true);
    const sixth = await ziping(['build', '表格', '--out', 'out', '--prune'], dir);
    expect(sixth.stdout).toContain('已删除其输出');
    expect(await stat(join(dir, 'out', anhuiOutputs?.pdf ?? '')).catch(() => null)).toBeNull();
    const m6 = await readManifest(dir);
    expect(m6.removed).toBeUndefined();
    expect(m6.forms.map((f) => f.source)).toEqual(['表格/机构编制.xlsx', '表格/河北.xlsx']);
  });

  it('a changed profile or score mode makes every form out of date', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-opt-'));
    await mkdir(join(dir, 'data'));
    await copyFile(seedPath, join(dir, 'data', 'a.xlsx'));
    await ziping(['build', '--out', 'out'], dir);
    expect((await ziping(['build', '--out', 'out', '--scores', 'computed'], dir)).stdout).toContain('重新生成 1 个');
    expect((await ziping(['build', '--out', 'out', '--scores', 'computed'], dir)).stdout).toContain('未变化跳过 1 个');
  });

  it('takes profile, score mode, out dir and name pattern from ziping.config.json, and rejects a bad one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-cfg-'));
    await mkdir(join(dir, '收件箱'));
    await copyFile(seedPath, join(dir, '收件箱', 'a.xlsx'));
    await writeFile(join(dir, 'ziping.config.json'), JSON.stringify({ inputs: ['收件箱'], out: '归档', scores: 'computed', names: '{{年度}}/{{实施单位}}/{{项目名称}}({{文件名}})' }));
    const run = await ziping(['build', '--json'], dir);
    expect(run.code).toBe(0);
    const form = Manifest.parse(JSON.parse(run.stdout)).forms[0];
    expect(form?.scores).toBe('computed');
    expect(form?.total).toBe(97.84);
    expect(form?.outputs?.pdf).toBe('2021/中国共产党宁夏回族自治区委员会机构编制委员会办公室本级/机构编制管理事务经费(a).pdf');
    expect(await stat(join(dir, '归档', form?.outputs?.pdf ?? '')).then((s) => s.size)).toBeGreaterThan(1000);

    await writeFile(join(dir, 'ziping.config.json'), JSON.stringify({ scores: 'sometimes', colour: 'red' }));
    const bad = await ziping(['build'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('CONFIG_INVALID');
    expect(bad.stderr).toContain('scores');
  });

  it('prints plain progress lines when not on a terminal and a closing summary', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-prog-'));
    await mkdir(join(dir, 'data'));
    await copyFile(seedPath, join(dir, 'data', 'a.xlsx'));
    await writeFile(join(dir, 'data', 'broken.xlsx'), 'not a workbook');
    const run = await ziping(['build'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('开始处理 2 个文件');
    expect(run.stderr).toContain('[1/2] 完成：data/a.xlsx');
    expect(run.stderr).toContain('[2/2] 无法处理：data/broken.xlsx');
    expect(run.stdout).toMatch(/共 2 份：成功 1 份\(其中没有问题 0 份、有警告 1 份、有错误项 0 份\)，无法处理 1 份/);
    expect(run.stdout).toContain('✗ data/broken.xlsx');
    expect(run.stdout).toContain(`结果在输出文件夹：${join(dir, 'out')}\n清单：${join(dir, 'out', 'manifest.json')}\n`);
  });
});
