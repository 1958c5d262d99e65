import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import type { ManifestForm } from '../../src/model/manifest.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { A4, CONTENT_WIDTH, SECTIONS } from '../../src/reports/year-report/document.js';
import { reportFacts } from '../../src/reports/year-report/facts.js';
import { renderReport } from '../../src/reports/year-report/render.js';
import { drawnPages, pageLines, pdfReaders, type DrawnPage } from '../helpers/pdf-drawing.js';
import { pdfOutline, squash } from '../helpers/pdf.js';
import { typeset } from '../helpers/pipeline.js';
import { printedPages, textOverBorders } from '../helpers/print-check.js';
import { LONG_DEPARTMENT } from '../helpers/report-forms.js';

/**
 * Layout of the year's report at the sizes offices reach: a year of one form, and a year of 400
 * forms in 60 departments whose names are 60 characters long, a third of them on the attention
 * list, some with markup in their names. Drawn straight from manifest entries (no forms built), and
 * checked page by page: no text on a line, nothing drawn outside the text area, a table's header
 * on each of its pages, no row split over two pages.
 */

const grades = loadProfile('ningxia').grades;

function finding(n: number, i: number, severity: Finding['severity']): Finding {
  const code = ['SCORE_MISMATCH', 'DEVIATION_REASON_MISSING', 'FUNDS_BUDGET_MISSING', 'WEIGHT_SUM'][i % 4] ?? 'SCORE_MISMATCH';
  const cell = `Sheet1!H${14 + i}`;
  return {
    severity,
    code,
    cell,
    file: `in/${n}.xlsx`,
    sheet: 'Sheet1',
    message: `文件“in/${n}.xlsx”工作表“Sheet1”单元格 H${14 + i}：第${n}号项目第${i + 1}个问题，指标得分与评分规则计算的结果不一致，请核对后重新填写。请修改。`,
  };
}

function entry(n: number, department: string, total: number, budget: number | null, executed: number | null, findings: Finding[], name = `第${n}号专项资金项目`): ManifestForm {
  const grade = [...grades].sort((a, b) => b.min - a.min).find((g) => total >= g.min)?.grade ?? null;
  return {
    source: `in/${String(n).padStart(4, '0')}.xlsx`,
    sheet: 'Sheet1',
    sourceSha256: String(n).padStart(64, '0'),
    status: 'ok',
    profile: 'ningxia',
    scores: 'auto',
    year: 2023,
    projectName: name,
    department,
    implementingUnit: `${department}本级`,
    funds: { initialBudget: budget, fullYearBudget: budget, executed, executionRate: budget && executed !== null ? executed / budget : null, weight: 10, score: null },
    indicators: [],
    totalWeight: 100,
    filledTotal: total,
    computedTotal: total,
    total,
    grade,
    findings,
    pages: 1 + (n % 3),
    sourceModified: `2023-12-${String(1 + (n % 28)).padStart(2, '0')}T02:00:00.000Z`,
  };
}

/** 60 departments, each named with 60 characters (the long name, numbered). */
const department = (d: number): string => `${LONG_DEPARTMENT.slice(0, 56)}第${String(d).padStart(2, '0')}处`;

function bigYear(): ManifestForm[] {
  return Array.from({ length: 400 }, (_, n) => {
    const flagged = n % 3 === 0;
    const total = flagged ? 40 + (n % 45) : 85 + (n % 15);
    const budget = 50 + ((n * 37) % 400);
    const rate = flagged ? [0.45, 1.3, 0.8][n % 9 === 0 ? 0 : n % 9 === 3 ? 1 : 2]! : 0.7 + (n % 30) / 100;
    const findings = flagged ? Array.from({ length: 2 + (n % 4) }, (_x, i) => finding(n, i, i === 0 && n % 2 === 0 ? 'error' : 'warning')) : [];
    const name = n % 50 === 7 ? `<b>第${n}号</b>&<script>alert(1)</script>项目，名称很长的综合性建设与运行维护经费` : `第${n}号专项资金项目`;
    return entry(n, department(n % 60), total, budget, Math.round(budget * rate * 100) / 100, findings, name);
  });
}

async function render(forms: ManifestForm[]): Promise<{ pdf: Uint8Array; pages: DrawnPage[]; lines: string[][] }> {
  const facts = reportFacts({ year: '2023', forms, archive: forms, archiveName: '自治区财政厅绩效归档', generator: 'ziping 0.1.0', grades, combined: new Map() });
  const pdf = await renderReport(facts, typeset);
  const pages = await drawnPages(pdf);
  return { pdf, pages, lines: pages.map(pageLines) };
}

/** Every page: no text within half a point of a line, no line or bar outside the text area; and four readers read it without a word. */
async function expectClean(pdf: Uint8Array): Promise<void> {
  const readers = pdfReaders(pdf);
  expect([readers.qpdf, readers.mupdf, readers.ghostscript]).toEqual(['', '', '']);
  const printed = await printedPages(pdf);
  for (const [i, page] of printed.entries()) {
    expect(
      textOverBorders(page).map((h) => h.text),
      `page ${i + 1}`,
    ).toEqual([]);
    const left = (A4.width - CONTENT_WIDTH) / 2;
    for (const b of page.borders) {
      expect(b.x0, `page ${i + 1}`).toBeGreaterThanOrEqual(left - 1);
      expect(b.x1, `page ${i + 1}`).toBeLessThanOrEqual(A4.width - left + 1);
    }
  }
}

describe('the year report’s layout', () => {
  it('lays out a year of one form: every section but the comparison, each bookmarked, clean', async () => {
    const { pdf, lines } = await render([entry(1, '某某厅', 92.5, 100, 88, [])]);
    expect((await pdfOutline(pdf)).map((o) => o.title)).toEqual(Object.values(SECTIONS).slice(0, 4));
    expect(squash(lines.flat().join(''))).toContain(squash('本年度没有需要关注的表格。'));
    await expectClean(pdf);
  });

  it('lays out 400 forms in 60 departments of 60-character names: headers repeated, no row split, nothing over a line', async () => {
    const forms = bigYear();
    const { pdf, pages } = await render(forms);
    await expectClean(pdf);
    const outline = await pdfOutline(pdf);
    const at = (title: string): number => outline.find((o) => o.title === title)?.page ?? 0;
    const departmentPages = pages.slice(at(SECTIONS.departments) - 1, at(SECTIONS.attention) - 1);
    const attentionPages = pages.slice(at(SECTIONS.attention) - 1);
    expect(departmentPages.length).toBeGreaterThan(1);
    expect(attentionPages.length).toBeGreaterThan(10);
    // The header row opens every page of each table (under the running title, and the section's heading on its first page).
    for (const [i, page] of departmentPages.entries())
      expect(
        pageLines(page).some((l) => l.startsWith('主管部门项目平均')),
        `department table page ${i + 1}`,
      ).toBe(true);
    for (const [i, page] of attentionPages.entries())
      expect(
        pageLines(page).some((l) => l.startsWith('项目名称 / 主管部门')),
        `attention page ${i + 1}`,
      ).toBe(true);
    // Each department's whole name in the first column of one page: its row was not split.
    const column = (page: DrawnPage, x0: number, x1: number): string =>
      squash(
        page.texts
          .filter((t) => t.x >= x0 && t.x < x1)
          .sort((a, b) => a.y - b.y || a.x - b.x)
          .map((t) => t.text)
          .join(''),
      );
    const firstColumn = (page: DrawnPage): string => column(page, 0, 185);
    for (let d = 0; d < 60; d++) expect(departmentPages.filter((p) => firstColumn(p).includes(squash(department(d)))).length, department(d)).toBe(1);
    // Each listed form: its name and every finding shown are on one page.
    const rate = (f: ManifestForm): number => f.funds?.executionRate ?? 1;
    const listed = forms.filter((f) => f.grade === '中' || f.grade === '差' || f.findings.some((x) => x.severity === 'error') || rate(f) < 0.6 || rate(f) > 1);
    expect(listed.length).toBeGreaterThan(100);
    // …and no other.
    const names = attentionPages.map(firstColumn).join('');
    for (const f of forms.filter((x) => !listed.includes(x))) expect(names.includes(squash(f.projectName ?? '') + squash(f.department ?? '')), f.projectName ?? '').toBe(false);
    for (const f of listed) {
      const name = squash(f.projectName ?? '');
      const page = attentionPages.find((p) => firstColumn(p).includes(name));
      expect(page, f.projectName ?? '').toBeDefined();
      const text = column(page!, 240, 450);
      const n = Number(/^in\/0*(\d+)/.exec(f.source)?.[1]);
      for (let i = 0; i < Math.min(3, f.findings.length); i++) expect(text, `${f.projectName} finding ${i + 1}`).toContain(squash(`第${n}号项目第${i + 1}个问题`));
    }
  }, 120_000);
});
