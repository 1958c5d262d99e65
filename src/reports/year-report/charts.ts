import { percentText } from '../../model/numbers.js';
import type { Bin, DepartmentRow } from './facts.js';
import { gridLayout, type Layout } from './table-layout.js';
import type { ReportText, TextStyle } from './text-lines.js';

/**
 * The report's charts as vector drawing (pdfmake canvas: rectangles and lines in the page's own
 * content stream, no images): bars stand in table cells, so their labels are ordinary text beside
 * them and a long list of departments flows over pages like any table. Each chart's bars have
 * colours of their own, so a reader of the drawing operators (the tests) can tell the charts apart.
 */

export const COLORS = {
  grades: ['#2e7d32', '#1565c0', '#ef6c00', '#c62828'],
  otherGrade: '#757575',
  histogram: '#6a8caf',
  rateLow: '#b23b3b',
  rate: '#4a7fb0',
  rateHigh: '#d9822b',
  axis: '#555555',
  guide: '#999999',
};

const label: TextStyle = { role: 'hei', size: 7 };
const value: TextStyle = { role: 'hei', size: 7.5 };

/** pdfmake's table node, with the layout object it draws lines and paddings by. */
export interface TableNode {
  table: { widths: number[]; body: unknown[][]; headerRows?: number; dontBreakRows?: boolean };
  layout: Layout;
  margin?: number[];
}

const noLines: Layout = {
  hLineWidth: () => 0,
  vLineWidth: () => 0,
  paddingLeft: () => 0,
  paddingRight: () => 0,
  paddingTop: (row) => (row === 2 ? 3 : 0),
  paddingBottom: (row) => (row === 0 ? 2 : 0),
};

export interface VerticalBar {
  label: string;
  count: number;
  color: string;
}

/**
 * Bars standing on a common base line, one table column each: their counts above, the plot, their
 * labels below. A bar's height is its count over the largest count, times `plotHeight`.
 */
export function verticalBars(t: ReportText, bars: VerticalBar[], columnWidth: number, plotHeight: number): TableNode {
  const most = Math.max(1, ...bars.map((b) => b.count));
  const inset = Math.min(6, columnWidth * 0.15);
  const plot = bars.map((b) => {
    const height = (b.count / most) * plotHeight;
    const base = { type: 'line', x1: 0, y1: plotHeight, x2: columnWidth, y2: plotHeight, lineWidth: 0.75, lineColor: COLORS.axis };
    return { canvas: b.count > 0 ? [{ type: 'rect', x: inset, y: plotHeight - height, w: columnWidth - 2 * inset, h: height, color: b.color }, base] : [base] };
  });
  return {
    table: {
      widths: bars.map(() => columnWidth),
      body: [bars.map((b) => t.block(String(b.count), columnWidth, value, 'center')), plot, bars.map((b) => t.block(b.label, columnWidth, label, 'center'))],
    },
    layout: noLines,
  };
}

/** Grade colours by rank, best first; grades beyond the profile's four are grey. */
export const gradeColor = (rank: number): string => COLORS.grades[rank] ?? COLORS.otherGrade;

export function histogramBars(bins: Bin[]): VerticalBar[] {
  return bins.map((b) => ({ label: b.label, count: b.count, color: COLORS.histogram }));
}

/** How far the 执行率 bars reach: 100 %, or the highest rate rounded up to 10 %, at most 200 %. */
export function rateScale(rates: Array<number | null>): number {
  const top = Math.max(1, ...rates.filter((r): r is number => r !== null));
  return Math.min(2, Math.ceil(top * 10 - 1e-9) / 10);
}

export const rateColor = (rate: number): string => (rate < 0.6 ? COLORS.rateLow : rate > 1 ? COLORS.rateHigh : COLORS.rate);

const BAR = 8;

/** One horizontal bar per department (its 执行率 against `scale`), with guides at 60 % and 100 %. */
export function rateChart(t: ReportText, departments: DepartmentRow[], widths: { name: number; bar: number; value: number }, nameStyle: TextStyle): TableNode {
  const scale = rateScale(departments.map((d) => d.rate));
  const x = (rate: number): number => (Math.min(rate, scale) / scale) * widths.bar;
  // New objects for every row: pdfmake moves a canvas's vectors to their place on the page in place.
  const guides = () => [0.6, 1].map((g) => ({ type: 'line', x1: x(g), y1: 0, x2: x(g), y2: BAR + 2, lineWidth: 0.5, lineColor: COLORS.guide, dash: { length: 1.5 } }));
  const head = (text: string, width: number, alignment?: 'center' | 'right') => t.block(text, width, { role: 'hei', bold: true, size: 8 }, alignment);
  return {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths: [widths.name, widths.bar, widths.value],
      body: [
        [head('主管部门', widths.name), head(`执行率(虚线为 60% 和 100%，满格为 ${percentText(scale, 0)})`, widths.bar), head('执行率', widths.value, 'right')],
        ...departments.map((d) => [
          t.block(d.name, widths.name, nameStyle),
          { canvas: [...(d.rate === null || d.rate <= 0 ? [] : [{ type: 'rect', x: 0, y: 1, w: x(d.rate), h: BAR, color: rateColor(d.rate) }]), ...guides()] },
          t.block(d.rate === null ? '—' : percentText(d.rate), widths.value, value, 'right'),
        ]),
      ],
    },
    layout: gridLayout,
  };
}
