import { copyFile, mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/archive/build.js';
import { hasError } from '../../src/model/finding.js';
import type { Manifest, ManifestForm } from '../../src/model/manifest.js';
import { COLORS, rateScale } from '../../src/reports/year-report/charts.js';
import { SECTIONS } from '../../src/reports/year-report/document.js';
import { collator, departmentOf, median, scoreHistogram } from '../../src/reports/year-report/facts.js';
import { money, rate, score } from '../../src/reports/year-report/format.js';
import { displayScore } from '../../src/reports/year-index.js';
import { readManifest } from '../helpers/archive-check.js';
import { drawnPages, pageLines, pdfReaders, type DrawnPage } from '../helpers/pdf-drawing.js';
import { pdfFonts, pdfInfo, pdfOutline, squash } from '../helpers/pdf.js';
import { fixture, seedPath, typeset } from '../helpers/pipeline.js';
import { LONG_DEPARTMENT, writeSpecForms, type FormSpec } from '../helpers/report-forms.js';

/**
 * The year's printed report (年度报告.pdf), read back as a reader sees it: pdf.js for the text, the
 * bookmarks and the drawing operators of the charts, poppler for fonts and pages. Every number is
 * checked against the manifest the report was made from.
 */

const MARKUP = '<b>项目</b>&amp;<script>alert(1)</script>';
/** What the manifest keeps of it: reading drops the formatting tags and entities web systems leave in cells (src/model/text.ts). */
const MARKUP_READ = '项目&<script>alert(1)</script>';
const forms2021: FormSpec[] = [
  { year: 2021, department: '某某厅', name: '甲项目', share: 1, budget: 100, executed: 95 },
  { year: 2021, department: '某某厅', name: '乙项目', share: 0.5, budget: 200, executed: 100 },
  { year: 2021, department: '某某厅', name: '丙项目', share: 0.85, budget: 80, executed: 96 },
  { year: 2021, department: '第10局', name: '丁项目', share: 0.7, budget: 50, executed: 45 },
  { year: 2021, department: '第2局', name: MARKUP, share: 0.92, budget: 60, executed: 66 },
  // A three-page form first in its department's combined file, so the forms after it start later.
  { year: 2021, department: LONG_DEPARTMENT, name: '阿项目', share: 0.95, budget: 300, executed: 240, lines: 60 },
  { year: 2021, department: LONG_DEPARTMENT, name: '己项目', share: 0.88, budget: null, executed: 20 },
  { year: 2021, department: LONG_DEPARTMENT, name: '庚项目', share: 0.65, budget: 10, executed: 9 },
];
const forms2020: FormSpec[] = [
  { year: 2020, department: '某某厅', name: '甲项目', share: 0.9, budget: 100, executed: 90 },
  { year: 2020, department: '某某厅', name: '乙项目', share: 0.8, budget: 150, executed: 150 },
  { year: 2020, department: '第2局', name: '辛项目', share: 0.6, budget: 30, executed: 12 },
];

let dir: string;
let out: string;
let manifest: Manifest;
let report: Buffer;
let pages: DrawnPage[];
let lines: string[][];
const ok2021 = (): ManifestForm[] => manifest.forms.filter((f) => f.status === 'ok' && f.year === 2021);
const reportPath = (year: string): string => join(out, year, '年度报告.pdf');

async function buildArchive(input: string, to: string, archiveName?: string): Promise<void> {
  await build([input], { out: to, profile: { kind: 'auto' }, mode: 'auto', typeset, jobs: 1, ...(archiveName ? { archiveName } : {}) });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ziping-report-'));
  await writeSpecForms(join(dir, 'in'), [...forms2021, ...forms2020]);
  await copyFile(seedPath, join(dir, 'in', 'seed.xlsx'));
  await copyFile(fixture('no-form.xlsx'), join(dir, 'in', 'no-form.xlsx'));
  out = join(dir, '绩效归档');
  await buildArchive(join(dir, 'in'), out);
  manifest = await readManifest(out);
  report = await readFile(reportPath('2021'));
  pages = await drawnPages(report);
  lines = pages.map(pageLines);
}, 180_000);

/** The text of one column of the given pages (items starting between x0 and x1), top to bottom, whitespace removed. */
const columnText = (of: DrawnPage[], x0: number, x1: number): string =>
  squash(
    of
      .flatMap((p) => p.texts.filter((t) => t.x >= x0 && t.x < x1).sort((a, b) => a.y - b.y || a.x - b.x))
      .map((t) => t.text)
      .join(''),
  );

/** The rate a reader works out from the two sums as printed (`1,234.50`). */
const printedRate = (executed: string, budget: string): string => rate(Number(executed.replace(/,/g, '')) / Number(budget.replace(/,/g, '')));

/** The pages whose text holds `text` (whitespace ignored), 1-based. */
const pagesWith = (text: string): number[] => lines.flatMap((page, i) => (squash(page.join('')).includes(squash(text)) ? [i + 1] : []));

describe('the year report (年度报告.pdf)', () => {
  it('is written beside the year index, linked from it and from the archive page, and recorded in the manifest', async () => {
    const year = manifest.yearReports?.find((r) => r.year === '2021');
    expect(year?.report).toEqual({ path: '2021/年度报告.pdf', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), inputs: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(manifest.schema).toBe(1);
    expect(await readFile(join(out, '2021', 'index.html'), 'utf8')).toContain(`<a href="${encodeURIComponent('年度报告.pdf')}">本年度报告(PDF，可打印)</a>`);
    expect(await readFile(join(out, 'index.html'), 'utf8')).toContain(`<a href="2021/${encodeURIComponent('年度报告.pdf')}">年度报告</a>`);
    const info = pdfInfo(report);
    expect(info.Title).toBe('2021年度项目支出绩效自评情况报告');
    expect(info['Page size']).toMatch(/^595\.28 x 841\.89 pts \(A4\)/);
    // The language, for screen readers and text extraction, and the bookmarks shown on opening.
    const { PDFDocument, PDFName } = await import('pdf-lib');
    const catalog = (await PDFDocument.load(report, { updateMetadata: false })).catalog;
    expect(catalog.get(PDFName.of('Lang'))?.toString()).toBe('(zh-CN)');
    expect(catalog.get(PDFName.of('PageMode'))?.toString()).toBe('/UseOutlines');
  });

  it('has a bookmark per section, each opening the page its heading is on, and numbers every page 第 X 页，共 Y 页', async () => {
    const outline = await pdfOutline(report);
    expect(outline.map((o) => o.title)).toEqual(Object.values(SECTIONS));
    for (const o of outline) expect(pagesWith(o.title), o.title).toContain(o.page);
    expect(Number(pdfInfo(report).Pages)).toBe(pages.length);
    lines.forEach((page, i) => expect(page, `page ${i + 1}`).toContain(`第 ${i + 1} 页，共 ${pages.length} 页`));
  });

  it('names the archive and the newest form’s own save date on the title page, with the counts', () => {
    const title = squash(lines[0]?.join('') ?? '');
    expect(title).toContain('绩效归档');
    // Every form but the seed was written by the project's renderer, whose fixed date (2000-01-01) says
    // nothing of when a unit saved it: the seed alone tells, saved 2022-03-01 08:00 UTC (16:00 in Beijing).
    expect(title).toContain(squash(`2022年3月1日(最新一份自评表的保存时间；另有 ${ok2021().length - 1} 份没有记录)`));
    expect(title).toContain(squash(`项目${ok2021().length} 个`));
    expect(title).toContain(squash('无法处理的文件1 个'));
  });

  it('gives the overall numbers of the manifest: counts, average and median score, money and the overall rate', () => {
    const forms = ok2021();
    const scores = forms.map(displayScore).filter((s): s is number => s !== null);
    // 预算数, 执行数 and the rate over one set: the forms that state both (己项目 has no budget).
    const both = forms.filter((f) => typeof f.funds?.fullYearBudget === 'number' && typeof f.funds?.executed === 'number');
    expect(forms.length - both.length).toBe(1);
    const budget = both.reduce((a, f) => a + (f.funds?.fullYearBudget ?? 0), 0);
    const executed = both.reduce((a, f) => a + (f.funds?.executed ?? 0), 0);
    const overall = printedRate(money(executed), money(budget));
    const page = lines[pagesWith(SECTIONS.overview)[0]! - 1] ?? [];
    // Each row of the table: the label and its number on one line (the note beside them is smaller, on its own baseline).
    const row = (label: string, value: string): void => expect(page, label).toContain(`${label}${value}`);
    row('项目(自评表)', String(forms.length));
    row('主管部门', String(new Set(forms.map(departmentOf)).size));
    row('有错误的表格', String(forms.filter((f) => hasError(f.findings)).length));
    row('无法处理的文件', '1');
    row('本次总分平均', score(scores.reduce((a, b) => a + b, 0) / scores.length));
    row('本次总分中位数', score(median(scores)));
    row('全年预算数合计(万元)', money(budget));
    row('全年执行数合计(万元)', money(executed));
    row('总体执行率', overall);
    expect(squash(page.join(''))).toContain(squash('1 份未填写全年预算数，不计入(只计两项都填写了的表格)'));
    expect(squash(page.join(''))).toContain(squash('(1 份表格没有同时填写全年预算数和全年执行数，不计入这三项)'));
  });

  it('has one row per 主管部门, in name order with numbers by value, holding the manifest’s numbers', () => {
    const forms = ok2021();
    const names = [...new Set(forms.map(departmentOf))].sort(collator.compare);
    expect(names.indexOf('第2局')).toBeLessThan(names.indexOf('第10局'));
    const start = pagesWith(SECTIONS.departments)[0]! - 1;
    const table = pages[start]!;
    const rowsFound: string[] = [];
    for (const name of names) {
      const mine = forms.filter((f) => departmentOf(f) === name);
      // The row adds up: 预算数 and 执行数 over the forms that state both, the rate of the two as printed.
      const both = mine.filter((f) => typeof f.funds?.fullYearBudget === 'number' && typeof f.funds?.executed === 'number');
      const scores = mine.map(displayScore).filter((s): s is number => s !== null);
      const budget = money(both.reduce((a, f) => a + (f.funds?.fullYearBudget ?? 0), 0));
      const executed = money(both.reduce((a, f) => a + (f.funds?.executed ?? 0), 0));
      const expected = [
        String(mine.length),
        score(scores.reduce((a, b) => a + b, 0) / scores.length),
        ...['优', '良', '中', '差'].map((g) => String(mine.filter((f) => f.grade === g).length)),
        String(mine.filter((f) => hasError(f.findings)).length),
        budget,
        executed,
        printedRate(executed, budget),
      ];
      // The row's first line: the name's first line in the first column, then every number cell.
      const first = table.texts.find((t) => name.startsWith(t.text) && t.x < 80 && table.texts.some((u) => Math.abs(u.y - t.y) < 1 && u.x > 200));
      expect(first, name).toBeDefined();
      const cells = table.texts.filter((t) => Math.abs(t.y - (first?.y ?? 0)) < 1 && t.x > (first?.x ?? 0)).sort((a, b) => a.x - b.x);
      expect(
        cells.map((c) => c.text),
        name,
      ).toEqual(expected);
      rowsFound.push(name);
      // The whole name is in the first column of the page, whatever lines it took.
      expect(columnText([table], 0, 200), name).toContain(squash(name));
    }
    // …in that order, top to bottom.
    const ys = names.map((name) => table.texts.find((t) => name.startsWith(t.text) && t.x < 80)?.y ?? 0);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    expect(rowsFound).toHaveLength(names.length);
    // The table says which forms its money leaves out, and why.
    const without = forms.find((f) => f.funds?.fullYearBudget === null);
    expect(squash(lines[start]?.join('') ?? '')).toContain(squash(`没有计入金额的表格共 1 份：${departmentOf(without!)} 1 份未填写全年预算数。`));
  });

  it('draws the charts as vector bars whose heights and lengths are proportional to what they count', () => {
    const forms = ok2021();
    const chartPages = pages.filter((_p, i) => i + 1 >= pagesWith(SECTIONS.charts)[0]! && i + 1 < pagesWith(SECTIONS.departments)[0]!);
    const rects = chartPages.flatMap((p) => p.rects);
    const bars = (colors: string[]) => rects.filter((r) => colors.includes(r.color)).sort((a, b) => a.x0 - b.x0 || a.y0 - b.y0);
    // Grades: one bar per grade with forms, heights in the ratio of the counts.
    const grades = ['优', '良', '中', '差'].map((g) => forms.filter((f) => f.grade === g).length);
    const gradeBars = bars(COLORS.grades);
    expect(gradeBars.map((b) => b.color)).toEqual(COLORS.grades.filter((_c, i) => (grades[i] ?? 0) > 0));
    const unitGrade = (gradeBars[0]!.y1 - gradeBars[0]!.y0) / grades.find((c) => c > 0)!;
    gradeBars.forEach((b, i) => expect(b.y1 - b.y0).toBeCloseTo(unitGrade * (grades.filter((c) => c > 0)[i] ?? 0), 3));
    // Bars stand on one base line.
    expect(new Set(gradeBars.map((b) => b.y1.toFixed(2))).size).toBe(1);
    // Histogram: 5-point bins.
    const { bins } = scoreHistogram(forms.map(displayScore));
    const histogram = bars([COLORS.histogram]);
    const counted = bins.filter((b) => b.count > 0);
    expect(histogram).toHaveLength(counted.length);
    const unit = (histogram[0]!.y1 - histogram[0]!.y0) / counted[0]!.count;
    histogram.forEach((b, i) => expect(b.y1 - b.y0).toBeCloseTo(unit * counted[i]!.count, 3));
    // 执行率 by department, top to bottom in name order, lengths in the ratio of the rates.
    const names = [...new Set(forms.map(departmentOf))].sort(collator.compare);
    const rates = names.map((name) => {
      const both = forms.filter((f) => departmentOf(f) === name && (f.funds?.fullYearBudget ?? 0) > 0 && typeof f.funds?.executed === 'number');
      return both.reduce((a, f) => a + (f.funds?.executed ?? 0), 0) / both.reduce((a, f) => a + (f.funds?.fullYearBudget ?? 0), 0);
    });
    const rateBars = rects.filter((r) => [COLORS.rate, COLORS.rateLow, COLORS.rateHigh].includes(r.color)).sort((a, b) => a.y0 - b.y0);
    expect(rateBars).toHaveLength(names.length);
    const scale = rateScale(rates);
    const full = (rateBars[0]!.x1 - rateBars[0]!.x0) / (Math.min(rates[0]!, scale) / scale);
    rateBars.forEach((b, i) => expect(b.x1 - b.x0).toBeCloseTo((full * Math.min(rates[i]!, scale)) / scale, 3));
    expect(rateBars.map((b) => b.color)).toEqual(rates.map((r) => (r < 0.6 ? COLORS.rateLow : r > 1 ? COLORS.rateHigh : COLORS.rate)));
  });

  it('lists the forms that need a look, with their findings and the page each starts on in its 合并打印.pdf', async () => {
    const from = pagesWith(SECTIONS.attention)[0]! - 1;
    const to = pagesWith(SECTIONS.comparison)[0]! - 1;
    const text = squash(lines.slice(from, to).flat().join(''));
    // 差 (乙), 中 (丁, 庚), an error (己: no budget), 执行率 below 60 % (乙) or above 100 % (丙); not the others.
    const names = columnText(pages.slice(from, to), 0, 185);
    for (const name of ['乙项目', '丙项目', '丁项目', '己项目', '庚项目', MARKUP_READ]) expect(names, name).toContain(squash(name));
    for (const name of ['甲项目', '阿项目']) expect(names, name).not.toContain(name);
    expect(text).toContain(squash('等级为差；执行率低于 60%'));
    expect(text).toContain(squash('执行率高于 100%'));
    const noBudget = manifest.forms.find((f) => f.projectName === '己项目');
    const missing = noBudget?.findings.find((f) => f.code === 'FUNDS_BUDGET_MISSING');
    expect(missing?.cell).toBeDefined();
    // The findings column, read on its own (the columns beside it wrap on their own lines).
    expect(columnText(pages.slice(from, to), 240, 450)).toContain(squash(`FUNDS_BUDGET_MISSING ${missing?.cell?.split('!')[1] ?? ''}：全年预算数为“空”，无法计算执行率`));
    // The page in the combined file, checked against the combined file itself.
    const combinedOf = (name: string): Promise<Buffer> => {
      const pdf = manifest.forms.find((f) => f.projectName === name && f.year === 2021)?.outputs?.pdf ?? '';
      return readFile(join(out, posix.dirname(pdf), '合并打印.pdf'));
    };
    for (const name of ['庚项目', '己项目', '乙项目', '丙项目']) {
      const bookmark = (await pdfOutline(await combinedOf(name))).find((o) => o.title === name);
      expect(bookmark, name).toBeDefined();
      const page = pages.slice(from, to).find((p) => p.texts.some((t) => t.text === name))!;
      const row = page.texts.find((t) => t.text === name)!;
      const cell = page.texts.find((t) => Math.abs(t.y - row.y) < 1 && t.x > 450);
      expect(cell?.text, name).toBe(`第 ${bookmark?.page} 页`);
    }
    // 庚项目 follows the three-page 阿项目: it does not start on page 2.
    const long = await pdfOutline(await combinedOf('庚项目'));
    expect(long.find((o) => o.title === '庚项目')?.page).toBe(1 + (manifest.forms.find((f) => f.projectName === '阿项目')?.pages ?? 0));
    expect(manifest.forms.find((f) => f.projectName === '阿项目')?.pages).toBeGreaterThan(1);
    // Not in a combined file (the only form of its department): said as such.
    const single = pages.slice(from, to).find((p) => p.texts.some((t) => t.text === '丁项目'))!;
    const ding = single.texts.find((t) => t.text === '丁项目')!;
    expect(single.texts.find((t) => Math.abs(t.y - ding.y) < 1 && t.x > 450)?.text).toBe('—');
  });

  it('records each form’s page count in the manifest, as its PDF has them', async () => {
    for (const f of manifest.forms.filter((x) => x.outputs)) expect(f.pages, f.projectName ?? '').toBe(Number(pdfInfo(await readFile(join(out, f.outputs?.pdf ?? ''))).Pages));
  });

  it('compares with the previous year: the counts side by side and the projects filed in both', () => {
    const from = pagesWith(SECTIONS.comparison)[0]! - 1;
    const text = lines.slice(from).flat();
    expect(text.find((l) => l.startsWith('项目(自评表)'))).toBe(`项目(自评表)${forms2020.length}${ok2021().length}`);
    const row = (name: string) => text.find((l) => l.includes(name) && l.startsWith('某某厅'));
    const both = (name: string, year: number) => manifest.forms.find((f) => f.projectName === name && f.year === year)!;
    for (const name of ['甲项目', '乙项目']) {
      const [a, b] = [both(name, 2020), both(name, 2021)];
      const delta = (displayScore(b) ?? 0) - (displayScore(a) ?? 0);
      expect(row(name)).toBe(`某某厅${name}${score(displayScore(a))}${a.grade}${score(displayScore(b))}${b.grade}${delta > 0 ? '+' : ''}${score(delta)}`);
    }
    // 辛项目 was filed in 2020 only, 丙项目 in 2021 only.
    expect(text.some((l) => l.includes('辛项目') || l.includes('丙项目'))).toBe(false);
  });

  it('prints a project name holding markup as the text it is', () => {
    expect(manifest.forms.some((f) => f.projectName === MARKUP_READ)).toBe(true);
    expect(columnText(pages, 0, 185)).toContain(squash(MARKUP_READ));
  });

  it('reads cleanly in four independent readers: qpdf, MuPDF, Ghostscript, poppler (the department names come back as text)', () => {
    const readers = pdfReaders(report);
    expect(readers.qpdf).toBe('');
    expect(readers.mupdf).toBe('');
    expect(readers.ghostscript).toBe('');
    // A long name wraps in its cell, and poppler puts the cell beside it (a number) between its lines: those lines aside, each name is whole.
    const text = squash(
      readers.popplerText
        .split('\n')
        .filter((l) => !/^[\d,.%—+-]+$/.test(l.trim()))
        .join(''),
    );
    for (const name of new Set(ok2021().map(departmentOf))) expect(text, name).toContain(squash(name));
  });

  it('embeds every font it uses, as subsets with a ToUnicode map', () => {
    const fonts = pdfFonts(report);
    expect(fonts.length).toBeGreaterThanOrEqual(2);
    for (const f of fonts) expect(f, f.name).toMatchObject({ embedded: true, subset: true, unicode: true, type: 'CID Type 0C' });
  });
});

describe('rebuilding the year report', () => {
  it('gives the same bytes from the same forms, and leaves the file alone when no form of its year changed', async () => {
    // Another folder of the same name: the report prints the folder's name as the archive's.
    const again = join(await mkdtemp(join(tmpdir(), 'ziping-report-again-')), '绩效归档');
    await buildArchive(join(dir, 'in'), again);
    expect((await readFile(join(again, '2021', '年度报告.pdf'))).equals(report)).toBe(true);
    expect((await readFile(join(again, '2020', '年度报告.pdf'))).equals(await readFile(reportPath('2020')))).toBe(true);

    const before = { y2021: (await stat(reportPath('2021'))).mtimeMs, y2020: (await stat(reportPath('2020'))).mtimeMs };
    await buildArchive(join(dir, 'in'), out);
    expect((await stat(reportPath('2021'))).mtimeMs).toBe(before.y2021);
    // A 2019 form: 2020's report compares with it and is rewritten; 2021's is not touched.
    await writeSpecForms(join(dir, 'in'), [{ year: 2019, department: '某某厅', name: '甲项目', share: 0.7, budget: 100, executed: 70 }], 100);
    await buildArchive(join(dir, 'in'), out);
    expect((await stat(reportPath('2021'))).mtimeMs).toBe(before.y2021);
    expect((await stat(reportPath('2020'))).mtimeMs).not.toBe(before.y2020);
    // A year of one form lays out too: title page, every section, its own bookmarks.
    const single = await readFile(reportPath('2019'));
    expect((await pdfOutline(single)).map((o) => o.title)).toEqual(Object.values(SECTIONS).slice(0, 4));
    // Deleted by hand: written again, the same bytes.
    const { rm } = await import('node:fs/promises');
    await rm(reportPath('2021'));
    await buildArchive(join(dir, 'in'), out);
    expect((await readFile(reportPath('2021'))).equals(report)).toBe(true);
    // Another archive name (config archiveName): the title page changes, so the file does.
    await buildArchive(join(dir, 'in'), out, '自治区财政厅绩效评价归档');
    const renamed = await readFile(reportPath('2021'));
    expect(renamed.equals(report)).toBe(false);
    expect(squash(pageLines((await drawnPages(renamed))[0]!).join(''))).toContain('自治区财政厅绩效评价归档');
  }, 180_000);
});

describe('the report’s name', () => {
  it('is never taken by a form, whatever the name pattern puts beside it', async () => {
    const here = await mkdtemp(join(tmpdir(), 'ziping-report-name-'));
    await writeSpecForms(join(here, 'in'), [
      { year: 2021, department: '某某厅', name: '年度报告', share: 0.9, budget: 10, executed: 9 },
      { year: 2021, department: '某某厅', name: '另一个项目', share: 0.9, budget: 10, executed: 9 },
    ]);
    const to = join(here, 'out');
    await build([join(here, 'in')], { out: to, profile: { kind: 'auto' }, mode: 'auto', typeset, jobs: 1, namePattern: '{{年度}}/{{项目名称}}' });
    const m = await readManifest(to);
    expect(m.forms.find((f) => f.projectName === '年度报告')?.outputs?.pdf).toBe('2021/_年度报告.pdf');
    expect(m.yearReports?.[0]?.report?.path).toBe('2021/年度报告.pdf');
    expect(pdfInfo(await readFile(join(to, '2021', '年度报告.pdf'))).Title).toBe('2021年度项目支出绩效自评情况报告');
  }, 60_000);
});
