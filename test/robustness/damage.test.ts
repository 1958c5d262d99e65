/**
 * An archive damaged by hand or by accident: a manifest cut short or rewritten, its records gone,
 * outputs deleted or changed, a link where a year's folder should be, an output folder inside the
 * input folder, inputs moved away between runs. Whatever happened, the next run loses nothing it
 * does not own, writes nothing outside --out, and leaves the archive consistent
 * (helpers/archive-check.ts). Runs the compiled CLI (`npm run build` first).
 */
import { appendFile, copyFile, mkdir, mkdtemp, readFile, rename, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateInputs } from '../../src/bench/generate.js';
import { outputFiles } from '../../src/model/manifest.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { claimedPaths, expectArchiveConsistent, hashTree, readManifest } from '../helpers/archive-check.js';
import { fixture, seedPath, typeset } from '../helpers/pipeline.js';
import { ziping } from '../helpers/spawn-cli.js';
import { filledTemplate } from '../helpers/template.js';

/** Folder 甲: a 2021 and a 2019 form; folder 乙: two 2022 forms and a 2020 one. */
async function sandbox(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await mkdir(join(dir, '甲'));
  await mkdir(join(dir, '乙'));
  await copyFile(seedPath, join(dir, '甲', '机构编制.xlsx'));
  await copyFile(fixture('hebei-2019.xlsx'), join(dir, '甲', '河北.xlsx'));
  await copyFile(fixture('anhui-2022.xlsx'), join(dir, '乙', '安徽.xlsx'));
  await copyFile(fixture('sichuan-zhongjiang-2022.xlsx'), join(dir, '乙', '四川.xlsx'));
  await copyFile(fixture('yunnan-lijiang-2020.xlsx'), join(dir, '乙', '云南.xlsx'));
  return dir;
}

/** The outputs of the forms whose source starts with `folder`, by path → sha256, from the manifest. */
async function outputsOf(out: string, folder: string): Promise<Map<string, string>> {
  const m = await readManifest(out);
  return new Map(m.forms.filter((f) => f.source.startsWith(`${folder}/`)).flatMap((f) => outputFiles(f.outputs).map((o) => [o.path, o.sha256] as const)));
}

async function expectOnDisk(out: string, files: Map<string, string>, label: string): Promise<void> {
  const tree = await hashTree(out);
  for (const [path, sum] of files) expect(tree.get(path), `${label}: ${path} kept, unchanged`).toBe(sum);
}

describe('a damaged manifest', () => {
  const cases: Array<[string, (path: string) => Promise<void>, RegExp]> = [
    ['cut short (truncated JSON)', async (p) => truncate(p, 700), /不是完整的 JSON/],
    ['valid JSON of the wrong shape', async (p) => writeFile(p, JSON.stringify({ schema: 1, generator: 'x', forms: [{ source: 1 }] })), /内容不符合清单格式/],
    [
      'valid and well-formed, but edited (checksum)',
      async (p) => {
        const m = JSON.parse(await readFile(p, 'utf8')) as { forms: Array<{ total: number | null }> };
        const first = m.forms[0];
        if (first) first.total = 100;
        await writeFile(p, JSON.stringify(m, null, 2));
      },
      /校验和不符/,
    ],
  ];

  it.each(cases)(
    '%s: set aside, rebuilt from the records, nothing of the other folder deleted or overwritten',
    async (_label, damage, why) => {
      const dir = await sandbox('ziping-damaged-');
      const out = join(dir, 'out');
      expect((await ziping(['build', '甲', '--out', 'out'], dir)).code).toBe(0);
      expect((await ziping(['build', '乙', '--out', 'out'], dir)).code).toBe(0);
      const other = await outputsOf(out, '甲');
      // Two forms, each in every registered format.
      expect(other.size).toBe(6);
      await damage(join(out, 'manifest.json'));
      const damaged = await readFile(join(out, 'manifest.json'));
      // A new form of 2022 in this run: the year's report must be rewritten, as the archive's own file.
      await filledTemplate(join(dir, 'new'), join(dir, '乙', '新.xlsx'), 2022, { name: '新增项目' });

      const run = await ziping(['build', '乙', '--out', 'out'], dir);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(why);
      const aside = /已改名保存为“out\/(manifest\.json\.damaged-\d{8}-\d{6})”/.exec(run.stdout)?.[1];
      expect(aside, run.stdout).toBeDefined();
      // Kept as it was, for whoever wants to look.
      expect(await readFile(join(out, aside ?? ''))).toEqual(damaged);
      expect(run.stdout).toContain('MANIFEST_RECOVERED');
      await expectOnDisk(out, other, 'other folder');
      // The other folder's forms are registered again, with the same outputs.
      expect(await outputsOf(out, '甲')).toEqual(other);
      const check = await expectArchiveConsistent(out, 'after recovery');
      expect(check.forms).toBe(6);
      expect(check.years).toEqual(['2019', '2020', '2021', '2022']);
      // The year files the archive wrote are still its own: recorded again, none kept as someone's.
      expect(run.stdout).not.toContain('OUTPUT_UNCLAIMED_KEPT');
      const years = (await readManifest(out)).yearReports ?? [];
      expect(years.map((y) => [y.year, y.report?.path])).toEqual(['2019', '2020', '2021', '2022'].map((y) => [y, `${y}/年度报告.pdf`]));
    },
    120_000,
  );

  it('without records (an older archive): the other folder stays on disk untouched and is never overwritten', async () => {
    const dir = await sandbox('ziping-norecords-');
    const out = join(dir, 'out');
    expect((await ziping(['build', '甲', '--out', 'out'], dir)).code).toBe(0);
    expect((await ziping(['build', '乙', '--out', 'out'], dir)).code).toBe(0);
    const other = await outputsOf(out, '甲');
    const mine = await outputsOf(out, '乙');
    await rm(join(out, '.ziping'), { recursive: true });
    await truncate(join(out, 'manifest.json'), 100);

    const run = await ziping(['build', '乙', '--out', 'out'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('MANIFEST_DAMAGED');
    expect(run.stdout).toMatch(/OUTPUT_UNCLAIMED 输出文件夹中有 \d+ 个文件不在清单中/);
    await expectOnDisk(out, other, 'other folder');
    // This run's own files are the same bytes it renders now: taken back under their names, no “-2”.
    expect(await outputsOf(out, '乙')).toEqual(mine);

    // And the other folder, built again, takes its files back the same way.
    const again = await ziping(['build', '甲', '--out', 'out'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(await outputsOf(out, '甲')).toEqual(other);
    expect(again.stdout).not.toContain('DUPLICATE_FORM');
    await expectArchiveConsistent(out, 'after both folders');
  }, 120_000);
});

describe('outputs deleted or damaged by hand', () => {
  it('are rebuilt, and the summary and the progress say so', async () => {
    const dir = await sandbox('ziping-outputs-');
    const out = join(dir, 'out');
    expect((await ziping(['build', '乙', '--out', 'out'], dir)).code).toBe(0);
    const m = await readManifest(out);
    const [a, b, c] = m.forms;
    if (!a?.outputs || !b?.outputs || !c?.outputs) throw new Error('outputs expected');
    await rm(join(out, a.outputs.pdf));
    await appendFile(join(out, b.outputs.xlsx), 'garbage');
    await rm(join(out, c.outputs.pdf));
    await mkdir(join(out, c.outputs.pdf));

    const run = await ziping(['build', '乙', '--out', 'out'], dir);
    // 1: the form whose PDF is now a folder cannot be written (a folder is not ours to remove).
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('重新生成 3 个(其中 3 个因输出缺失或损坏而重新生成)，未变化跳过 0 个');
    expect(run.stdout).not.toContain('所有输入都没有变化');
    expect(run.stdout).toContain(`OUTPUT_REPAIRED 输出“out/${a.outputs.pdf}”已被删除(或移走)，已按输入重新生成`);
    expect(run.stdout).toContain(`OUTPUT_REPAIRED 输出“out/${b.outputs.xlsx}”的内容与清单记录不符(被改动或损坏)，已按输入重新生成`);
    expect(run.stderr).toContain(`输出缺失或损坏，已重新生成：${a.source}`);
    expect(run.stdout).toContain(`OUTPUT_REPAIRED 输出“out/${c.outputs.pdf}”已不是普通文件，已按输入重新生成`);
    expect(run.stdout).toContain(`FS_EISDIR：写入“out/${c.outputs.pdf}”时，发现它是一个文件夹`);
    const after = await readManifest(out);
    expect(after.forms.find((f) => f.source === c.source)?.status).toBe('error');
    expect(after.forms.find((f) => f.source === c.source)?.findings.map((f) => f.code)).toContain('OUTPUT_WRITE_FAILED');
    await expectArchiveConsistent(out, 'repaired');

    await rm(join(out, c.outputs.pdf), { recursive: true });
    const third = await ziping(['build', '乙', '--out', 'out'], dir);
    expect(third.code).toBe(0);
    expect(third.stdout).toContain('重新生成 1 个，未变化跳过 2 个');
    const fourth = await ziping(['build', '乙', '--out', 'out'], dir);
    expect(fourth.stdout).toContain('重新生成 0 个，未变化跳过 3 个');
    await expectArchiveConsistent(out, 'all rebuilt');
  }, 120_000);
});

describe('a run killed before its manifest', () => {
  it('leaves outputs no manifest claims: the next run takes each back, suffixed names too, and leaves none behind', async () => {
    const dir = await sandbox('ziping-unrecorded-');
    // Three copies of one project: 机构编制管理事务经费, -2, -3.
    for (const n of ['2', '3']) await copyFile(seedPath, join(dir, '甲', `机构编制${n}.xlsx`));
    const first = await ziping(['build', '甲', '--out', 'out'], dir);
    expect(first.code, first.stderr).toBe(0);
    const out = join(dir, 'out');
    const outputs = await outputsOf(out, '甲');
    // As a run killed after its forms and before its manifest and records leaves the folder.
    await rm(join(out, 'manifest.json'));
    await rm(join(out, '.ziping'), { recursive: true });
    const again = await ziping(['build', '甲', '--out', 'out'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(await outputsOf(out, '甲')).toEqual(outputs);
    // The copies still say whose name they share.
    expect((await readManifest(out)).forms.flatMap((f) => f.findings.filter((x) => x.code === 'DUPLICATE_FORM'))).toHaveLength(2);
    const claimed = claimedPaths(await readManifest(out));
    const files = [...(await hashTree(out)).keys()].filter((f) => /\.(pdf|xlsx|html)$/.test(f));
    expect(files.filter((f) => !claimed.has(f))).toEqual([]);
    await expectArchiveConsistent(out, 'taken back');
  }, 120_000);
});

describe('where the output folder is', () => {
  it('inside the input folder: its outputs are never read as inputs', async () => {
    const dir = await sandbox('ziping-inside-');
    const first = await ziping(['build', '乙', '--out', '乙/归档'], dir);
    const second = await ziping(['build', '乙', '--out', '乙/归档'], dir);
    const glob = await ziping(['build', '乙/**/*.xlsx', '--out', '乙/归档'], dir);
    for (const run of [first, second, glob]) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('本次处理 3 个文件');
    }
    expect(second.stdout).toContain('未变化跳过 3 个');
    const check = await expectArchiveConsistent(join(dir, '乙', '归档'), 'inside');
    expect(check.forms).toBe(3);
    // The other way round is refused: an input in what the archive writes, a year folder of it or the folder itself (exit 2).
    for (const input of ['乙/归档/2022', '乙/归档']) {
      const refused = await ziping(['build', input, '--out', '乙/归档'], dir);
      expect(refused.code, input).toBe(2);
      expect(refused.stderr, input).toContain('INPUT_INSIDE_OUT');
    }
  }, 120_000);

  it('is the folder that holds the inbox (--out .): the inbox is read; files beside it survive build, rebuild and --prune; inputs inside what the archive writes are refused', async () => {
    const dir = await sandbox('ziping-out-here-');
    // The user's own files beside the inbox: none is an input or an output, none may change.
    await writeFile(join(dir, '说明.txt'), '收件箱里放各单位的自评表');
    await copyFile(fixture('hebei-2019.xlsx'), join(dir, '去年的表.xlsx'));
    await mkdir(join(dir, '资料'));
    await writeFile(join(dir, '资料', 'index.html'), '<p>mine</p>');
    await writeFile(join(dir, '资料', '机构编制管理事务经费.pdf'), 'not an output');
    const user = async (): Promise<Map<string, string>> => new Map([...(await hashTree(dir))].filter(([k]) => /^(说明|去年的表|资料|甲|乙)/.test(k)));
    const before = await user();

    const first = await ziping(['build', '甲', '--out', '.'], dir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('本次处理 2 个文件');
    expect((await expectArchiveConsistent(dir, 'out .')).manifest.forms.map((f) => f.source)).toEqual(['甲/机构编制.xlsx', '甲/河北.xlsx']);
    expect(await user()).toEqual(before);
    const again = await ziping(['build', '甲', '--out', '.'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('未变化跳过 2 个');
    // The inbox's spreadsheets are inputs, not outputs the archive found lying about.
    expect(again.stdout).not.toMatch(/OUTPUT_UNCLAIMED.*甲\//);
    // A glob into the inbox is the inbox; one over the whole folder leaves out what the archive wrote.
    const glob = await ziping(['build', '甲/*.xlsx', '--out', '.'], dir);
    expect(glob.stdout, glob.stderr).toContain('未变化跳过 2 个');
    const everything = await ziping(['build', '**/*.xlsx', '--out', '.'], dir);
    expect(everything.code, everything.stderr).toBe(0);
    expect((await readManifest(dir)).forms.map((f) => f.source).sort()).toEqual(['乙/云南.xlsx', '乙/四川.xlsx', '乙/安徽.xlsx', '去年的表.xlsx', '甲/机构编制.xlsx', '甲/河北.xlsx'].sort());
    expect(await user()).toEqual(before);

    // Forms leave the inbox; --prune deletes their outputs and nothing else.
    await rm(join(dir, '甲', '河北.xlsx'));
    await rm(join(dir, '乙'), { recursive: true });
    const pruned = await ziping(['build', '甲', '去年的表.xlsx', '--out', '.', '--prune'], dir);
    expect(pruned.code, pruned.stderr).toBe(0);
    const after = await expectArchiveConsistent(dir, 'pruned');
    expect(after.manifest.forms.map((f) => f.source)).toEqual(['去年的表.xlsx', '甲/机构编制.xlsx']);
    expect(await user()).toEqual(new Map([...before].filter(([k]) => k !== '甲/河北.xlsx' && !k.startsWith('乙'))));

    // What the archive writes is no input: a year folder, a form's folder in it, its records, the folder as a whole.
    for (const input of ['2021', '2021/中国共产党宁夏回族自治区委员会机构编制委员会办公室', '.ziping', '.']) {
      const refused = await ziping(['build', input, '--out', '.'], dir);
      expect(refused.code, input).toBe(2);
      expect(refused.stderr, input).toContain('INPUT_INSIDE_OUT');
    }
    expect(await user()).toEqual(new Map([...before].filter(([k]) => k !== '甲/河北.xlsx' && !k.startsWith('乙'))));
  }, 180_000);

  it('never writes an output into an input beside the year folders, whatever the name pattern', async () => {
    const dir = await sandbox('ziping-out-into-inbox-');
    await writeFile(join(dir, 'ziping.config.json'), JSON.stringify({ names: '甲/{{项目名称}}' }));
    const before = await hashTree(join(dir, '甲'));
    const run = await ziping(['build', '甲', '--out', '.'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('OUTPUT_INSIDE_INPUT：要写入的“./甲/机构编制管理事务经费.xlsx”位于输入“./甲”之内，已拒绝写入');
    expect(await hashTree(join(dir, '甲'))).toEqual(before);
    const m = await readManifest(dir);
    expect(m.forms.map((f) => [f.source, f.status])).toEqual([
      ['甲/机构编制.xlsx', 'error'],
      ['甲/河北.xlsx', 'error'],
    ]);
  }, 60_000);

  it('a year folder (or a folder or file below it) that is a link to elsewhere: nothing is written outside', async () => {
    const dir = await sandbox('ziping-symlink-');
    const out = join(dir, 'out');
    const outside = join(dir, '外部');
    await mkdir(join(outside, 'deep'), { recursive: true });
    await writeFile(join(outside, 'deep', '别人的文件.pdf'), 'not yours');
    await mkdir(join(out, '2019', '廊坊市发改委'), { recursive: true });
    await symlink(outside, join(out, '2021'));
    await symlink(join(outside, 'deep', '别人的文件.pdf'), join(out, '2019', '廊坊市发改委', '办公宿舍楼、食堂及餐厅暖通改造经费.pdf'));
    const before = await hashTree(outside);

    const run = await ziping(['build', '甲', '--out', 'out'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('PATH_SYMLINK：“out/2021”是符号链接');
    expect(await hashTree(outside)).toEqual(before);
    const m = await readManifest(out);
    // The 2021 form was not written (and says why); the 2019 one was, replacing the link, not its target.
    expect(m.forms.find((f) => f.year === 2021)?.status).toBe('error');
    expect(m.forms.find((f) => f.year === 2019)?.status).toBe('ok');
    await expectArchiveConsistent(out, 'symlinks');
    expect((await hashTree(out)).get('2021')).toBe(`link → ${outside}`);
  }, 120_000);
});

describe('inputs moved away between runs, and --prune', () => {
  it('keep the years whose inputs moved away until --prune, which brings manifest, pages and 汇总表 in line with disk', async () => {
    const dir = await sandbox('ziping-rollover-');
    const out = join(dir, 'out');
    await mkdir(join(dir, '收件箱'));
    for (const [from, to] of [
      [seedPath, '2021.xlsx'],
      [fixture('hebei-2019.xlsx'), '2019.xlsx'],
      [fixture('anhui-2022.xlsx'), '2022甲.xlsx'],
      [fixture('sichuan-zhongjiang-2022.xlsx'), '2022乙.xlsx'],
    ] as const)
      await copyFile(from, join(dir, '收件箱', to));
    expect((await ziping(['build', '收件箱', '--out', 'out'], dir)).code).toBe(0);
    expect((await expectArchiveConsistent(out, 'first')).years).toEqual(['2019', '2021', '2022']);

    // The 2019 form and one 2022 form are moved to another folder: their years stay as they were.
    await mkdir(join(dir, '旧'));
    await rename(join(dir, '收件箱', '2019.xlsx'), join(dir, '旧', '2019.xlsx'));
    await rename(join(dir, '收件箱', '2022甲.xlsx'), join(dir, '旧', '2022甲.xlsx'));
    const kept = await ziping(['build', '收件箱', '--out', 'out'], dir);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain('输入“收件箱/2019.xlsx”已不存在，其输出仍保留');
    const k = await expectArchiveConsistent(out, 'moved away');
    expect(k.forms).toBe(4);
    expect(k.years).toEqual(['2019', '2021', '2022']);

    // A new year's folder built into the same archive: the earlier years are carried.
    await generateInputs(join(dir, '2023'), 2, loadProfile('ningxia'), typeset);
    expect((await ziping(['build', '2023', '--out', 'out'], dir)).code).toBe(0);
    expect((await expectArchiveConsistent(out, 'new year')).years).toEqual(['2019', '2021', '2022', '2023']);

    const pruned = await ziping(['build', '收件箱', '--out', 'out', '--prune'], dir);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toContain('YEAR_REPORTS_REMOVED 年度“2019”已没有表格');
    const p = await expectArchiveConsistent(out, 'pruned');
    expect(p.forms).toBe(4);
    expect(p.years).toEqual(['2021', '2022', '2023']);
    const tree = await hashTree(out);
    // Outputs, pages and the folders they leave empty: nothing of 2019 is left.
    expect([...tree.keys()].filter((k) => k.startsWith('2019'))).toEqual([]);
    expect(p.manifest.removed).toBeUndefined();
  }, 180_000);
});
