import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { scoreForm } from '../../src/score/score-form.js';
import { renderForm } from '../helpers/pipeline.js';
import { pdfPages, squash } from '../helpers/pdf.js';
import { expectReadingOrder } from '../helpers/reading-order.js';
import { syntheticForm } from '../helpers/synthetic.js';
import { loadWorkbook, merges, splitAtPages } from '../helpers/xlsx.js';

const ningxia = loadProfile('ningxia');

describe('a form with 100 indicator lines', async () => {
  const input = syntheticForm(100);
  const { sheet, pdf, xlsx, pages: pageCount } = await renderForm(scoreForm(input, ningxia, 'auto'));
  const pages = pdfPages(pdf, true);

  it('prints on several pages, each continuation page opening with the indicator header', () => {
    expect(pageCount).toBeGreaterThanOrEqual(4);
    expect(pages).toHaveLength(pageCount);
    for (const page of pages.slice(1)) {
      const top = squash(page).slice(0, 50);
      for (const label of ['一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分']) expect(top).toContain(label);
    }
    expect(expectReadingOrder(sheet, pages)).toBeGreaterThan(500);
    expect(squash(pages[pages.length - 1] ?? '')).toMatch(/总分100100第\d+页，共\d+页$/);
  });

  it('never splits a row and never leaves the header alone at a page bottom', () => {
    const layout = sheet.pages;
    const bottom = 841.89 - sheet.page.margins.bottom;
    const seen = new Set<number>();
    for (const page of layout) {
      for (const r of page.rows) {
        expect(r.y + r.height).toBeLessThanOrEqual(bottom + 0.01);
        if (!r.repeated) seen.add(r.row);
      }
      const last = page.rows[page.rows.length - 1];
      expect(last?.row).not.toBe(13);
    }
    expect(seen.size).toBe(sheet.rows.length);
  });

  it('merges 一级/二级 down over their groups and 绩效指标 over all lines in the .xlsx', async () => {
    const wb = await loadWorkbook(xlsx);
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('no sheet');
    const m = merges(ws);
    // 绩效指标 runs from the header to the last line, one merged range per page.
    const a = m.filter((x) => /^A\d+:A\d+$/.test(x) && Number(/^A(\d+)/.exec(x)?.[1]) >= 13).sort();
    expect(a).toEqual(splitAtPages('A13:A113', sheet.pages).sort());
    expect(a.length).toBeGreaterThanOrEqual(sheet.pages.length - 1);
    expect(m).toContain('A114:F114');
    for (let r = 14; r <= 113; r++) expect(m).toContain(`I${r}:J${r}`);
    // 7 groups over 3 一级 blocks: 产出 (4 groups), 效益 (2), 满意度 (1)
    // (each group's range is split where the pages break)
    const b = m.filter((x) => /^B\d+:B\d+$/.test(x)).sort();
    expect(b).toEqual(['B14:B71', 'B72:B99', 'B100:B113'].flatMap((r) => splitAtPages(r, sheet.pages)).sort());
    const c = m.filter((x) => /^C\d+:C\d+$/.test(x));
    expect(c.length).toBeGreaterThanOrEqual(7);
    expect(ws.pageSetup.printTitlesRow).toBe('13:13');
  });
});
