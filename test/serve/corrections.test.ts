import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageClient } from '../../src/bench/serve-load.js';
import type { UploadView } from '../../src/serve/results.js';
import { startServer, type RunningServer } from '../../src/serve/server.js';
import { readManifest } from '../helpers/archive-check.js';
import { typeset } from '../helpers/pipeline.js';
import { filledTemplate } from '../helpers/template.js';
import { loadWorkbook } from '../helpers/xlsx.js';

/**
 * A unit sends its form through the page, gets its findings, corrects it and sends it again under
 * the same file name (kept as 道路-2.xlsx beside the first): the corrected upload replaces the
 * earlier one. The earlier file is moved (never deleted) into 已被更正替换, so it is no input any
 * more; its archive entry becomes the new form's history; the project is counted once.
 */
const DEPARTMENT = '某县交通运输局';
const ROAD = '乡村道路养护';
let dir = '';
let out = '';
let uploads = '';
let server: RunningServer;
const log: string[] = [];
const send = async (name: string, file: string): Promise<UploadView> => pageClient(server.url).view(name, await readFile(file));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ziping-serve-corrections-'));
  out = join(dir, '归档');
  uploads = join(dir, '归档-上传的表格');
  await filledTemplate(join(dir, 'a'), join(dir, 'a', '道路.xlsx'), 2021);
  await filledTemplate(join(dir, 'b'), join(dir, 'b', '桥梁.xlsx'), 2021, { name: '桥梁检测' });
  await filledTemplate(join(dir, 'c'), join(dir, 'c', '道路.xlsx'), 2021, { costScore: 20 });
  await filledTemplate(join(dir, 'd'), join(dir, 'd', '道路.xlsx'), 2021, { unit: '另一个公路段', costScore: 20 });
  server = await startServer({ out, host: '127.0.0.1', port: 0, profile: { kind: 'auto' }, mode: 'auto', typeset, gatherMs: 10, log: (line) => log.push(line) });
}, 120_000);

afterAll(async () => {
  await server?.close();
});

/** 项目名称 of each project row of 汇总表.xlsx (row 1 the header, the last 合计). */
async function summaryNames(): Promise<string[]> {
  const sheet = (await loadWorkbook(join(out, '2021', '汇总表.xlsx'))).getWorksheet('汇总表');
  const names: string[] = [];
  for (let r = 2; sheet && r < sheet.rowCount; r++) names.push(String(sheet.getRow(r).getCell(3).value ?? ''));
  return names.sort();
}

describe('serve: a corrected form sent again', () => {
  it('replaces the earlier upload: moved aside, its result the new one’s history, counted once in 汇总表 and 复核意见', async () => {
    const first = await send('道路.xlsx', join(dir, 'a', '道路.xlsx'));
    expect(first.forms[0]?.findings.map((f) => f.code)).toContain('SCORE_MISMATCH');
    await send('桥梁.xlsx', join(dir, 'b', '桥梁.xlsx'));
    const before = (await readManifest(out)).forms.find((f) => f.projectName === ROAD);

    const corrected = await send('道路.xlsx', join(dir, 'c', '道路.xlsx'));
    expect(corrected.stored).toBe('道路-2.xlsx');
    expect(corrected.forms[0]?.revision).toBe('已全部更正 2 处(H21 I21)，现在没有问题');
    // The earlier upload is kept, out of the inputs.
    expect(await readFile(join(uploads, '已被更正替换', '道路.xlsx'))).toEqual(await readFile(join(dir, 'a', '道路.xlsx')));
    expect((await readdir(uploads)).sort()).toEqual(['已被更正替换', '桥梁.xlsx', '道路-2.xlsx'].sort());
    expect(log.some((line) => line.includes('已被更正替换'))).toBe(true);

    const manifest = await readManifest(out);
    const roads = manifest.forms.filter((f) => f.projectName === ROAD);
    expect(roads).toHaveLength(1);
    expect(roads[0]?.source.endsWith('/道路-2.xlsx')).toBe(true);
    expect(roads[0]?.history?.map((h) => h.sourceSha256)).toEqual([before?.sourceSha256]);
    expect(roads[0]?.outputs?.pdf).toBe(before?.outputs?.pdf);
    expect(manifest.removed).toBeUndefined();
    // Counted once: 汇总表, the year page; 复核意见 lists the bridge's findings only.
    expect(await summaryNames()).toEqual([ROAD, '桥梁检测'].sort());
    expect(await readFile(join(out, '2021', 'index.html'), 'utf8')).toContain('<li>项目数<b>2</b></li>');
    const review = (await loadWorkbook(join(out, '2021', DEPARTMENT, '复核意见.xlsx'))).getWorksheet('复核意见');
    const rows: string[] = [];
    for (let r = 2; review && r <= review.rowCount; r++) rows.push(String(review.getRow(r).getCell(1).value ?? ''));
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows)).toEqual(new Set(['桥梁检测']));
  }, 120_000);

  it('another unit’s project of the same name replaces nothing', async () => {
    const other = await send('道路.xlsx', join(dir, 'd', '道路.xlsx'));
    // (道路.xlsx is free again: the first went aside.)
    expect(other.stored).toBe('道路.xlsx');
    expect(other.forms[0]?.revision).toBeNull();
    expect((await readdir(uploads)).sort()).toEqual(['已被更正替换', '桥梁.xlsx', '道路-2.xlsx', '道路.xlsx'].sort());
    expect(await readdir(join(uploads, '已被更正替换'))).toEqual(['道路.xlsx']);
    const roads = (await readManifest(out)).forms.filter((f) => f.projectName === ROAD);
    expect(roads.map((f) => f.implementingUnit).sort()).toEqual(['另一个公路段', '某县公路段']);
  }, 120_000);

  it('what the build says about the archive reaches the card and the console: a 汇总表.xlsx open in Excel is not rewritten, and said', async () => {
    // A folder where the year's 汇总表.xlsx goes stands for the file held open on the server's computer.
    await rm(join(out, '2021', '汇总表.xlsx'));
    await mkdir(join(out, '2021', '汇总表.xlsx'));
    try {
      const view = await send('桥梁.xlsx', join(dir, 'c', '道路.xlsx'));
      const said = view.archive.find((m) => m.code === 'OUTPUT_FILE_NOT_WRITTEN');
      expect(said?.message).toContain('汇总表.xlsx');
      expect(view.forms[0]?.status).toBe('ok');
      expect(log.some((line) => line.startsWith('OUTPUT_FILE_NOT_WRITTEN：') && line.includes('汇总表.xlsx'))).toBe(true);
    } finally {
      await rm(join(out, '2021', '汇总表.xlsx'), { recursive: true });
    }
  }, 120_000);
});
