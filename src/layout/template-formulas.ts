import { cellAddress } from '../model/cell-address.js';
import type { Profile } from '../model/profile.js';
import type { Geometry } from './geometry.js';

/** Rows of a laid-out form that the formulas refer to. */
export interface FormulaRows {
  /** the 年度资金总额 row */
  funds: number;
  /** first and last indicator line, and the 总分 row */
  firstLine: number;
  lastLine: number;
  total: number;
}

export interface TemplateFormula {
  row: number;
  col: number;
  /** without the leading `=` */
  formula: string;
  numFmt?: string;
}

/**
 * The cells a blank template computes, as offices' own templates do (a unit fills in amounts and
 * scores; Excel or WPS shows the rest): 执行率 = 全年执行数 ÷ 全年预算数, blank until a budget is
 * filled in; the 得分 of that row, which is the form's 总分 where the profile prints the total
 * there (宁夏) and min(执行率, 1) × 分值 where it prints the rate score (全国); the 总分 row's 分值
 * and 得分 as sums of the lines, plus the rate's where the profile counts it in the total. ziping
 * reads such formulas back, working them out when the saving program left no result.
 */
export function templateFormulas(g: Geometry, profile: Profile, rows: FormulaRows): TemplateFormula[] {
  const at = (row: number, cols: readonly [number, number]): string => cellAddress(row, cols[0]);
  const budget = at(rows.funds, g.funds.fullYearBudget);
  const executed = at(rows.funds, g.funds.executed);
  const weight = at(rows.funds, g.funds.weight);
  const rate = at(rows.funds, g.funds.rate);
  const rateScore = at(rows.funds, g.funds.score);
  const lineRange = (cols: readonly [number, number]): string => `${at(rows.firstLine, cols)}:${at(rows.lastLine, cols)}`;
  const counts = profile.funds.countsInTotal;
  const rateFormat = profile.funds.rateDecimals > 0 ? `0.${'0'.repeat(profile.funds.rateDecimals)}%` : '0%';
  return [
    { row: rows.funds, col: g.funds.rate[0], formula: `IF(${budget}>0,${executed}/${budget},"")`, numFmt: rateFormat },
    {
      row: rows.funds,
      col: g.funds.score[0],
      formula: profile.funds.scoreCellShows === 'total' ? at(rows.total, g.total.score) : `IF(${rate}="","",ROUND(MIN(${rate},1)*${weight},${profile.display.scoreDecimals}))`,
    },
    // SUM skips the "" of a rate not yet known, where + would give #VALUE!.
    { row: rows.total, col: g.total.weight[0], formula: `SUM(${lineRange(g.lines.weight)}${counts ? `,${weight}` : ''})` },
    { row: rows.total, col: g.total.score[0], formula: `SUM(${lineRange(g.lines.score)}${counts ? `,${rateScore}` : ''})` },
  ];
}
