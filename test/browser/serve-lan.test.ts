import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchChromium, watchedPage } from '../helpers/browser.js';
import { seedPath } from '../helpers/pipeline.js';
import { startServe, type LiveServe } from '../helpers/serve.js';
import { filledTemplate } from '../helpers/template.js';

const hasChromium = chromiumPath() !== null;

/**
 * The page shared on a network, in Chromium: serve on 127.0.0.2 with --token asks for the token as
 * it does on 0.0.0.0 or a LAN address (tests stay on loopback addresses). The printed address
 * opens the page and everything on it works through the cookie it sets; the same address without
 * the token, in a browser that has no cookie, shows the refusal page.
 */
let dir = '';
let live: LiveServe | undefined;
let browser: Browser | undefined;
let page: Page;
let problems: string[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  dir = await mkdtemp(join(tmpdir(), 'ziping-serve-lan-page-'));
  live = await startServe(['--out', join(dir, '归档'), '--host', '127.0.0.2', '--token'], dir);
  browser = await launchChromium();
  ({ page, problems } = await watchedPage(browser));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (live) expect(await live.stop()).toBe(0);
});

describe.skipIf(!hasChromium)('ziping serve shared on a network, in Chromium', () => {
  it('the printed address opens the page; uploads show their place in the queue, then their result; downloads work', async () => {
    if (!live) throw new Error('serve did not start');
    expect(live.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/\?token=/);
    const opened = await page.goto(live.url);
    expect(opened?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toBe('绩效自评表 复核与归档');
    await page.locator('#archive', { hasText: '还没有归档的表格。' }).waitFor();
    const road = join(dir, '道路养护.xlsx');
    await filledTemplate(join(dir, 'init'), road, 2022, { costScore: 18 });
    await page.locator('#files').setInputFiles([seedPath, road]);
    // Each upload's card says where it stands until its result is there.
    await page.locator('article.result p.queue[data-state]').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('article.result p.queue').first().innerText()).toMatch(/^(排队第 \d+ 个|正在生成)/);
    await page.locator('#progress', { hasText: '全部处理完毕。' }).waitFor({ timeout: 60_000 });
    expect(await page.locator('article.result .project').allInnerTexts()).toEqual(expect.arrayContaining(['机构编制管理事务经费', '乡村道路养护']));
    expect(await page.locator('article.result p.queue').count()).toBe(0);
    const card = page.locator('article.result', { has: page.locator('.project', { hasText: '乡村道路养护' }) });
    const [pdf] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: '下载 PDF' }).click()]);
    expect(pdf.suggestedFilename()).toBe('乡村道路养护.pdf');
    await page.locator('#archive li[data-year="2022"]').waitFor();
    expect(problems).toEqual([]);
  });

  it('the same address without the token, in a browser without the cookie, shows the refusal page', async () => {
    if (!live || !browser) throw new Error('serve did not start');
    const stranger = await browser.newContext();
    try {
      const tab = await stranger.newPage();
      const bare = live.url.replace(/\?token=.*$/, '');
      const refused = await tab.goto(bare);
      expect(refused?.status()).toBe(403);
      expect(await tab.locator('h1').innerText()).toBe('需要完整的地址');
      expect(await tab.locator('.refused').getAttribute('data-code')).toBe('SERVE_TOKEN_REQUIRED');
      expect(await tab.locator('body').innerText()).toContain('请向运行 ziping serve 的同事索取它显示的完整地址');
      const archive = await tab.goto(`${bare}api/archive`);
      expect(archive?.status()).toBe(403);
      expect(await archive?.text()).not.toContain('2022');
    } finally {
      await stranger.close();
    }
  });
});
