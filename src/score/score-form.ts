import type { FormInput, IndicatorLine } from '../model/form-input.js';
import { FindingLog } from '../model/messages.js';
import type { Profile, ScoreMode } from '../model/profile.js';
import type { ScoredForm, ScoredFunds, ScoredIndicator } from '../model/scored-form.js';
import { declaredWeight, labelKey } from '../model/text.js';
import { judgeLine, type Judgement, type Tier } from './judge-line.js';
import { clamp, round2 } from './round.js';
import { decimalText, percentText } from '../model/numbers.js';

const s = (n: number): string => decimalText(n, 4);

function differs(a: number, b: number, tolerance: number): boolean {
  return Math.abs(a - b) > tolerance + 1e-9;
}

function tierRange(tier: Tier, weight: number): string {
  return `${s(tier.min * weight)}～${s(tier.max * weight)} 分`;
}

function inTier(score: number, tier: Tier, weight: number, tolerance: number): boolean {
  return score >= tier.min * weight - tolerance && score <= tier.max * weight + tolerance;
}

/** The score a copy prints for one line under the chosen mode. */
function shownLineScore(mode: ScoreMode, filled: number | null, computed: number | null, weight: number | null): number | null {
  if (mode === 'filled') return filled;
  if (mode === 'computed') return computed ?? filled;
  const inRange = filled !== null && filled >= 0 && (weight === null || filled <= weight);
  if (inRange) return filled;
  if (computed !== null) return computed;
  return filled === null || weight === null ? filled : clamp(filled, 0, weight);
}

function scoreLine(line: IndicatorLine, j: Judgement, profile: Profile, mode: ScoreMode, log: FindingLog): ScoredIndicator {
  const name = line.name.text || '(未命名)';
  const tol = profile.rules.tolerance;
  if (j.rule === 'notApplicable') {
    return { rule: j.rule, weight: null, filledScore: line.score.value, computedScore: null, score: mode === 'filled' ? line.score.value : null, tier: null };
  }
  const weight = line.weight.value;
  const filled = line.score.value;
  const scoreCell = line.score.cell;
  if (weight === null) log.add('SCORE_WEIGHT_MISSING', line.weight.cell, { name });
  const computed = j.computed === null ? null : round2(j.computed);
  if (j.unmatchedPairs) log.add('SCORE_PAIRS_UNMATCHED', line.target.cell, { name });
  if (filled !== null && weight !== null && (filled < 0 || filled > weight + 1e-9)) {
    log.add('SCORE_OUT_OF_RANGE', scoreCell, { name, filled: s(filled), weight: s(weight) });
  }
  if (j.rule === 'qualitative' && weight !== null) {
    const range = j.tier ? tierRange(j.tier, weight) : `0～${s(weight)} 分`;
    if (filled === null) log.add('SCORE_QUALITATIVE_MISSING', scoreCell, { name, range });
    else if (j.tier && !inTier(filled, j.tier, weight, tol)) log.add('SCORE_QUALITATIVE_TIER', scoreCell, { name, filled: s(filled), tier: j.tier.name, range });
  }
  if (filled !== null && computed !== null && differs(filled, computed, tol)) {
    log.add('SCORE_MISMATCH', scoreCell, { name, filled: s(filled), computed: s(computed), why: j.why });
  }
  const score = shownLineScore(mode, filled, computed, weight);
  const roundedScore = score === null ? null : round2(score);
  if (line.deviation.text.trim() === '' && weight !== null) {
    const below = roundedScore !== null && roundedScore < weight - tol;
    if (below || j.overAchieved) {
      const why = below ? `得分 ${s(roundedScore ?? 0)} 低于分值 ${s(weight)}` : `实际完成值超出指标值 ${Math.round(profile.rules.overAchievementReason * 100)}% 以上`;
      log.add('DEVIATION_REASON_MISSING', line.deviation.cell, { name, why });
    }
  }
  return { rule: j.rule, weight, filledScore: filled, computedScore: computed, score: roundedScore, tier: j.tier?.name ?? null };
}

function scoreFunds(input: FormInput, profile: Profile, mode: ScoreMode, log: FindingLog): ScoredFunds {
  const row = input.funds.total;
  const budget = row.fullYearBudget.value;
  const executed = row.executed.value;
  const weight = row.weight.value ?? profile.funds.defaultWeight;
  let rate: number | null = null;
  if (budget === null || budget === 0) {
    log.add('FUNDS_BUDGET_MISSING', row.fullYearBudget.cell, { text: row.fullYearBudget.text });
    const parts = [input.funds.currentYear, input.funds.carryOver, input.funds.other].map((r) => r.fullYearBudget.value ?? 0);
    const sum = parts.reduce((a, b) => a + b, 0);
    if (sum > 0) log.add('FUNDS_SUBROWS_ONLY', row.fullYearBudget.cell, { sum: s(sum) });
  } else if (executed !== null) {
    rate = executed / budget;
  }
  const score = rate === null ? null : Math.min(rate, 1) * weight;
  const filledRate = row.rate.value;
  // Half a percentage point: a rate printed as 69% for 68.96% is not a disagreement.
  if (rate !== null && filledRate !== null && Math.abs(filledRate - rate) > 0.005 + 1e-9) {
    log.add('FUNDS_RATE_MISMATCH', row.rate.cell, { filled: row.rate.text, computed: percentText(rate, 2) });
  }
  const filledScore = row.score.value;
  if (profile.funds.scoreCellShows === 'rateScore' && filledScore !== null && score !== null && differs(filledScore, round2(score), profile.rules.tolerance)) {
    log.add('FUNDS_SCORE_MISMATCH', row.score.cell, { filled: s(filledScore), computed: s(round2(score)) });
  }
  const shownRate = mode === 'filled' ? filledRate : mode === 'auto' ? (filledRate ?? rate) : (rate ?? filledRate);
  const rateScoreShown = shownLineScore(mode, filledScore, score === null ? null : round2(score), weight);
  return {
    initialBudget: row.initialBudget.value,
    fullYearBudget: budget,
    executed,
    executionRate: rate,
    weight,
    score,
    filledRate,
    filledScore,
    shownRate,
    shownScore: rateScoreShown === null ? null : round2(rateScoreShown),
  };
}

function gradeOf(total: number | null, profile: Profile): string | null {
  if (total === null) return null;
  return [...profile.grades].sort((a, b) => b.min - a.min).find((g) => total >= g.min - 1e-9)?.grade ?? null;
}

function checkGroupWeights(input: FormInput, indicators: ScoredIndicator[], log: FindingLog, tol: number): void {
  const groups = new Map<string, { declared: number; sum: number; cell: string | null; text: string }>();
  input.indicators.forEach((line, i) => {
    const declared = declaredWeight(line.level1.text);
    if (declared === null) return;
    const key = `${line.level1.cell}|${line.level1.text}`;
    const g = groups.get(key) ?? { declared, sum: 0, cell: line.level1.cell, text: line.level1.text };
    g.sum += indicators[i]?.weight ?? 0;
    groups.set(key, g);
  });
  for (const g of groups.values()) {
    if (differs(g.sum, g.declared, tol)) log.add('GROUP_WEIGHT_MISMATCH', g.cell, { group: labelKey(g.text), declared: s(g.declared), sum: s(g.sum) });
  }
}

const sum = (values: Array<number | null>): number => round2(values.reduce<number>((a, b) => a + (b ?? 0), 0));

/** FormInput + profile → ScoredForm. Pure: no I/O, same input gives the same output. */
export function scoreForm(input: FormInput, profile: Profile, mode: ScoreMode = 'auto'): ScoredForm {
  const log = new FindingLog(input.source.file);
  const tol = profile.rules.tolerance;
  const funds = scoreFunds(input, profile, mode, log);
  const indicators = input.indicators.map((line) => scoreLine(line, judgeLine(line, profile), profile, mode, log));
  checkGroupWeights(input, indicators, log, tol);

  const counted = profile.funds.countsInTotal;
  const lineWeights = indicators.map((l) => l.weight);
  const totalWeight = sum([...lineWeights, counted ? funds.weight : 0]);
  if (differs(totalWeight, profile.totalWeight, tol)) {
    const parts = [counted ? `执行率 ${s(funds.weight)}` : '', `指标 ${s(sum(lineWeights))}`].filter(Boolean).join(' + ');
    log.add('WEIGHTS_NOT_TOTAL', input.total.weight.cell ?? input.total.label.cell, { sum: s(totalWeight), expected: s(profile.totalWeight), parts });
  }
  if (input.total.weight.value !== null && differs(input.total.weight.value, totalWeight, tol)) {
    log.add('TOTAL_WEIGHT_MISMATCH', input.total.weight.cell, { filled: s(input.total.weight.value), sum: s(totalWeight) });
  }

  // What the unit wrote as its total: the 总分 row, or (ningxia) the 得分 cell of 年度资金总额.
  const totalCellFromFunds = profile.funds.scoreCellShows === 'total' ? funds.filledScore : null;
  const filledTotal = input.total.score.value ?? totalCellFromFunds;
  const filledSum = sum([...indicators.map((l) => (l.rule === 'notApplicable' ? null : l.filledScore)), counted ? funds.filledScore : null]);
  const totalCell = input.total.score.value !== null ? input.total.score.cell : input.funds.total.score.cell;
  if (filledTotal !== null && differs(filledTotal, filledSum, tol)) {
    log.add('TOTAL_MISMATCH', totalCell, { filled: s(filledTotal), sum: s(filledSum) });
  }
  const computedTotal = sum([
    ...indicators.map((l) => (l.rule === 'notApplicable' ? null : (l.computedScore ?? l.filledScore))),
    counted ? (funds.score === null ? funds.filledScore : round2(funds.score)) : null,
  ]);
  const shownSum = sum([...indicators.map((l) => l.score), counted ? funds.shownScore : null]);
  const total = mode === 'filled' ? filledTotal : shownSum;
  if (totalCellFromFunds !== null && input.total.score.value !== null && differs(totalCellFromFunds, input.total.score.value, tol)) {
    log.add('FUNDS_TOTAL_CELL_MISMATCH', input.funds.total.score.cell, { filled: s(totalCellFromFunds), computed: s(input.total.score.value) });
  }
  return {
    input,
    profile: profile.name,
    mode,
    funds,
    indicators,
    totalWeight,
    filledTotal,
    computedTotal,
    total,
    grade: gradeOf(total ?? computedTotal, profile),
    findings: log.list,
  };
}
