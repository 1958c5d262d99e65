import type { DocumentDefinition } from 'pdfmake';
import { FIXED_DATE } from '../../zip/fixed-date.js';
import { gradeColor, histogramBars, rateChart, verticalBars, type TableNode } from './charts.js';
import { leftOutCount, type AttentionRow, type Comparison, type ReportFacts, type Totals } from './facts.js';
import { money, rate, score } from './format.js';
import { fillWidths, gridLayout } from './table-layout.js';
import type { LineNode, ReportText, TextStyle } from './text-lines.js';

/**
 * The year's report as a pdfmake document definition: A4 portrait, a title page and five
 * sections, each with a bookmark. Every text that can wrap is broken by the typesetter at the
 * width of the place it goes (see text-lines.ts); tables repeat their header on each page and
 * never split a row.
 */

export const A4 = { width: 595.28, height: 841.89 };
const MARGIN = { x: 56, top: 60, bottom: 56 };
export const CONTENT_WIDTH = A4.width - 2 * MARGIN.x;

export const TITLE = '项目支出绩效自评情况报告';

/** Section headings, in order; each is a bookmark. */
export const SECTIONS = { overview: '一、总体情况', charts: '二、得分与执行情况图', departments: '三、分部门情况', attention: '四、需要关注的项目', comparison: '五、与上年对比' } as const;

const S = {
  body: { role: 'song', size: 10.5 },
  note: { role: 'song', size: 8.5, color: '#404040' },
  h1: { role: 'hei', bold: true, size: 15 },
  h2: { role: 'hei', bold: true, size: 11 },
  head: { role: 'hei', bold: true, size: 8 },
  cell: { role: 'song', size: 8.5 },
  cellStrong: { role: 'song', bold: true, size: 8.5 },
  cellNote: { role: 'song', size: 7.5, color: '#505050' },
  number: { role: 'hei', size: 8.5 },
  finding: { role: 'song', size: 7.5 },
  reason: { role: 'hei', size: 7.5, color: '#9a1c1c' },
} satisfies Record<string, TextStyle>;

type Node = Record<string, unknown> | LineNode | TableNode;

/** A heading that opens a bookmark; pdfmake moves it to the next page rather than leave it last on one. */
function heading(t: ReportText, text: string, level: 1 | 2): Node {
  const style = level === 1 ? S.h1 : S.h2;
  return { ...t.line(text, style), ...(level === 1 ? { outline: true, outlineText: text } : {}), headlineLevel: level, margin: level === 1 ? [0, 6, 0, 10] : [0, 10, 0, 6] };
}

const paragraph = (t: ReportText, text: string, style: TextStyle = S.body, margin = [0, 0, 0, 6]): Node => ({ ...t.block(text, CONTENT_WIDTH, style), margin });

/** A fixed-width column wide enough for every text it holds in one line (headers may wrap at their own `\n`). */
function columnWidth(t: ReportText, texts: string[], style: TextStyle, header: string, min = 14): number {
  const widest = Math.max(min, ...texts.map((s) => t.width(s, style)), ...header.split('\n').map((h) => t.width(h, S.head)));
  return Math.ceil(widest + 0.5);
}

const cells = (t: ReportText, texts: string[], widths: number[], style: TextStyle, alignment?: LineNode['alignment']) => texts.map((text, i) => t.block(text, widths[i] ?? 40, style, alignment));

function titlePage(t: ReportText, facts: ReportFacts): Node[] {
  const { totals } = facts;
  const dated =
    facts.newestSource.date === null
      ? '表格中没有记录保存时间'
      : `${facts.newestSource.date}(最新一份自评表的保存时间${facts.newestSource.undated > 0 ? `；另有 ${facts.newestSource.undated} 份没有记录` : ''})`;
  const rows: Array<[string, string]> = [
    ['数据截至', dated],
    ['项目', `${totals.projects} 个`],
    ['主管部门', `${totals.departments} 个`],
    ['有错误的表格', `${totals.withErrors} 份`],
    ['无法处理的文件', `${totals.failed} 个`],
    ['本次总分平均', score(totals.average)],
  ];
  const widths = [80, 250];
  return [
    { ...t.block(facts.archiveName, CONTENT_WIDTH, { role: 'hei', size: 14, color: '#333333' }, 'center'), margin: [0, 150, 0, 24] },
    { ...t.line(facts.yearLabel, { role: 'title', size: 22 }, 'center'), margin: [0, 0, 0, 10] },
    { ...t.line(TITLE, { role: 'title', size: 26 }, 'center'), margin: [0, 0, 0, 40] },
    {
      columns: [
        { width: '*', text: '' },
        {
          width: 'auto',
          table: { widths, body: rows.map(([k, v]) => [t.block(k, widths[0] ?? 80, { role: 'hei', size: 10 }), t.block(v, widths[1] ?? 250, { role: 'song', size: 10 })]) },
          layout: { ...gridLayout, fillColor: () => null },
        },
        { width: '*', text: '' },
      ],
    },
    { ...t.block(`由 ${facts.generator} 根据归档清单(manifest.json)生成；数字与年度索引页、汇总表一致。`, CONTENT_WIDTH, S.note, 'center'), margin: [0, 60, 0, 0], pageBreak: 'after' },
  ];
}

/** Why forms are left out of a total's money: `1 份未填写全年预算数，2 份未填写全年执行数`; '' when none is. */
function leftOutWhy(t: Pick<Totals, 'leftOut'>): string {
  const parts: Array<[number, string]> = [
    [t.leftOut.noBudget, '未填写全年预算数'],
    [t.leftOut.noExecuted, '未填写全年执行数'],
    [t.leftOut.neither, '两项都未填写'],
  ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, why]) => `${n} 份${why}`)
    .join('，');
}

/** What the money of the report counts, said where it is printed. */
const MONEY_RULE = '全年预算数、全年执行数和执行率只计两项都填写了的表格(三者出自同一组表格)，执行率 = 印出的执行数 ÷ 印出的预算数';

function overview(t: ReportText, facts: ReportFacts): Node[] {
  const x = facts.totals;
  const intro =
    `${facts.yearLabel}共归档项目支出绩效自评表 ${x.projects} 份，涉及主管部门 ${x.departments} 个；` +
    `本次总分平均 ${score(x.average)} 分，中位数 ${score(x.median)} 分；` +
    `全年预算数合计 ${money(x.budget)} 万元，全年执行数合计 ${money(x.executed)} 万元，总体执行率 ${rate(x.rate)}` +
    (leftOutCount(x) > 0 ? `(${leftOutCount(x)} 份表格没有同时填写全年预算数和全年执行数，不计入这三项)。` : '。') +
    (x.withErrors > 0 ? `有错误的表格 ${x.withErrors} 份，` : '没有带错误的表格，') +
    (x.failed > 0 ? `另有 ${x.failed} 个文件无法处理(见年度索引页)。` : '没有无法处理的文件。');
  const rows: Array<[string, string, string]> = [
    ['项目(自评表)', `${x.projects}`, ''],
    ['主管部门', `${x.departments}`, ''],
    ['有错误的表格', `${x.withErrors}`, '错误级问题至少一个'],
    ['无法处理的文件', `${x.failed}`, '读不出年度，各年度报告都计入'],
    ['本次总分平均', score(x.average), x.projects - x.scored > 0 ? `${x.projects - x.scored} 份没有总分，不计入` : `${x.scored} 份`],
    ['本次总分中位数', score(x.median), ''],
    ['全年预算数合计(万元)', money(x.budget), leftOutCount(x) > 0 ? `${leftOutWhy(x)}，不计入(只计两项都填写了的表格)` : '只计两项都填写了的表格'],
    ['全年执行数合计(万元)', money(x.executed), '与预算数合计为同一组表格'],
    ['总体执行率', rate(x.rate), '印出的执行数合计 ÷ 印出的预算数合计'],
  ];
  const widths = fillWidths(CONTENT_WIDTH, [120, 90, null]);
  return [
    heading(t, SECTIONS.overview, 1),
    paragraph(t, intro),
    {
      table: {
        headerRows: 1,
        dontBreakRows: true,
        widths,
        body: [
          cells(t, ['指标', '数值', '说明'], widths, S.head),
          ...rows.map(([k, v, n]) => [t.block(k, widths[0] ?? 0, S.cell), t.block(v, widths[1] ?? 0, S.number, 'right'), t.block(n, widths[2] ?? 0, S.cellNote)]),
        ],
      },
      layout: gridLayout,
      margin: [0, 4, 0, 12],
    },
  ];
}

function charts(t: ReportText, facts: ReportFacts): Node[] {
  const { histogram, outsideHistogram: out } = facts;
  const axis = 24;
  const outside = [out.below > 0 ? `低于 0 分 ${out.below} 份` : '', out.above > 0 ? `高于 100 分 ${out.above} 份` : '', out.none > 0 ? `没有总分 ${out.none} 份` : ''].filter(Boolean);
  const names = facts.departments.map((d) => d.name);
  const nameWidth = Math.min(170, Math.max(60, ...names.map((n) => t.width(n, S.cell) + 1)));
  const [name = 0, bar = 0, value = 0] = fillWidths(CONTENT_WIDTH, [nameWidth, null, 48]);
  return [
    heading(t, SECTIONS.charts, 1),
    heading(t, '1. 等级分布(份)', 2),
    {
      ...verticalBars(
        t,
        facts.totals.grades.map((g, i) => ({ label: g.grade, count: g.count, color: gradeColor(i) })),
        56,
        90,
      ),
      margin: [axis, 0, 0, 8],
    },
    heading(t, '2. 本次总分分布(每 5 分一组，含下限不含上限，100 分计入 95–100)', 2),
    { ...verticalBars(t, histogramBars(histogram), (CONTENT_WIDTH - axis) / histogram.length, 110), margin: [axis, 0, 0, 4] },
    ...(outside.length > 0 ? [paragraph(t, `另有${outside.join('，')}，不在图中。`, S.note)] : []),
    heading(t, '3. 分部门执行率(全年执行数合计 ÷ 全年预算数合计)', 2),
    rateChart(t, facts.departments, { name, bar, value }, S.cell),
  ];
}

function departmentTable(t: ReportText, facts: ReportFacts): Node[] {
  const grades = facts.totals.grades.map((g) => g.grade);
  const rowTexts = (d: Omit<Totals, 'departments'>): string[] => [
    String(d.projects),
    score(d.average),
    ...grades.map((g) => String(d.grades.find((x) => x.grade === g)?.count ?? 0)),
    String(d.withErrors),
    money(d.budget),
    money(d.executed),
    rate(d.rate),
  ];
  const heads = ['项目\n数', '平均\n分', ...grades, '有\n错误', '全年预算数\n(万元)', '全年执行数\n(万元)', '执行率'];
  const all = [...facts.departments.map(rowTexts), rowTexts(facts.totals)];
  const numberWidths = heads.map((h, i) =>
    columnWidth(
      t,
      all.map((r) => r[i] ?? ''),
      S.number,
      h,
    ),
  );
  const widths = fillWidths(CONTENT_WIDTH, [null, ...numberWidths]);
  const nameWidth = widths[0] ?? 0;
  const row = (name: string, texts: string[], style: TextStyle) => [t.block(name, nameWidth, style), ...texts.map((s, i) => t.block(s, widths[i + 1] ?? 0, S.number, 'right'))];
  return [
    { ...heading(t, SECTIONS.departments, 1), pageBreak: 'before' },
    paragraph(t, `每个主管部门一行，按部门名称排序；平均分是本次总分的平均。${MONEY_RULE}。末行为全年度合计。`, S.note),
    ...(leftOutCount(facts.totals) > 0
      ? [
          paragraph(
            t,
            `没有计入金额的表格共 ${leftOutCount(facts.totals)} 份：${facts.departments
              .filter((d) => leftOutCount(d) > 0)
              .map((d) => `${d.name} ${leftOutWhy(d)}`)
              .join('；')}。`,
            S.note,
          ),
        ]
      : []),
    {
      table: {
        headerRows: 1,
        dontBreakRows: true,
        widths,
        body: [
          [t.block('主管部门', nameWidth, S.head), ...heads.map((h, i) => t.block(h, widths[i + 1] ?? 0, S.head, 'center'))],
          ...facts.departments.map((d) => row(d.name, rowTexts(d), S.cell)),
          row('合计', rowTexts(facts.totals), S.cellStrong),
        ],
      },
      layout: gridLayout,
    },
  ];
}

function attentionTable(t: ReportText, facts: ReportFacts): Node[] {
  const intro = `列出等级为${facts.attentionGrades.join('或')}、有错误、或执行率低于 60% 或高于 100% 的表格，每份列出最先要看的 3 个问题(代码、单元格、说明)；全部问题见年度索引页。“合并打印”一栏是该表在本部门合并打印.pdf 中的起始页码。`;
  const head = [heading(t, SECTIONS.attention, 1), paragraph(t, intro, S.note)];
  if (facts.attention.length === 0) return [{ ...head[0], pageBreak: 'before' }, ...head.slice(1), paragraph(t, '本年度没有需要关注的表格。')];
  const widths = fillWidths(CONTENT_WIDTH, [128, 54, null, 42]);
  const [w0 = 0, , w2 = 0, w3 = 0] = widths;
  const row = (a: AttentionRow) => [
    { stack: [...t.block(a.name, w0, S.cellStrong).stack, ...t.block(a.department, w0, S.cellNote).stack] },
    { stack: [t.line(`${score(a.score)} 分`, S.number), t.line(`等级 ${a.grade}`, S.number), t.line(`执行 ${rate(a.rate)}`, S.number)] },
    {
      stack: [
        ...t.block(a.reasons.join('；'), w2, S.reason).stack,
        ...a.findings.flatMap((f) => t.block(`${f.code}${f.cell ? ` ${f.cell}` : ''}：${f.text}`, w2, S.finding).stack),
        ...(a.more > 0 ? t.block(`另有 ${a.more} 个问题`, w2, S.cellNote).stack : []),
      ],
    },
    t.block(a.combined === null ? '—' : a.combined.page === null ? '页码不明' : `第 ${a.combined.page} 页`, w3, S.number, 'right'),
  ];
  return [
    { ...head[0], pageBreak: 'before' },
    ...head.slice(1),
    {
      table: {
        headerRows: 1,
        dontBreakRows: true,
        widths,
        body: [cells(t, ['项目名称 / 主管部门', '总分 / 等级 / 执行率', '关注原因与主要问题', '合并打印'], widths, S.head), ...facts.attention.map(row)],
      },
      layout: gridLayout,
    },
  ];
}

function comparisonSection(t: ReportText, c: Comparison): Node[] {
  const line = (label: string, a: string, b: string): string[] => [label, a, b];
  const grades = [...new Set([...c.before.grades, ...c.after.grades].map((g) => g.grade))];
  const count = (x: Totals, g: string): string => String(x.grades.find((y) => y.grade === g)?.count ?? 0);
  const counts = [
    line('项目(自评表)', String(c.before.projects), String(c.after.projects)),
    line('主管部门', String(c.before.departments), String(c.after.departments)),
    line('本次总分平均', score(c.before.average), score(c.after.average)),
    line('本次总分中位数', score(c.before.median), score(c.after.median)),
    ...grades.map((g) => line(`等级为${g}`, count(c.before, g), count(c.after, g))),
    line('有错误的表格', String(c.before.withErrors), String(c.after.withErrors)),
    line('全年预算数合计(万元)', money(c.before.budget), money(c.after.budget)),
    line('全年执行数合计(万元)', money(c.before.executed), money(c.after.executed)),
    line('总体执行率', rate(c.before.rate), rate(c.after.rate)),
  ];
  const cw = fillWidths(CONTENT_WIDTH, [null, 110, 110]);
  const countTable: TableNode = {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths: cw,
      body: [
        cells(t, ['', `${c.from}年度`, `${c.to}年度`], cw, S.head, 'center'),
        ...counts.map(([k = '', a = '', b = '']) => [t.block(k, cw[0] ?? 0, S.cell), t.block(a, cw[1] ?? 0, S.number, 'right'), t.block(b, cw[2] ?? 0, S.number, 'right')]),
      ],
    },
    layout: gridLayout,
    margin: [0, 0, 0, 12],
  };
  const numbers = [34, 24, 34, 24, 34];
  const pw = fillWidths(CONTENT_WIDTH, [110, null, ...numbers]);
  const projects: Node =
    c.rows.length === 0
      ? paragraph(t, `${c.from}年度和${c.to}年度没有主管部门和项目名称都相同的项目。`)
      : {
          table: {
            headerRows: 1,
            dontBreakRows: true,
            widths: pw,
            body: [
              cells(t, ['主管部门', '项目名称', `${c.from}\n总分`, '等级', `${c.to}\n总分`, '等级', '变化'], pw, S.head),
              ...c.rows.map((r) => [
                t.block(r.department, pw[0] ?? 0, S.cell),
                t.block(r.name, pw[1] ?? 0, S.cell),
                ...cells(t, [r.before.total, r.before.grade, r.after.total, r.after.grade, r.change], pw.slice(2), S.number, 'right'),
              ]),
            ],
          },
          layout: gridLayout,
        };
  return [
    { ...heading(t, SECTIONS.comparison, 1), pageBreak: 'before' },
    heading(t, `1. 两个年度的总体情况`, 2),
    countTable,
    heading(t, `2. 两个年度都有自评表的项目(${c.rows.length} 个，主管部门和项目名称都相同)`, 2),
    projects,
  ];
}

/** The whole document: metadata, page setup, header and footer, and the sections. */
export function reportDocument(t: ReportText, facts: ReportFacts): DocumentDefinition {
  const title = `${facts.yearLabel}${TITLE}`;
  return {
    pageSize: 'A4',
    pageOrientation: 'portrait',
    pageMargins: [MARGIN.x, MARGIN.top, MARGIN.x, MARGIN.bottom],
    version: '1.7',
    language: 'zh-CN',
    displayTitle: true,
    // Same forms, same bytes: fixed dates (pdfkit derives the file ID from them and the rest of the info).
    info: { title, author: facts.archiveName, subject: TITLE, creator: facts.generator, producer: `${facts.generator} (pdfmake)`, creationDate: FIXED_DATE, modDate: FIXED_DATE },
    defaultStyle: { font: 'serif', fontSize: S.body.size, lineHeight: 1.15 },
    header: (page: number) => (page === 1 ? null : { ...t.line(title, { role: 'song', size: 8, color: '#707070' }, 'right'), margin: [MARGIN.x, 28, MARGIN.x, 0] }),
    footer: (page: number, pages: number) => ({ ...t.line(`第 ${page} 页，共 ${pages} 页`, { role: 'song', size: 9 }, 'center'), margin: [0, 20, 0, 0] }),
    // A heading never ends a page: it goes over with what it heads.
    pageBreakBefore: (node: { headlineLevel?: number }, around: { getFollowingNodesOnPage: () => unknown[] }) => node.headlineLevel !== undefined && around.getFollowingNodesOnPage().length === 0,
    content: [
      ...titlePage(t, facts),
      ...overview(t, facts),
      ...charts(t, facts),
      ...departmentTable(t, facts),
      ...attentionTable(t, facts),
      ...(facts.comparison ? comparisonSection(t, facts.comparison) : []),
    ],
  };
}
