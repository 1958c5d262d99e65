import { copyFile, mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Manifest } from '../../src/model/manifest.js';
import { chromiumPath, launchChromium } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { seedPath } from '../helpers/pipeline.js';
import { startServe, type LiveServe } from '../helpers/serve.js';
import { filledTemplate } from '../helpers/template.js';
import { loadWorkbook } from '../helpers/xlsx.js';

const hasChromium = chromiumPath() !== null;
if (!hasChromium) console.warn('跳过浏览器测试：PATH 中没有 chromium(CI 由 .ci/run 用 apt 安装)。');

/** axe-core's own bundle, injected into each page checked (it runs in the page, as its browser extensions do). */
const axeSource = (): Promise<string> => readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let dir = '';
let out = '';
let browser: Browser | undefined;
let live: LiveServe | undefined;
let road = '';
let corrected = '';
let bridge = '';
let tunnel = '';

/**
 * An archive built by the CLI (the sample); then `serve` on it, where a road project with one score
 * above what the rules give comes in, and then again, corrected, under the same file name.
 */
beforeAll(async () => {
  if (!hasChromium) return;
  dir = await mkdtemp(join(tmpdir(), 'ziping-review-pages-'));
  const inbox = join(dir, '收件箱');
  await mkdir(inbox);
  await copyFile(seedPath, join(inbox, '机构编制.xlsx'));
  road = join(dir, 'a', '道路.xlsx');
  await filledTemplate(join(dir, 'a'), road, 2021, { costScore: 18 });
  corrected = join(dir, 'b', '道路.xlsx');
  await filledTemplate(join(dir, 'b'), corrected, 2021, { costScore: 20 });
  bridge = join(dir, '桥梁.xlsx');
  await filledTemplate(join(dir, 'c'), bridge, 2021, { name: '桥梁检测', costScore: 20 });
  // A project of the same department with a finding: the department keeps its 复核意见.xlsx.
  tunnel = join(dir, '隧道.xlsx');
  await filledTemplate(join(dir, 'd'), tunnel, 2021, { name: '隧道维修', costScore: 18 });
  out = join(dir, '归档');
  expect((await runCli(['build', inbox, '--out', out, '--quiet'])).code).toBe(0);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (live) await live.stop();
});

/** A tab whose page policy does not stop the checker's script (the serve page allows only its own). */
async function tab(width = 1280): Promise<Page> {
  if (!browser) throw new Error('Chromium did not start');
  const context = await browser.newContext({ bypassCSP: true, viewport: { width, height: 900 } });
  return context.newPage();
}

/** axe-core over the page: every violation, whatever its impact, as `rule (impact): where`. */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: await axeSource() });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: Document) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
  });
}

const manifest = async (): Promise<Manifest> => Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));

describe.skipIf(!hasChromium)('the review pages', () => {
  it('no accessibility violations (axe-core): the root page, a year page, a form view', async () => {
    const seed = (await manifest()).forms.find((f) => f.projectName === '机构编制管理事务经费');
    for (const path of [join(out, 'index.html'), join(out, '2021', 'index.html'), join(out, seed?.outputs?.html ?? 'missing')]) {
      const page = await tab();
      await page.goto(pathToFileURL(path).href);
      expect(await violations(page), path).toEqual([]);
      // And at a phone's width, where the tables become cards.
      await page.setViewportSize({ width: 390, height: 800 });
      expect(await violations(page), `${path} at 390 px`).toEqual([]);
      await page.context().close();
    }
  });

  it('serve: the card shows the form view, a click on a finding shows its cell there, no path repeated, what the correction changed; no accessibility violations', async () => {
    live = await startServe(['--out', out], dir);
    const page = await tab();
    await page.goto(live.url);
    await page.locator('#archive li[data-year="2021"]').waitFor();
    // The road project first, as the unit sent it; then, corrected, under the same name, with the others.
    await page.locator('#files').setInputFiles([road]);
    await page.locator('#progress', { hasText: '全部处理完毕。' }).waitFor({ timeout: 60_000 });
    await page.locator('#files').setInputFiles([seedPath, corrected, bridge, tunnel]);
    await expect.poll(() => page.locator('article.result').count(), { timeout: 60_000 }).toBe(5);
    await page.locator('#progress', { hasText: '全部处理完毕。' }).waitFor({ timeout: 60_000 });

    // The sample: the same bytes as archived, its view open in the card with every finding marked.
    const seedCard = page.locator('article.result', { has: page.locator('h3', { hasText: '2021-机构编制管理事务经费.xlsx' }) });
    const frame = seedCard.locator('details.view iframe');
    expect(await seedCard.locator('details.view').getAttribute('open')).not.toBeNull();
    const src = await frame.getAttribute('src');
    expect(src).toMatch(/\.html$/);
    // Findings name their cell once; the card names the file once and no finding repeats its path.
    const items = seedCard.locator('li.finding');
    expect(await items.count()).toBeGreaterThan(5);
    for (const text of await items.allInnerTexts()) expect(text).not.toContain('2021-机构编制管理事务经费.xlsx');
    expect((await items.allInnerTexts()).filter((t) => t.includes('SCORE_MISMATCH')).every((t) => !t.includes('文件“'))).toBe(true);
    // A click on a finding's cell shows that cell in the view.
    const link = seedCard.locator('li.finding a.cell', { hasText: 'H26' });
    await link.click();
    const view = frame.contentFrame();
    await expect.poll(async () => frame.evaluate((f) => (f as HTMLIFrameElement).contentWindow?.location.hash ?? '')).toBe('#c-H26');
    expect(await view.locator('td#c-H26').evaluate((td) => td.matches(':target') && td.classList.contains('mk'))).toBe(true);

    // The road project, corrected and sent again (kept as 道路-2.xlsx): the card says what changed…
    // (The page shows the newest card first.)
    const roadCard = page.locator('article.result', { has: page.locator('h3', { hasText: '道路.xlsx' }) }).first();
    expect(await roadCard.locator('p.revision').innerText()).toMatch(/^↻ 与上次提交相比：已全部更正 2 处\(H21 I21\)，现在没有问题$/);
    // …and the archive counts it once: the earlier upload went aside, 汇总表 has one row of it, 复核意见 none of its old findings.
    const uploads = `${out}-上传的表格`;
    expect((await readdir(join(uploads, '已被更正替换'))).sort()).toEqual(['道路.xlsx']);
    const manifest = Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
    expect(manifest.forms.filter((f) => f.projectName === '乡村道路养护').map((f) => f.source.split('/').pop())).toEqual(['道路-2.xlsx']);
    const summary = (await loadWorkbook(join(out, '2021', '汇总表.xlsx'))).getWorksheet('汇总表');
    const names: string[] = [];
    for (let r = 2; summary && r < summary.rowCount; r++) names.push(String(summary.getRow(r).getCell(3).value ?? ''));
    expect(names.filter((n) => n === '乡村道路养护')).toHaveLength(1);
    const review = (await loadWorkbook(join(out, '2021', '某县交通运输局', '复核意见.xlsx'))).getWorksheet('复核意见');
    const reviewed: string[] = [];
    for (let r = 2; review && r <= review.rowCount; r++) reviewed.push(String(review.getRow(r).getCell(1).value ?? ''));
    expect(reviewed.length).toBeGreaterThan(0);
    expect(reviewed).not.toContain('乡村道路养护');
    // A clean form (提示 at most): its view is there, closed.
    const bridgeCard = page.locator('article.result', { has: page.locator('h3', { hasText: '桥梁.xlsx' }) });
    expect(await bridgeCard.locator('details.view iframe').getAttribute('src')).toMatch(/\.html$/);
    expect(await bridgeCard.locator('details.view').getAttribute('open')).toBeNull();

    expect(await violations(page)).toEqual([]);
    await page.context().close();
  });
});
