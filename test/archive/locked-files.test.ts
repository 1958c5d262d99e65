import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuildResult } from '../../src/archive/build.js';
import { readManifest, sha256 } from '../helpers/archive-check.js';
import { filledTemplate } from '../helpers/template.js';
import { DEPARTMENT, roadAndBridge, testArchive, type TestArchive } from '../helpers/test-archive.js';
import { loadWorkbook } from '../helpers/xlsx.js';

/**
 * One file of the archive that cannot be written (复核意见.xlsx open in Excel gives EBUSY or EPERM on
 * Windows; here a folder in its place gives EISDIR): that file is said, with what to do, and the
 * year's other files and the forms are written all the same.
 */
let archive: TestArchive;
let dir = '';
let out = '';
const run = (): Promise<BuildResult> => archive.run();

beforeAll(async () => {
  archive = await testArchive('locked');
  ({ dir, out } = archive);
  await roadAndBridge(archive);
  await run();
}, 120_000);

describe('a file of the archive that cannot be written', () => {
  it('a review sheet: said with what to do; the year’s index, 汇总表 and report are written with the new numbers', async () => {
    const review = join(out, '2021', DEPARTMENT, '复核意见.xlsx');
    await rm(review);
    await mkdir(review);
    const before = (await readManifest(out)).yearReports?.find((y) => y.year === '2021');
    // A third project comes in: every page of the year has a new number to show.
    await filledTemplate(join(dir, 'c'), join(archive.inbox, '隧道.xlsx'), 2021, { name: '隧道维修' });
    const result = await run();
    const said = result.messages.filter((m) => m.code === 'OUTPUT_FILE_NOT_WRITTEN');
    expect(said).toHaveLength(1);
    expect(said[0]?.severity).toBe('warning');
    expect(said[0]?.message).toContain(`复核意见“${review}”没有写入`);
    expect(said[0]?.message).toContain('关闭');
    const manifest = await readManifest(out);
    expect(manifest.forms.map((f) => f.status)).toEqual(['ok', 'ok', 'ok']);
    const year = manifest.yearReports?.find((y) => y.year === '2021');
    const index = await readFile(join(out, '2021', 'index.html'), 'utf8');
    expect(index).toContain('<li>项目数<b>3</b></li>');
    expect(sha256(await readFile(join(out, '2021', 'index.html')))).toBe(year?.sha256.index);
    const book = await loadWorkbook(join(out, '2021', '汇总表.xlsx'));
    expect(book.getWorksheet('汇总表')?.rowCount).toBe(3 + 2);
    expect(year?.report?.sha256).not.toBe(before?.report?.sha256);
    expect(sha256(await readFile(join(out, '2021', '年度报告.pdf')))).toBe(year?.report?.sha256);
    // The page does not link a review sheet that is not there.
    expect(index).not.toContain(`${encodeURIComponent('复核意见')}.xlsx`);
    // Once the folder is gone, the next run writes it.
    await rm(review, { recursive: true });
    const again = await run();
    expect(again.messages.filter((m) => m.code === 'OUTPUT_FILE_NOT_WRITTEN')).toEqual([]);
    expect((await loadWorkbook(review)).getWorksheet('复核意见')).toBeDefined();
    expect(await readFile(join(out, '2021', 'index.html'), 'utf8')).toContain(`${encodeURIComponent('复核意见')}.xlsx`);
  }, 120_000);

  it('an annotated copy: said with what to do; the form itself is written, counted and printed', async () => {
    const notes = join(out, '2021', DEPARTMENT, '复核批注', '桥梁检测.xlsx');
    await rm(notes);
    await mkdir(notes);
    // The form changed, so it is written again.
    await filledTemplate(join(dir, 'b2'), join(archive.inbox, '桥梁.xlsx'), 2021, { name: '桥梁检测', costScore: 17 });
    const result = await run();
    const said = result.messages.filter((m) => m.code === 'OUTPUT_FILE_NOT_WRITTEN');
    expect(said.map((m) => m.message)).toEqual([expect.stringContaining(`批注副本“${notes}”没有写入`)]);
    const manifest = await readManifest(out);
    const form = manifest.forms.find((f) => f.projectName === '桥梁检测');
    expect(form?.status).toBe('ok');
    // The copy the last build wrote stays the archive's (to replace next time), and the form is tried again.
    expect(form?.annotated?.path).toBe(`2021/${DEPARTMENT}/复核批注/桥梁检测.xlsx`);
    expect(form?.fingerprint).toBeUndefined();
    expect(form?.findings.map((f) => f.code)).not.toContain('OUTPUT_WRITE_FAILED');
    expect(sha256(await readFile(join(out, form?.outputs?.pdf ?? 'missing')))).toBe(form?.outputs?.sha256.pdf);
    // Still in the department's combined file and the year's count.
    expect(await readFile(join(out, '2021', 'index.html'), 'utf8')).toContain('<li>项目数<b>3</b></li>');
    expect(manifest.yearReports?.find((y) => y.year === '2021')?.combined?.[0]?.path).toBe(`2021/${DEPARTMENT}/合并打印.pdf`);
    // Once the folder is gone, the next run writes the copy.
    await rm(notes, { recursive: true });
    expect((await run()).messages.filter((m) => m.code === 'OUTPUT_FILE_NOT_WRITTEN')).toEqual([]);
    const fixed = (await readManifest(out)).forms.find((f) => f.projectName === '桥梁检测');
    expect(sha256(await readFile(notes))).toBe(fixed?.annotated?.sha256);
    expect(fixed?.fingerprint).toBeDefined();
  }, 120_000);
});
