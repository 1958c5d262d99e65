import { copyFile, mkdir, mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Manifest } from '../../src/model/manifest.js';
import { chromiumPath, horizontalOverflow, launchChromium, watchedPage } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { seedPath } from '../helpers/pipeline.js';
import { filledTemplate } from '../helpers/template.js';

const hasChromium = chromiumPath() !== null;
if (!hasChromium) console.warn('跳过浏览器测试：PATH 中没有 chromium(CI 由 .ci/run 用 apt 安装)。');

let out = '';
let browser: Browser | undefined;

/**
 * An archive of two years, built by the CLI: 乡村道路养护 (某县交通运输局) filed in 2020 and in
 * 2021 with different execution and cost scores; in 2021 also the sample (another department)
 * and 桥梁检测 (same department, one year only).
 */
beforeAll(async () => {
  if (!hasChromium) return;
  const dir = await mkdtemp(join(tmpdir(), 'ziping-pages-'));
  const inbox = join(dir, '收件箱');
  await mkdir(inbox);
  await filledTemplate(join(dir, 'a'), join(inbox, '2020-道路.xlsx'), '(2020年度)', { executed: 45, costScore: 20 });
  await filledTemplate(join(dir, 'b'), join(inbox, '2021-道路.xlsx'), 2021, { executed: 57, costScore: 14 });
  await filledTemplate(join(dir, 'c'), join(inbox, '2021-桥梁.xlsx'), 2021, { name: '桥梁检测', costScore: 20 });
  await copyFile(seedPath, join(inbox, '2021-机构编制.xlsx'));
  out = join(dir, '归档');
  const run = await runCli(['build', inbox, '--out', out, '--quiet']);
  expect(run.code).toBe(0);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

async function open(path: string, width = 1280): Promise<{ page: Page; problems: string[] }> {
  if (!browser) throw new Error('Chromium did not start');
  const tab = await watchedPage(browser, width);
  await tab.page.goto(pathToFileURL(path).href);
  return tab;
}

/** How a table's first body cell is shown: a block with its label before it (a card) on a phone, a table cell on a desktop. */
const cardLayout = (page: Page, table: string) =>
  page.locator(`${table} tbody tr:first-child td:nth-child(${table === '#projects' ? 4 : 1})`).evaluate((td) => ({
    display: getComputedStyle(td).display,
    before: getComputedStyle(td, '::before').content,
    label: td.getAttribute('data-label'),
  }));

const column = (page: Page, index: number): Promise<string[]> => page.locator(`#projects tbody tr:not([hidden]) td:nth-child(${index})`).allInnerTexts();

describe.skipIf(!hasChromium)('the year index, opened from the folder (file://)', () => {
  it('sorts by a click on a column header, both ways, and by grade rank', async () => {
    const { page, problems } = await open(join(out, '2021', 'index.html'));
    const names = await column(page, 4);
    expect(names).toHaveLength(3);
    const before = (await column(page, 11)).map(Number);
    // The page opens in archive order (主管部门, 项目名称), which here is not the order of the totals.
    expect(before).not.toEqual([...before].sort((a, b) => a - b));
    await page.getByRole('button', { name: '本次总分' }).click();
    const totals = (await column(page, 11)).map(Number);
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    expect(new Set(totals).size).toBeGreaterThan(1);
    expect(await page.locator('th[aria-sort="ascending"]').innerText()).toContain('本次总分');
    await page.getByRole('button', { name: '本次总分' }).click();
    expect((await column(page, 11)).map(Number)).toEqual([...totals].sort((a, b) => b - a));
    // 执行率 sorts as numbers, not as text ("95.00%" after "100.00%").
    await page.getByRole('button', { name: '执行率' }).click();
    const rates = (await column(page, 7)).map((t) => parseFloat(t));
    expect(rates).toEqual([...rates].sort((a, b) => a - b));
    await page.getByRole('button', { name: '等级' }).click();
    const grades = await column(page, 12);
    const rank = (g: string): number => ['优', '良', '中', '差'].indexOf(g);
    expect(grades.map(rank)).toEqual([...grades.map(rank)].sort((a, b) => a - b));
    await page.getByRole('button', { name: '项目名称' }).click();
    expect(await column(page, 4)).toEqual([...names].sort(new Intl.Collator('zh-CN').compare));
    expect(problems).toEqual([]);
  });

  it('sorts by a click anywhere in a header cell (below the text too), and from the keyboard', async () => {
    const { page, problems } = await open(join(out, '2021', 'index.html'));
    // 项目名称 is one line in a header row that two-line headers (全年预算数 / (万元)) make taller.
    const cell = page.locator('#projects thead th', { has: page.getByRole('button', { name: '项目名称' }) });
    const box = await cell.boundingBox();
    const text = await page.getByRole('button', { name: '项目名称' }).boundingBox();
    if (!box || !text) throw new Error('the header cell is not shown');
    expect(box.y + box.height - (text.y + text.height)).toBeGreaterThan(8);
    const names = await column(page, 4);
    const ascending = [...names].sort(new Intl.Collator('zh-CN').compare);
    expect(names).not.toEqual(ascending);
    // A click 3 px above the cell's bottom edge, and one near its right edge, below the text.
    await page.mouse.click(box.x + box.width / 2, box.y + box.height - 3);
    expect(await column(page, 4)).toEqual(ascending);
    expect(await cell.getAttribute('aria-sort')).toBe('ascending');
    await page.mouse.click(box.x + box.width - 4, box.y + box.height - 3);
    expect(await column(page, 4)).toEqual([...ascending].reverse());
    // Keyboard: Tab reaches the header's button; Enter and Space sort.
    const total = page.getByRole('button', { name: '本次总分' });
    await page.getByRole('button', { name: '复核总分' }).focus();
    await page.keyboard.press('Tab');
    expect(await total.evaluate((b) => b === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    const totals = (await column(page, 11)).map(Number);
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    await page.keyboard.press('Space');
    expect((await column(page, 11)).map(Number)).toEqual([...totals].sort((a, b) => b - a));
    expect(problems).toEqual([]);
  });

  it('filters by department and by grade, says how many it shows, and links the 汇总表 and the archive page', async () => {
    const { page, problems } = await open(join(out, '2021', 'index.html'));
    await expect.poll(() => page.locator('[data-filter-count]').innerText()).toBe('显示 3 / 3 项');
    await page.locator('select[data-filter="department"]').selectOption('某县交通运输局');
    expect(await column(page, 4)).toEqual(expect.arrayContaining(['乡村道路养护', '桥梁检测']));
    expect(await column(page, 2)).toEqual(['某县交通运输局', '某县交通运输局']);
    expect(await page.locator('[data-filter-count]').innerText()).toBe('显示 2 / 3 项');
    const grade = (await column(page, 12))[0] ?? '';
    await page.locator('select[data-filter="grade"]').selectOption(grade);
    expect((await column(page, 12)).every((g) => g === grade)).toBe(true);
    await page.locator('select[data-filter="department"]').selectOption('');
    await page.locator('select[data-filter="grade"]').selectOption('');
    expect(await column(page, 4)).toHaveLength(3);
    const summary = await page.getByRole('link', { name: '下载本年度汇总表(Excel)' }).evaluate((a) => (a as HTMLAnchorElement).href);
    expect((await readFile(fileURLToPath(summary))).subarray(0, 2).toString('latin1')).toBe('PK');
    const up = await page.getByRole('link', { name: '全部年度' }).evaluate((a) => (a as HTMLAnchorElement).href);
    expect(fileURLToPath(up)).toBe(join(out, 'index.html'));
    expect(problems).toEqual([]);
  });

  it('is readable at 390 px: no sideways scrolling, each project a card with its labels', async () => {
    const { page, problems } = await open(join(out, '2021', 'index.html'), 390);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(await cardLayout(page, '#projects')).toEqual({ display: 'block', before: expect.stringMatching(/attr\(data-label\)|项目名称/) as unknown, label: '项目名称' });
    // Sorting still works from the header buttons on a phone.
    await page.getByRole('button', { name: '本次总分' }).click();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!hasChromium)('the archive page (out/index.html)', () => {
  it('lists each year with counts, grades and links to its page and 汇总表', async () => {
    const { page, problems } = await open(join(out, 'index.html'));
    const years = await page.locator('#years tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-year')));
    expect(years).toEqual(['2021', '2020']);
    const row2021 = page.locator('#years tbody tr[data-year="2021"]');
    expect(await row2021.locator('td[data-label="项目数"]').innerText()).toBe('3');
    const manifest = Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
    const excellent2021 = manifest.forms.filter((f) => f.year === 2021 && f.grade === '优').length;
    expect(await row2021.locator('td[data-label="优"]').innerText()).toBe(String(excellent2021));
    for (const name of ['索引页', '汇总表']) {
      for (const year of ['2021', '2020']) {
        const href = await page.locator(`#years tr[data-year="${year}"] a`, { hasText: name }).evaluate((a) => (a as HTMLAnchorElement).href);
        expect((await stat(fileURLToPath(href))).isFile(), href).toBe(true);
      }
    }
    expect(problems).toEqual([]);
  });

  it('compares a project filed in consecutive years: totals, grades and execution rates', async () => {
    const { page, problems } = await open(join(out, 'index.html'));
    const manifest = Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
    const road = (year: number) => manifest.forms.find((f) => f.year === year && f.projectName === '乡村道路养护');
    const [before, after] = [road(2020), road(2021)];
    if (!before || !after) throw new Error('the two years did not build');
    const rows = page.locator('#compare-2021 tbody tr');
    // Only the project in both years: not 桥梁检测 (2021 only), not the sample (another department, one year).
    expect(await rows.count()).toBe(1);
    const text = (label: string) => rows.first().locator(`td[data-label="${label}"]`).innerText();
    expect(await text('项目名称')).toBe('乡村道路养护');
    expect(await text('主管部门')).toBe('某县交通运输局');
    expect(Number(await text('2020 总分'))).toBe(before.total);
    expect(Number(await text('2021 总分'))).toBe(after.total);
    expect(Number(await text('变化'))).toBeCloseTo((after.total ?? 0) - (before.total ?? 0), 6);
    expect(await text('2020 等级')).toBe(before.grade);
    expect(await text('2021 等级')).toBe(after.grade);
    expect(await text('2020 执行率')).toBe('75.00%');
    expect(await text('2021 执行率')).toBe('95.00%');
    const pdf = await rows
      .first()
      .locator('td[data-label="2021 总分"] a')
      .evaluate((a) => (a as HTMLAnchorElement).href);
    expect((await readFile(fileURLToPath(pdf))).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(problems).toEqual([]);
  });

  it('is readable at 390 px without sideways scrolling', async () => {
    const { page, problems } = await open(join(out, 'index.html'), 390);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(await cardLayout(page, '#compare-2021')).toMatchObject({ display: 'block', label: '主管部门' });
    expect(problems).toEqual([]);
  });
});
