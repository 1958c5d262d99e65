import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Manifest, type ManifestForm } from '../../src/model/manifest.js';
import { readAllEntries } from '../../src/zip/zip-file.js';
import { chromiumPath, horizontalOverflow, launchChromium, watchedPage } from '../helpers/browser.js';
import { seedPath } from '../helpers/pipeline.js';
import { startServe, type LiveServe } from '../helpers/serve.js';
import { filledTemplate } from '../helpers/template.js';

const hasChromium = chromiumPath() !== null;
if (!hasChromium) console.warn('跳过浏览器测试：PATH 中没有 chromium(CI 由 .ci/run 用 apt 安装)。');

let dir = '';
let out = '';
let live: LiveServe | undefined;
let browser: Browser | undefined;
let page: Page;
let problems: string[] = [];
let road = '';

beforeAll(async () => {
  if (!hasChromium) return;
  dir = await mkdtemp(join(tmpdir(), 'ziping-serve-page-'));
  out = join(dir, '归档');
  road = join(dir, '道路养护.xlsx');
  // 2022, with one score above what the rules give (a warning).
  await filledTemplate(join(dir, 'init'), road, 2022, { costScore: 18 });
  live = await startServe(['--out', out], dir);
  browser = await launchChromium();
  ({ page, problems } = await watchedPage(browser));
  await page.goto(live.url);
  await page.locator('#archive', { hasText: '还没有归档的表格。' }).waitFor();
  // Two forms chosen with the file button, a broken one dropped on the box.
  await page.locator('#files').setInputFiles([seedPath, road]);
  await page.evaluate(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['this is not a workbook'], '坏文件.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
    document.getElementById('drop')?.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  });
  await page.locator('#progress', { hasText: '全部处理完毕。' }).waitFor({ timeout: 60_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (live) expect(await live.stop()).toBe(0);
});

const card = (name: string): Locator => page.locator('article.result', { has: page.locator('h3', { hasText: name }) });
const manifestForm = async (projectName: string): Promise<ManifestForm> => {
  const manifest = Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
  const form = manifest.forms.find((f) => f.projectName === projectName);
  if (!form) throw new Error(`${projectName} is not in the manifest`);
  return form;
};
const totalIn = async (c: Locator, label: string): Promise<string> =>
  c
    .locator('dl.totals div', { has: page.locator('dt', { hasText: label }) })
    .locator('dd')
    .innerText();

async function download(link: Locator): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
  return readFile(await file.path());
}

describe.skipIf(!hasChromium)('ziping serve in Chromium', () => {
  it('shows each valid form with its name, year, grade, totals and findings with cells', async () => {
    expect(await page.locator('article.result').count()).toBe(3);
    const seed = card('2021-机构编制管理事务经费.xlsx');
    const seedForm = await manifestForm('机构编制管理事务经费');
    expect(await seed.locator('.project').innerText()).toBe('机构编制管理事务经费');
    expect(await seed.locator('.meta').innerText()).toContain('2021年度');
    expect(await seed.locator('.grade').innerText()).toBe(seedForm.grade);
    expect(Number(await totalIn(seed, '复核总分'))).toBe(seedForm.computedTotal);
    expect(Number(await totalIn(seed, '填报总分'))).toBe(seedForm.filledTotal);
    expect(await totalIn(seed, '执行率')).toBe('68.96%');
    const mismatch = seed.locator('li[data-code="SCORE_MISMATCH"]', { has: page.locator('.cell', { hasText: /^单元格 H32$/ }) });
    expect(await mismatch.innerText()).toContain('改革调研等租车');
    expect(await seed.locator('ol.findings li').count()).toBe(seedForm.findings.length);

    const roadCard = card('道路养护.xlsx');
    const roadForm = await manifestForm('乡村道路养护');
    expect(await roadCard.locator('.project').innerText()).toBe('乡村道路养护');
    expect(await roadCard.locator('.meta').innerText()).toContain('2022年度');
    expect(await roadCard.locator('.meta').innerText()).toContain('某县交通运输局');
    expect(await roadCard.locator('.grade').innerText()).toBe(roadForm.grade);
    expect(Number(await totalIn(roadCard, '复核总分'))).toBe(roadForm.computedTotal);
    expect(Number(await totalIn(roadCard, '填报总分'))).toBe(roadForm.filledTotal);
    expect(roadForm.filledTotal).not.toBe(roadForm.computedTotal);
    expect(await roadCard.locator('li[data-code="SCORE_MISMATCH"] .cell').innerText()).toBe('单元格 H21');
  });

  it('shows the broken file’s Chinese error and code, while the others were built', async () => {
    const bad = card('坏文件.xlsx');
    expect(await bad.getAttribute('class')).toContain('failed');
    expect(await bad.locator('code.code').innerText()).toMatch(/^INGEST_/);
    expect(await bad.innerText()).toContain('无法处理');
    expect(await bad.innerText()).toContain('另存为');
  });

  it('downloads a form’s PDF and Excel copies and a zip of all of them', async () => {
    const pdf = await download(card('2021-机构编制管理事务经费.xlsx').getByRole('link', { name: '下载 PDF' }));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const xlsx = await download(card('道路养护.xlsx').getByRole('link', { name: '下载 Excel' }));
    expect(xlsx.subarray(0, 2).toString('latin1')).toBe('PK');
    const zip = await download(page.getByRole('link', { name: '全部下载(zip)' }));
    const names = readAllEntries(zip, 1e8)?.map((e) => e.name) ?? [];
    expect(names).toHaveLength(6);
    expect(names.filter((n) => n.endsWith('.pdf'))).toHaveLength(2);
    expect(names.filter((n) => n.endsWith('.html'))).toHaveLength(2);
  });

  it('keeps answering, and lists the archive by year with its pages', async () => {
    if (!live) throw new Error('serve did not start');
    expect((await fetch(live.url)).status).toBe(200);
    expect(await page.locator('#archive li[data-year]').evaluateAll((items) => items.map((i) => i.getAttribute('data-year')))).toEqual(['2022', '2021']);
    const summary = await download(page.locator('#archive li[data-year="2022"]').getByRole('link', { name: '汇总表' }));
    expect(summary.subarray(0, 2).toString('latin1')).toBe('PK');
    const year = await (await browser?.newPage())?.goto(new URL((await page.locator('#archive li[data-year="2021"]').getByRole('link', { name: '索引页' }).getAttribute('href')) ?? '', live.url).href);
    expect(year?.status()).toBe(200);
    expect(await year?.text()).toContain('2021年度 项目支出绩效自评归档');
  });

  it('fits a 390 px wide phone screen without sideways scrolling, with no console errors', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
  });
});
