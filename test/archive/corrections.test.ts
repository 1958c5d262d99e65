import { copyFile, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isProblem } from '../../src/model/finding.js';
import type { Manifest } from '../../src/model/manifest.js';
import { expectArchiveConsistent, readManifest } from '../helpers/archive-check.js';
import { fixture } from '../helpers/pipeline.js';
import { filledTemplate } from '../helpers/template.js';
import { DEPARTMENT, testArchive } from '../helpers/test-archive.js';
import { loadWorkbook } from '../helpers/xlsx.js';

/**
 * A unit corrects its form and sends it again under another name. Only when the first file is no
 * longer an input is the new one its correction (it follows it, takes its place and its names, and
 * the project counts once); both files in the folder are a duplicate, said with which to remove.
 */
const ROAD = '乡村道路养护';
const setup = testArchive;

/** 项目名称 of 汇总表.xlsx, one per project row (row 1 is the header, the last 合计). */
async function summaryNames(out: string): Promise<string[]> {
  const sheet = (await loadWorkbook(join(out, '2021', '汇总表.xlsx'))).getWorksheet('汇总表');
  const names: string[] = [];
  for (let r = 2; sheet && r < sheet.rowCount; r++) names.push(String(sheet.getRow(r).getCell(3).value ?? ''));
  return names.sort();
}

/** 项目名称 of each row of the department's 复核意见.xlsx. */
async function reviewNames(out: string): Promise<string[]> {
  const sheet = (await loadWorkbook(join(out, '2021', DEPARTMENT, '复核意见.xlsx'))).getWorksheet('复核意见');
  const names: string[] = [];
  for (let r = 2; sheet && r <= sheet.rowCount; r++) names.push(String(sheet.getRow(r).getCell(1).value ?? ''));
  return names;
}

const roads = (m: Manifest) => m.forms.filter((f) => f.projectName === ROAD);

describe('a corrected file sent under another name', () => {
  it('replaces the first once that one is gone: its history, its names, counted once in 汇总表, 复核意见 and the report', async () => {
    const { dir, inbox, out, run } = await setup('corrected');
    await filledTemplate(join(dir, 'a'), join(inbox, '道路.xlsx'), 2021);
    await filledTemplate(join(dir, 'b'), join(inbox, '桥梁.xlsx'), 2021, { name: '桥梁检测' });
    await run();
    const [first] = roads(await readManifest(out));
    expect(first?.findings.filter(isProblem).map((f) => f.cell)).toEqual(['自评表!H21', '自评表!I21']);

    // The unit's corrected file replaces the first in the inbox, under another name.
    await rm(join(inbox, '道路.xlsx'));
    await filledTemplate(join(dir, 'c'), join(inbox, '道路(更正).xlsx'), 2021, { costScore: 20 });
    const result = await run();
    expect(result.revisions.map((r) => r.text)).toEqual(['已全部更正 2 处(H21 I21)，现在没有问题']);
    const manifest = await readManifest(out);
    const [road, ...more] = roads(manifest);
    expect(more).toEqual([]);
    expect(road?.source.endsWith('道路(更正).xlsx')).toBe(true);
    expect(road?.history?.map((h) => h.sourceSha256)).toEqual([first?.sourceSha256]);
    // Its copies under the names the first had (rewritten), nothing left of the first.
    expect(road?.outputs?.pdf).toBe(first?.outputs?.pdf);
    expect(manifest.removed).toBeUndefined();
    expect(result.stats.removed).toEqual([]);
    // Counted once.
    expect(await summaryNames(out)).toEqual([ROAD, '桥梁检测'].sort());
    // 复核意见 lists the bridge's findings only: the road's earlier findings went with its file.
    const review = await reviewNames(out);
    expect(review.length).toBeGreaterThan(0);
    expect(new Set(review)).toEqual(new Set(['桥梁检测']));
    expect(await readFile(join(out, '2021', 'index.html'), 'utf8')).toContain('<li>项目数<b>2</b></li>');
  }, 120_000);

  it('beside the first in the folder is a duplicate: both kept and said with which to remove, no correction; removing one leaves the project once', async () => {
    const { dir, inbox, out, run } = await setup('duplicate');
    await filledTemplate(join(dir, 'a'), join(inbox, '道路.xlsx'), 2021);
    await run();
    await filledTemplate(join(dir, 'c'), join(inbox, '道路-更正.xlsx'), 2021, { costScore: 20 });
    const both = await run();
    expect(both.revisions).toEqual([]);
    let manifest = await readManifest(out);
    expect(roads(manifest)).toHaveLength(2);
    expect(roads(manifest).every((f) => f.history === undefined)).toBe(true);
    const duplicate = roads(manifest).flatMap((f) => f.findings.filter((x) => x.code === 'DUPLICATE_FORM'));
    expect(duplicate).toHaveLength(1);
    // Which file to take away, either way; and not called a correction.
    expect(duplicate[0]?.message).toMatch(/如果本份是更正后重新提交的表格，请把 文件“[^”]*收件箱\/道路\.xlsx”[^。]*所在的文件移出输入文件夹；如果要留下的是那一份，请移走本份。/);
    expect(duplicate[0]?.message).toContain('道路-更正.xlsx');
    // Taking one away ends the duplicate only when 实施单位 matches too; otherwise --prune does.
    expect(duplicate[0]?.message).toContain('主管部门、实施单位都已填写且相同时只计留下的一份');
    expect(duplicate[0]?.message).toContain('--prune');

    // The unit's first file taken out: the corrected one stays, alone, under the plain names.
    await rename(join(inbox, '道路.xlsx'), join(dir, '道路.xlsx'));
    const one = await run();
    manifest = await readManifest(out);
    const [road, ...more] = roads(manifest);
    expect(more).toEqual([]);
    expect(road?.source.endsWith('道路-更正.xlsx')).toBe(true);
    expect(road?.findings.map((f) => f.code)).not.toContain('DUPLICATE_FORM');
    expect(road?.outputs?.pdf).toBe(`2021/${DEPARTMENT}/${ROAD}.pdf`);
    await expect(stat(join(out, '2021', DEPARTMENT, `${ROAD}-2.pdf`))).rejects.toThrow();
    expect(manifest.removed).toBeUndefined();
    expect(one.messages.map((m) => m.code)).toContain('FORM_SUPERSEDED');
    expect(await summaryNames(out)).toEqual([ROAD]);
  }, 120_000);

  it('beside the first, the second taken away again: the first alone, the second’s copies gone', async () => {
    const { dir, inbox, out, run } = await setup('duplicate-back');
    await filledTemplate(join(dir, 'a'), join(inbox, '道路.xlsx'), 2021);
    await filledTemplate(join(dir, 'c'), join(inbox, '道路-更正.xlsx'), 2021, { costScore: 20 });
    await run();
    // The one named second (the suffixed copy, with the warning) is taken away; the other is up to date and not rebuilt.
    const both = roads(await readManifest(out));
    const second = both.find((f) => f.findings.some((x) => x.code === 'DUPLICATE_FORM'));
    const first = both.find((f) => f !== second);
    expect(second?.outputs?.pdf).toBe(`2021/${DEPARTMENT}/${ROAD}-2.pdf`);
    await rm(second?.source ?? 'missing');
    const result = await run();
    expect(result.stats.reused).toBe(1);
    const manifest = await readManifest(out);
    expect(roads(manifest).map((f) => f.source)).toEqual([first?.source]);
    expect(result.messages.find((m) => m.code === 'FORM_SUPERSEDED')?.message).toContain(second?.source.split('/').pop());
    await expect(stat(join(out, second?.outputs?.pdf ?? 'missing'))).rejects.toThrow();
    expect(manifest.removed).toBeUndefined();
    expect(await summaryNames(out)).toEqual([ROAD]);
  }, 120_000);

  it('from another unit of the department, of the same name, is no correction even once the first is gone', async () => {
    const { dir, inbox, out, run } = await setup('other-unit');
    await filledTemplate(join(dir, 'a'), join(inbox, '甲.xlsx'), 2021, { name: '办公经费', unit: '甲单位' });
    await run();
    await rm(join(inbox, '甲.xlsx'));
    await filledTemplate(join(dir, 'b'), join(inbox, '乙.xlsx'), 2021, { name: '办公经费', unit: '乙单位', costScore: 20 });
    const result = await run();
    expect(result.revisions).toEqual([]);
    const manifest = await readManifest(out);
    expect(manifest.forms.map((f) => f.implementingUnit).sort()).toEqual(['乙单位', '甲单位']);
    expect(manifest.forms.every((f) => f.history === undefined)).toBe(true);
    // The first stays as a removed input, until --prune.
    expect(result.stats.removed.map((r) => r.source.split('/').pop())).toEqual(['甲.xlsx']);
  }, 120_000);

  it('from a unit that leaves 实施单位 blank takes no place of another blank one: two forms, neither followed', async () => {
    const { dir, inbox, out, run } = await setup('blank-unit');
    await filledTemplate(join(dir, 'a'), join(inbox, '甲.xlsx'), 2021, { name: '办公经费', unit: '' });
    await run();
    await rm(join(inbox, '甲.xlsx'));
    await filledTemplate(join(dir, 'b'), join(inbox, '乙.xlsx'), 2021, { name: '办公经费', unit: '', costScore: 20 });
    const result = await run();
    expect(result.revisions).toEqual([]);
    expect(result.messages.map((m) => m.code)).not.toContain('FORM_SUPERSEDED');
    const manifest = await readManifest(out);
    expect(manifest.forms.map((f) => f.source.split('/').pop()).sort()).toEqual(['乙.xlsx', '甲.xlsx']);
    expect(manifest.forms.every((f) => f.history === undefined)).toBe(true);
  }, 120_000);

  it('of several projects, one of which cannot be written: that project keeps its earlier entry, the others take theirs; no file claimed twice', async () => {
    const { inbox, out, run } = await setup('corrected-partly');
    await copyFile(fixture('seed-multi.xlsx'), join(inbox, '甲.xlsx'));
    await run();
    const first = await readManifest(out);
    // Two projects in one sheet, one in another.
    expect(first.forms.map((f) => [f.sheet, f.year])).toEqual([
      ['Sheet1', 2021],
      ['Sheet1', 2019],
      ['Sheet2', 2022],
    ]);
    const blocked = first.forms.find((f) => f.year === 2021)?.outputs?.pdf ?? '';
    // The corrected workbook under a new name; the 2021 project's PDF is open elsewhere (a folder in its place).
    await rm(join(inbox, '甲.xlsx'));
    await copyFile(fixture('seed-multi.xlsx'), join(inbox, '乙.xlsx'));
    await rm(join(out, blocked));
    await mkdir(join(out, blocked));
    const result = await run();
    const manifest = await readManifest(out);
    const of = (year: number) => manifest.forms.filter((f) => f.year === year).map((f) => `${f.source.split('/').pop()} ${f.status}`);
    expect(of(2021).sort()).toEqual(['乙.xlsx error', '甲.xlsx ok']);
    expect(of(2019)).toEqual(['乙.xlsx ok']);
    expect(of(2022)).toEqual(['乙.xlsx ok']);
    expect(result.messages.map((m) => m.code)).not.toContain('FORM_SUPERSEDED');
    const paths = manifest.forms.flatMap((f) => [...Object.values(f.outputs ?? {}).filter((v): v is string => typeof v === 'string'), ...(f.annotated ? [f.annotated.path] : [])]);
    expect(new Set(paths.map((p) => p.toLowerCase())).size).toBe(paths.length);
    // The next run (the file closed) finishes the correction: the project once, under its names.
    await rm(join(out, blocked), { recursive: true });
    const again = await run();
    const final = await readManifest(out);
    expect(final.forms.map((f) => `${f.source.split('/').pop()} ${f.year} ${f.status}`).sort()).toEqual(['乙.xlsx 2019 ok', '乙.xlsx 2021 ok', '乙.xlsx 2022 ok']);
    expect(final.forms.find((f) => f.year === 2021)?.outputs?.pdf).toBe(blocked);
    expect(again.messages.map((m) => m.code)).toContain('FORM_SUPERSEDED');
    expect(again.messages.map((m) => m.code)).not.toContain('OUTPUT_DAMAGED_KEPT');
    await expectArchiveConsistent(out, 'corrected partly');
  }, 120_000);
});
