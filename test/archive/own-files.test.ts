import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuildResult } from '../../src/archive/build.js';
import { readManifest } from '../helpers/archive-check.js';
import { DEPARTMENT, roadAndBridge, testArchive, type TestArchive } from '../helpers/test-archive.js';

/**
 * Files a person keeps where the archive would write its own (an office's hand-made 年度报告.pdf,
 * a unit's own 复核意见.xlsx, notes and a combined file of their own): no manifest records them, so
 * they are never overwritten. The archive's file is not written there, and the run says where it
 * would have gone and what to do.
 */
const theirs: Record<string, string> = {
  '2021/年度报告.pdf': '%PDF-1.4 办公室自己写的年度报告',
  [`2021/${DEPARTMENT}/复核意见.xlsx`]: '单位自己的复核意见',
  [`2021/${DEPARTMENT}/复核批注/乡村道路养护.xlsx`]: '单位自己的批注',
  [`2021/${DEPARTMENT}/合并打印.pdf`]: '%PDF-1.4 自己合并的',
};

let archive: TestArchive;
let out = '';
const run = (): Promise<BuildResult> => archive.run();

beforeAll(async () => {
  archive = await testArchive('own-files');
  out = archive.out;
  await roadAndBridge(archive);
}, 120_000);

describe('files in the output folder that no manifest records', () => {
  it('are kept as they are where the archive would write its year report, review sheet, annotated copy and combined PDF, and the run says so', async () => {
    for (const [path, text] of Object.entries(theirs)) {
      await mkdir(join(out, path, '..'), { recursive: true });
      await writeFile(join(out, path), text);
    }
    const result = await run();
    for (const [path, text] of Object.entries(theirs)) expect(await readFile(join(out, path), 'utf8'), path).toBe(text);
    const kept = result.messages.filter((m) => m.code === 'OUTPUT_UNCLAIMED_KEPT');
    expect(kept).toHaveLength(4);
    for (const path of Object.keys(theirs)) {
      const said = kept.find((m) => m.message.includes(`“${join(out, ...path.split('/'))}”`));
      expect(said?.message, path).toMatch(/已原样保留.*请把它移走或改名/);
    }
    expect(result.messages.find((m) => m.message.includes('年度报告.pdf'))?.severity).toBe('warning');
    // Nothing of theirs is recorded as the archive's; the forms themselves are built.
    const manifest = await readManifest(out);
    expect(manifest.forms.map((f) => [f.projectName, f.status])).toEqual([
      ['桥梁检测', 'ok'],
      ['乡村道路养护', 'ok'],
    ]);
    expect(manifest.forms.find((f) => f.projectName === '乡村道路养护')?.annotated).toBeUndefined();
    expect(manifest.forms.find((f) => f.projectName === '桥梁检测')?.annotated?.path).toBe(`2021/${DEPARTMENT}/复核批注/桥梁检测.xlsx`);
    const year = manifest.yearReports?.find((y) => y.year === '2021');
    expect(year?.report).toBeUndefined();
    expect(year?.review).toBeUndefined();
    expect(year?.combined).toBeUndefined();
    // The year page links none of them.
    const page = await readFile(join(out, '2021', 'index.html'), 'utf8');
    expect(page).not.toContain(encodeURIComponent('年度报告.pdf'));
    expect(page).not.toContain(encodeURIComponent('合并打印'));
  }, 120_000);

  it('are said again on the next run, and once moved away the archive writes its own there', async () => {
    const again = await run();
    expect(again.messages.filter((m) => m.code === 'OUTPUT_UNCLAIMED_KEPT')).toHaveLength(4);
    for (const path of Object.keys(theirs)) await rm(join(out, path));
    const moved = await run();
    expect(moved.messages.filter((m) => m.code === 'OUTPUT_UNCLAIMED_KEPT')).toEqual([]);
    const manifest = await readManifest(out);
    const year = manifest.yearReports?.find((y) => y.year === '2021');
    expect(year?.report?.path).toBe('2021/年度报告.pdf');
    expect(year?.review?.map((r) => r.path)).toEqual([`2021/${DEPARTMENT}/复核意见.xlsx`]);
    expect(year?.combined?.map((r) => r.path)).toEqual([`2021/${DEPARTMENT}/合并打印.pdf`]);
    expect(manifest.forms.find((f) => f.projectName === '乡村道路养护')?.annotated?.path).toBe(`2021/${DEPARTMENT}/复核批注/乡村道路养护.xlsx`);
  }, 120_000);

  it('are taken back when they hold exactly what the archive writes (a run killed before its manifest)', async () => {
    // The manifest and the records gone: every file on disk is unclaimed, and each is what this run makes.
    await rm(join(out, 'manifest.json'));
    await rm(join(out, '.ziping'), { recursive: true });
    const result = await run();
    expect(result.messages.filter((m) => m.code === 'OUTPUT_UNCLAIMED_KEPT')).toEqual([]);
    const year = (await readManifest(out)).yearReports?.find((y) => y.year === '2021');
    expect(year?.report).toBeDefined();
    expect(year?.review).toHaveLength(1);
    expect(year?.combined).toHaveLength(1);
    expect((await readManifest(out)).forms.every((f) => f.annotated)).toBe(true);
  }, 120_000);
});
