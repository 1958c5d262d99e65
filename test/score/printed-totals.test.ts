import { describe, expect, it } from 'vitest';
import { layoutForm } from '../../src/layout/layout-form.js';
import type { FormInput, IndicatorLine } from '../../src/model/form-input.js';
import type { FormSheet } from '../../src/model/form-sheet.js';
import { parseNumberText } from '../../src/model/numbers.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { scoreForm } from '../../src/score/score-form.js';
import { typeset } from '../helpers/pipeline.js';
import { syntheticForm } from '../helpers/synthetic.js';

/**
 * docs/scoring-rounding.md on forms whose weights and scores are thirds and sixths: the copy's
 * 分值 and 得分 columns add up to its 总分 row, and no printed score is above its printed weight.
 */
type Cellish = { value: number; text: string };
const third = (n: number, d: number): Cellish => ({ value: n / d, text: String(n / d) });
const plain = (v: number): Cellish => ({ value: v, text: String(v) });

/** A form of the layout's profile: `lines` replace the synthetic form's, each in row 14 on, 分值 in G and 得分 in H. */
function formWith(layout: 'ningxia10' | 'national11', lines: Array<{ name: string; target: string; actual: string; weight: Cellish; score: Cellish | null }>): FormInput {
  const base = syntheticForm(1, '满意度测评项目', { layout });
  const at = (col: string, i: number): string => `Sheet1!${col}${14 + i}`;
  const indicators: IndicatorLine[] = lines.map((l, i) => ({
    level1: { text: '满意度指标', cell: at('B', 0) },
    level2: { text: '服务对象满意度指标', cell: at('C', 0) },
    name: { text: l.name, cell: at('D', i) },
    target: { text: l.target, cell: at('E', i) },
    actual: { text: l.actual, cell: at('F', i) },
    weight: { ...l.weight, cell: at('G', i) },
    score: l.score ? { ...l.score, cell: at('H', i) } : { value: null, text: '', cell: at('H', i) },
    deviation: { text: '', cell: at('I', i) },
  }));
  const totalRow = 14 + lines.length;
  return {
    ...base,
    source: { ...base.source, file: 'f.xlsx', sheet: 'Sheet1' },
    indicators,
    total: { ...base.total, weight: { value: 100, text: '100', cell: `Sheet1!G${totalRow}` }, score: { value: null, text: '', cell: `Sheet1!H${totalRow}` } },
  };
}

const groups = ['城镇居民', '农村居民', '企业', '学生家长', '医务人员', '老年人'];

/** 90 points on ordinary lines, then six satisfaction lines of 10/6 each (national: + 执行率 10 = 100 is 80 + 10 + 10). */
function sixths(layout: 'ningxia10' | 'national11'): FormInput {
  const rest = layout === 'national11' ? 80 : 90;
  return formWith(layout, [
    { name: '服务事项办结数', target: '≥100件', actual: '100件', weight: plain(rest), score: plain(rest) },
    ...groups.map((g, i) => ({
      name: `${g}满意度`,
      target: '≥90%',
      // the last line 85% of 90%: 85/90 × 10/6 = 1.5741
      actual: i === 5 ? '85%' : '95%',
      weight: third(10, 6),
      score: i === 5 ? null : third(10, 6),
    })),
  ]);
}

interface Printed {
  weights: number[];
  scores: number[];
  totalWeight: number;
  total: number;
}

/** What the copy prints in the 分值 and 得分 columns of the indicator lines and the 总分 row, read from its cells' text. */
function printed(sheet: FormSheet, firstLine: number, lines: number, weightCol: number, scoreCol: number): Printed {
  const text = (row: number, col: number): number => {
    const cell = sheet.cells.find((c) => c.row === row && c.col === col);
    const n = parseNumberText(cell?.lines.join('') ?? '');
    if (n === null) throw new Error(`no number at row ${row} col ${col}: ${cell?.text}`);
    return n;
  };
  const rows = Array.from({ length: lines }, (_, i) => firstLine + i);
  return { weights: rows.map((r) => text(r, weightCol)), scores: rows.map((r) => text(r, scoreCol)), totalWeight: text(firstLine + lines, weightCol), total: text(firstLine + lines, scoreCol) };
}

const sum = (xs: number[]): number => Math.round(xs.reduce((a, b) => a + b, 0) * 100) / 100;

describe('weights of 10/6 (six satisfaction lines)', () => {
  for (const layout of ['ningxia10', 'national11'] as const) {
    const profile = loadProfile(layout === 'ningxia10' ? 'ningxia' : 'national');
    const scored = scoreForm(sixths(layout), profile, 'auto');

    it(`${layout}: the copy's columns add up to its 总分 row, no score above its weight`, () => {
      const { sheet } = layoutForm(scored, profile, typeset);
      const header = sheet.repeatRows?.first ?? 0;
      const cols = layout === 'ningxia10' ? [7, 8] : [8, 9];
      const p = printed(sheet, header + 1, 7, cols[0] ?? 0, cols[1] ?? 0);
      expect(p.weights.slice(1)).toEqual([1.67, 1.67, 1.67, 1.67, 1.67, 1.67]);
      expect(p.scores.slice(1)).toEqual([1.67, 1.67, 1.67, 1.67, 1.67, 1.57]);
      const funds = layout === 'national11' ? 10 : 0;
      expect(p.totalWeight).toBe(sum([...p.weights, funds]));
      expect(p.totalWeight).toBe(100.02);
      expect(p.total).toBe(sum([...p.scores, funds === 0 ? 0 : (scored.funds.shownScore ?? 0)]));
      expect(p.total).toBeLessThanOrEqual(p.totalWeight);
      p.scores.forEach((s, i) => expect(s).toBeLessThanOrEqual(p.weights[i] ?? 0));
      // the spreadsheet holds the printed numbers, so its own SUM gives the printed total too
      const weightCells = sheet.cells.filter((c) => c.col === cols[0] && c.row > header && c.row <= header + 7);
      expect(weightCells.map((c) => c.number)).toEqual([layout === 'national11' ? 80 : 90, 1.67, 1.67, 1.67, 1.67, 1.67, 1.67]);
    });

    it(`${layout}: one warning names the six weight cells and how to split 10 points`, () => {
      const rounded = scored.findings.filter((f) => f.code === 'SCORE_WEIGHTS_ROUNDED');
      expect(rounded).toHaveLength(1);
      expect(rounded[0]?.severity).toBe('warning');
      expect(rounded[0]?.cell).toBe('Sheet1!G15');
      expect(rounded[0]?.message).toContain('G15、G16、G17、G18、G19、G20');
      expect(rounded[0]?.message).toContain('100.02');
      expect(rounded[0]?.message).toContain('1.67、1.67、1.67、1.67、1.66、1.66');
      // the weights as written make 100: no error about the total, no score out of range
      const codes = scored.findings.map((f) => f.code);
      for (const code of ['WEIGHTS_NOT_TOTAL', 'TOTAL_WEIGHT_MISMATCH', 'SCORE_OUT_OF_RANGE']) expect(codes).not.toContain(code);
      expect(scored.totalWeight).toBe(100.02);
    });
  }

  it('a unit score of 1.67 under a weight of 10/6 is in range and printed as written', () => {
    const profile = loadProfile('ningxia');
    const input = sixths('ningxia10');
    const line = input.indicators[1];
    if (!line) throw new Error('no line');
    line.score = { value: 1.67, text: '1.67', cell: 'Sheet1!H15' };
    const scored = scoreForm(input, profile, 'auto');
    expect(scored.findings.map((f) => f.code)).not.toContain('SCORE_OUT_OF_RANGE');
    expect(scored.indicators[1]?.score).toBe(1.67);
  });
});

describe('weights and scores in thirds', () => {
  const profile = loadProfile('ningxia');
  // 80 points elsewhere, 20 over three lines of 20/3; scores: full, two thirds of the target, and 0.9 of the weight
  const input = formWith('ningxia10', [
    { name: '服务事项办结数', target: '≥100件', actual: '100件', weight: plain(80), score: plain(80) },
    { name: '群众满意度', target: '≥90%', actual: '95%', weight: third(20, 3), score: third(20, 3) },
    { name: '回访完成数', target: '≥300人次', actual: '200人次', weight: third(20, 3), score: null },
    { name: '服务对象评价', target: '评价良好', actual: '达成', weight: third(20, 3), score: third(18, 3) },
  ]);
  const scored = scoreForm(input, profile, 'auto');

  it('prints 6.67 three times, 4.44 for two thirds of 20/3, and totals as the columns add up', () => {
    const { sheet } = layoutForm(scored, profile, typeset);
    const header = sheet.repeatRows?.first ?? 0;
    const p = printed(sheet, header + 1, 4, 7, 8);
    expect(p.weights).toEqual([80, 6.67, 6.67, 6.67]);
    expect(p.scores).toEqual([80, 6.67, 4.44, 6]);
    expect(p.totalWeight).toBe(100.01);
    expect(p.total).toBe(sum(p.scores));
    expect(p.total).toBe(97.11);
    expect(scored.findings.find((f) => f.code === 'SCORE_WEIGHTS_ROUNDED')?.message).toContain('6.67、6.67、6.66');
  });

  it('says nothing where rounding leaves the sum as written (10/3 + 20/3 prints 3.33 + 6.67 = 10)', () => {
    const even = formWith('ningxia10', [
      { name: '服务事项办结数', target: '≥100件', actual: '100件', weight: plain(90), score: plain(90) },
      { name: '群众满意度', target: '≥90%', actual: '95%', weight: third(10, 3), score: third(10, 3) },
      { name: '企业满意度', target: '≥90%', actual: '95%', weight: third(20, 3), score: third(20, 3) },
    ]);
    const s = scoreForm(even, profile, 'auto');
    expect(s.findings.map((f) => f.code)).not.toContain('SCORE_WEIGHTS_ROUNDED');
    expect(s.totalWeight).toBe(100);
    expect(s.total).toBe(100);
  });

  it('keeps the unit’s two-decimal split as written', () => {
    const split = formWith('ningxia10', [
      { name: '服务事项办结数', target: '≥100件', actual: '100件', weight: plain(90), score: plain(90) },
      ...[1.67, 1.67, 1.67, 1.67, 1.66, 1.66].map((w, i) => ({ name: `${groups[i]}满意度`, target: '≥90%', actual: '95%', weight: plain(w), score: plain(w) })),
    ]);
    const s = scoreForm(split, profile, 'auto');
    expect(s.findings.map((f) => f.code)).not.toContain('SCORE_WEIGHTS_ROUNDED');
    expect([s.totalWeight, s.total]).toEqual([100, 100]);
  });
});
