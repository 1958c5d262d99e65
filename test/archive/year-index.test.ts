import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/archive/build.js';
import { renderYearIndex } from '../../src/reports/year-index.js';
import type { ManifestForm } from '../../src/model/manifest.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { forced, root, typeset } from '../helpers/pipeline.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const HOSTILE = '<script>alert(1)</script>';
const grades = loadProfile('national').grades;
const QUOTED = 'A&B "引号"';

let out = '';
let page = '';
let html = '';
let forms: ManifestForm[] = [];

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'ziping-year-index-'));
  const inputs = [join(root, 'data'), join(root, 'test', 'fixtures', 'xlsx', 'hebei-2019.xlsx'), join(root, 'test', 'fixtures', 'xlsx', 'no-form.xlsx')];
  const { manifest } = await build(inputs, { out, profile: forced('national'), mode: 'auto', typeset });
  const seed = manifest.forms.find((f) => f.year === 2021 && f.status === 'ok');
  if (!seed) throw new Error('the seed form did not build');
  // Names a spreadsheet could carry; the outputs stay the seed's, so the links still lead to real files.
  forms = [
    seed,
    { ...seed, projectName: HOSTILE, department: `${HOSTILE}部门`, source: 'hostile.xlsx', total: 55 },
    { ...seed, projectName: QUOTED, implementingUnit: QUOTED, source: 'quoted.xlsx', total: null, computedTotal: 83.5 },
    ...manifest.forms.filter((f) => f.status === 'error'),
  ];
  html = await renderYearIndex({ year: '2021', forms, generator: manifest.generator, grades });
  page = join(out, '2021', 'index.html');
  await writeFile(page, html);
});

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('renderYearIndex (out/<年度>/index.html)', () => {
  it('escapes everything that came from a spreadsheet', () => {
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain(QUOTED);
    expect(html).toContain('A&amp;B &quot;引号&quot;');
    expect(html).toMatch(/<meta charset="utf-8">/);
    expect(html).toContain('<title>2021年度 项目支出绩效自评归档</title>');
    // Nothing to fetch: the page must work offline from file://. Its one script (sorting, filtering) is inline.
    expect(html).not.toMatch(/<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('shows counts, percents, grades, findings and the files that failed', () => {
    expect(html).toMatch(/项目数<b>3<\/b>/);
    expect(html).toMatch(/有错误的项目<b>3<\/b>/);
    expect(html).toMatch(/未能处理的文件<b>1<\/b>/);
    expect(html).toContain('68.96%');
    // The average uses 本次总分, and 复核总分 where 本次总分 is blank: (101.54 + 55 + 83.5) / 3.
    expect(html).toMatch(/平均得分<b>80.01<\/b>/);
    expect(html).toContain('<span class="sev sev-warning">警告</span> <code>SCORE_MISMATCH</code>');
    expect(html).toContain('未能处理的文件</h2>');
    expect(html).toContain('INGEST_NO_FORM');
  });

  it('states the grade lines of the profile the year was scored by, not fixed ones', async () => {
    expect(html).toContain('等级线：优 ≥ 90，良 ≥ 80，中 ≥ 60，差 &lt; 60。');
    const own = [
      { min: 85, grade: '优秀' },
      { min: 70.5, grade: '合格' },
      { min: -1e9, grade: '不合格' },
    ];
    const page = await renderYearIndex({ year: '2021', forms, generator: 'ziping 0.1.0', grades: own });
    expect(page).toContain('等级线：优秀 ≥ 85，合格 ≥ 70.5，不合格 &lt; 70.5。');
    expect(page).not.toContain('优 ≥ 90');
  });

  it('does not depend on the clock or on the order of the forms', async () => {
    const again = await renderYearIndex({ year: '2021', forms: [...forms].reverse(), generator: 'ziping 0.1.0', grades });
    expect(again).toBe(await renderYearIndex({ year: '2021', forms, generator: 'ziping 0.1.0', grades }));
    expect(await renderYearIndex({ year: '2021', forms, generator: 'ziping 0.1.0', grades, builtAt: '2024-05-01 10:00' })).toContain('生成时间：2024-05-01 10:00');
  });
});

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`跳过浏览器测试：没有找到 ${CHROMIUM}(CI 由 .ci/run 用 apt 安装 chromium)。`);

describe.skipIf(!hasChromium)('index.html in headless Chromium from file://', () => {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows every name as text, draws one bar per project, runs nothing and links to real files', async () => {
    if (!browser) throw new Error('Chromium did not start');
    const tab = await browser.newPage();
    const dialogs: string[] = [];
    const problems: string[] = [];
    tab.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    tab.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    tab.on('pageerror', (e) => problems.push(e.message));
    tab.on('requestfailed', (r) => problems.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
    await tab.goto(pathToFileURL(page).href);

    const text = await tab.locator('body').innerText();
    for (const name of [HOSTILE, QUOTED, '机构编制管理事务经费']) expect(text).toContain(name);
    expect(await tab.locator('h1').innerText()).toBe('2021年度 项目支出绩效自评归档');
    expect(await tab.locator('table tbody tr').count()).toBe(3);
    expect(await tab.locator('svg.chart').count()).toBe(1);
    const bars = tab.locator('svg.chart rect[data-project]');
    expect(await bars.count()).toBe(3);
    // Score 55 on a 0–100 axis: a bar 55% as long as the full-length 101.54 one.
    const widths = await bars.evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('width'))));
    expect(Math.min(...widths) / Math.max(...widths)).toBeCloseTo(0.55, 3);
    expect(await tab.locator('details').count()).toBe(3);
    expect(text).toContain('未能处理的文件');

    const hrefs = await tab.locator('a', { hasText: /^(PDF|Excel)$/ }).evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
    expect(hrefs).toHaveLength(6);
    for (const href of hrefs) {
      expect(href.startsWith(pathToFileURL(join(out, '2021')).href)).toBe(true);
      expect(existsSync(fileURLToPath(href)), href).toBe(true);
    }
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    await tab.close();
  });
});

describe('CI', () => {
  it('installs chromium for the browser test', () => {
    expect(readFileSync(join(root, '.ci', 'run'), 'utf8')).toMatch(/need\+=\(chromium\)/);
  });
});
