import { describe, expect, it } from 'vitest';
import { renderForm, scoreFile, seedPath } from '../helpers/pipeline.js';
import { pdfFonts, pdfInfo, pdfPages, squash } from '../helpers/pdf.js';
import { loadWorkbook, merges, partElements, splitAtPages } from '../helpers/xlsx.js';
import { expectReadingOrder } from '../helpers/reading-order.js';

describe('the seed rendered', async () => {
  const [scored] = await scoreFile(seedPath);
  if (!scored) throw new Error('seed not read');
  const { sheet, xlsx, pdf, pages: pageCount, findings } = await renderForm(scored, 'ningxia');
  const wb = await loadWorkbook(xlsx);
  const ws = wb.worksheets[0];
  if (!ws) throw new Error('no sheet');

  it('has exactly the merges of form-layout.md, each split where the pages break', () => {
    // 26 lines on rows 14–39, 总分 on row 40.
    const official = [
      'A1:C1',
      'A2:J2',
      'A3:J3',
      'A4:B4',
      'C4:J4',
      'A5:B5',
      'C5:D5',
      'F5:J5',
      'A6:A10',
      'H6:J6',
      'H7:J7',
      'H8:J8',
      'H9:J9',
      'H10:J10',
      'A11:A12',
      'B11:D11',
      'E11:J11',
      'B12:D12',
      'E12:J12',
      'A13:A39',
      'I13:J13',
      ...Array.from({ length: 26 }, (_, i) => `I${14 + i}:J${14 + i}`),
      // 一级: 产出 20 rows, 效益 5 rows (满意度 is one row, not merged)
      'B14:B33',
      'B34:B38',
      // 二级: 数量 10, 时效 2, 成本 8, 社会效益 2
      'C14:C23',
      'C24:C25',
      'C26:C33',
      'C35:C36',
      'A40:F40',
      'I40:J40',
    ];
    // A merged range over a page break prints as one range per page (the PDF and a spreadsheet
    // printed with the same breaks then both show its label on every page).
    const split = (range: string): string[] => splitAtPages(range, sheet.pages);
    expect(sheet.pages.length).toBeGreaterThanOrEqual(2);
    expect(merges(ws)).toEqual(official.flatMap(split).sort());
    // The indicator column is split at least once: the form runs over a page break.
    expect(merges(ws).filter((m) => m.startsWith('A') && Number(/^A(\d+)/.exec(m)?.[1]) >= 13 && !m.includes(':F')).length).toBe(sheet.pages.length);
  });

  it('prints on A4 portrait, one page wide, with the indicator header as print title', async () => {
    expect(ws.pageSetup.paperSize).toBe(9);
    expect(ws.pageSetup.orientation).toBe('portrait');
    // Printed at 100 % with the PDF's page breaks (fitting to a page would make a spreadsheet ignore them).
    expect(ws.pageSetup.fitToPage).toBe(false);
    expect(ws.pageSetup.scale).toBe(100);
    expect(ws.pageSetup.horizontalCentered).toBe(true);
    expect(ws.pageSetup.printTitlesRow).toBe('13:13');
    const breaks = (await partElements(xlsx, 'xl/worksheets/sheet1.xml', 'brk')).map((b) => Number(b.id));
    expect(breaks).toEqual(sheet.pages.slice(0, -1).map((p) => p.rows.filter((r) => !r.repeated).at(-1)?.row));
    expect(ws.headerFooter.oddFooter).toContain('第 &P 页，共 &N 页');
    expect(ws.pageSetup.margins?.left).toBeCloseTo(0.59, 2);
  });

  it('writes the cells with Office font names, numbers as numbers, borders on merged edges', () => {
    expect(ws.getCell('A2').value).toBe('自治区项目支出绩效自评表');
    expect(ws.getCell('A2').font.name).toBe('方正小标宋简体');
    expect(ws.getCell('A1').font.name).toBe('黑体');
    expect(ws.getCell('D14').font.name).toBe('宋体');
    expect(ws.getCell('C4').value).toBe('机构编制管理事务经费');
    expect(ws.getCell('E7').value).toBe(88.27);
    expect(ws.getCell('G7').value).toBeCloseTo(0.6896, 4);
    expect(ws.getCell('G7').numFmt).toBe('0%');
    expect(ws.getCell('H7').value).toBe(94.64);
    expect(ws.getCell('H32').value).toBe(2);
    expect(ws.getCell('G40').value).toBe(100);
    expect(ws.getCell('H40').value).toBe(94.64);
    expect(ws.getCell('J20').border?.right?.style).toBe('thin');
    expect(ws.getCell('A39').border?.left?.style).toBe('thin');
    expect(ws.getCell('D12').alignment?.wrapText).toBe(true);
    expect(ws.getRow(12).height).toBeGreaterThan(150);
  });

  it('renders an A4 portrait PDF with the layout’s pages and the fonts embedded as subsets', () => {
    expect(pageCount).toBe(sheet.pages.length);
    expect(pageCount).toBeGreaterThanOrEqual(2);
    const info = pdfInfo(pdf);
    expect(info.Pages).toBe(String(pageCount));
    expect(info['Page size']).toMatch(/^595\.2\d? x 841\.8\d? pts \(A4\)/);
    const fonts = pdfFonts(pdf);
    expect(fonts.length).toBeGreaterThanOrEqual(3);
    for (const f of fonts) expect(f).toMatchObject({ embedded: true, subset: true, unicode: true });
    expect(fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, '')).sort()).toEqual(['NotoSansCJKsc-Regular', 'NotoSerifCJKsc-Black', 'NotoSerifCJKsc-Regular']);
  });

  it('holds every label and value in reading order, and the indicator header again on every continuation page', () => {
    const pages = pdfPages(pdf, true);
    expect(pages).toHaveLength(pageCount);
    expect(expectReadingOrder(sheet, pages)).toBeGreaterThan(140);
    const squashed = pages.map(squash);
    const [p1 = ''] = squashed;
    for (const label of [
      '附件6',
      '自治区项目支出绩效自评表',
      '(2021年度)',
      '项目名称',
      '主管部门',
      '实施单位',
      '年初预算数',
      '全年预算数',
      '全年执行数',
      '执行率',
      '年度资金',
      '上年结转',
      '其他资金',
      '预期目标',
      '实际完成情况',
    ]) {
      expect(p1).toContain(squash(label));
    }
    // Continuation pages open with the repeated indicator header; the last ends with 总分 and each page with its number.
    for (const page of squashed.slice(1)) {
      const top = page.slice(0, 50);
      for (const label of ['一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分', '偏差原因分析及', '改进措施']) expect(top).toContain(label);
    }
    squashed.forEach((page, i) => expect(page).toMatch(new RegExp(`第${i + 1}页，共${pageCount}页$`)));
    expect(squashed.at(-1)).toMatch(/总分10094\.64第\d+页，共\d+页$/);
    const everything = squashed.join('');
    for (const line of scored.input.indicators) expect(everything).toContain(squash(line.name.text).slice(0, 6));
    expect(everything).not.toContain('<p>');
  });

  it('reports no missing glyphs for the seed', () => {
    expect(findings).toEqual([]);
  });
});
