import type { FormInput, IndicatorLine } from '../model/form-input.js';
import { FindingLog } from '../model/messages.js';
import type { Profile, ScoreMode } from '../model/profile.js';
import type { ScoredForm, ScoredFunds, ScoredIndicator } from '../model/scored-form.js';
import { declaredWeight, labelKey } from '../model/text.js';
import { judgeLine, type Judgement, type Tier } from './judge-line.js';
import { clamp, round2 } from './round.js';
import { sumParts, unknownAt, type Part } from './totals.js';
import { decimalText, percentText, roundHalfUp } from '../model/numbers.js';
import { roundedWeights, type WeightCell } from './printed-weights.js';
import { cellList } from './cell-list.js';

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

/** A line as the totals see it, beside what it prints. */
interface LineParts {
  scored: ScoredIndicator;
  /** as written, and as the copy prints it */
  weight: Part;
  printedWeight: Part;
  filled: Part;
  computed: Part;
  shown: Part;
}

function scoreLine(line: IndicatorLine, j: Judgement, profile: Profile, mode: ScoreMode, log: FindingLog): LineParts {
  const name = line.name.text || '(未命名)';
  const tol = profile.rules.tolerance;
  if (j.rule === 'notApplicable') {
    const scored = { rule: j.rule, weight: null, shownWeight: null, filledScore: line.score.value, computedScore: null, score: mode === 'filled' ? line.score.value : null, tier: null };
    return { scored, weight: null, printedWeight: null, filled: null, computed: null, shown: null };
  }
  const weight = line.weight.value;
  const decimals = profile.display.scoreDecimals;
  // The 分值 the copy prints (10/6 prints 1.67): no printed score goes above it, and a unit's
  // score of 1.67 under it is in range.
  const printedWeight = weight === null ? null : roundHalfUp(weight, decimals);
  const ceiling = weight === null || printedWeight === null ? null : Math.max(weight, printedWeight);
  const filled = line.score.value;
  const scoreCell = line.score.cell;
  // Unknown cells already have their finding from the reader; here they only make sums unknown.
  const filledUnknown = line.score.unknown === true;
  const weightUnknown = line.weight.unknown === true;
  if (weight === null && !weightUnknown) log.add('SCORE_WEIGHT_MISSING', line.weight.cell ?? line.name.cell, { name });
  const computed = j.computed === null ? null : round2(j.computed);
  if (j.unmatchedPairs) log.add('SCORE_PAIRS_UNMATCHED', line.target.cell, { name });
  if (j.scaled) {
    const side = j.scaled.side === 'target' ? line.target : line.actual;
    const other = j.scaled.side === 'target' ? line.actual : line.target;
    log.add('SCORE_FRACTION_AS_PERCENT', side.cell, { name, side: j.scaled.side === 'target' ? '年度指标值' : '实际完成值', text: side.text, other: other.text, as: j.scaled.as });
  }
  if (j.unitSuspect) log.add('FUNDS_UNIT_SUSPECT', line.actual.cell, { what: `指标“${name}”的实际完成值`, text: line.actual.text, against: `指标值“${line.target.text}”` });
  if (filled !== null && weight !== null && ceiling !== null && (filled < 0 || filled > ceiling + 1e-9)) {
    log.add('SCORE_OUT_OF_RANGE', scoreCell, { name, filled: s(filled), weight: s(weight) });
  }
  if (j.rule === 'qualitative' && weight !== null && !filledUnknown) {
    const range = j.tier ? tierRange(j.tier, weight) : `0～${s(weight)} 分`;
    if (filled === null) log.add('SCORE_QUALITATIVE_MISSING', scoreCell, { name, range });
    else if (j.tier && !inTier(filled, j.tier, weight, tol)) log.add('SCORE_QUALITATIVE_TIER', scoreCell, { name, filled: s(filled), tier: j.tier.name, range });
  }
  if (filled !== null && computed !== null && differs(filled, computed, tol)) {
    log.add('SCORE_MISMATCH', scoreCell, { name, filled: s(filled), computed: s(computed), why: j.why });
  }
  const score = filledUnknown && mode !== 'computed' ? null : shownLineScore(mode, filled, computed, ceiling);
  const rounded = score === null ? null : roundHalfUp(score, decimals);
  const roundedScore = rounded === null || printedWeight === null || mode === 'filled' ? rounded : Math.min(rounded, printedWeight);
  // A form without a reason column has no cell to point at; the reader said the column is missing.
  if (line.deviation.text.trim() === '' && line.deviation.cell !== null && weight !== null) {
    const below = roundedScore !== null && roundedScore < weight - tol;
    if (below || j.overAchieved) {
      const why = below ? `得分 ${s(roundedScore ?? 0)} 低于分值 ${s(weight)}` : `实际完成值超出指标值 ${Math.round(profile.rules.overAchievementReason * 100)}% 以上`;
      log.add('DEVIATION_REASON_MISSING', line.deviation.cell, { name, why });
    }
  }
  const scored: ScoredIndicator = { rule: j.rule, weight, shownWeight: printedWeight, filledScore: filled, computedScore: computed, score: roundedScore, tier: j.tier?.name ?? null };
  const missing = unknownAt(scoreCell);
  return {
    scored,
    weight: weight ?? unknownAt(line.weight.cell),
    printedWeight: printedWeight ?? unknownAt(line.weight.cell),
    filled: filledUnknown ? missing : filled,
    // Where no rule gives a number, the unit's score stands; with neither, the line is not scored yet.
    computed: computed ?? (filledUnknown || filled === null ? missing : filled),
    shown: roundedScore ?? missing,
  };
}

interface FundsParts {
  scored: ScoredFunds;
  filled: Part;
  computed: Part;
  shown: Part;
}

/** 全年执行数 ÷ 全年预算数 of the 年度资金总额 row, or of the 财政拨款 row when only it has a budget (said). */
function executionRate(input: FormInput, log: FindingLog): number | null {
  const row = input.funds.total;
  const budget = row.fullYearBudget;
  const executed = row.executed;
  if (budget.unknown || executed.unknown) return null;
  if (budget.value !== null && budget.value !== 0) {
    if (executed.value === null) {
      log.add('FUNDS_EXECUTED_MISSING', executed.cell ?? row.label.cell, { text: executed.text });
      return null;
    }
    // 72万元 typed as 720000 under the (万元) header makes a rate of 9000: said, not used.
    const [big, small] = executed.value >= budget.value ? [executed, budget] : [budget, executed];
    if (small.value !== null && small.value > 0 && (big.value ?? 0) / small.value >= 1000) {
      log.add('FUNDS_UNIT_SUSPECT', big.cell, { what: big === executed ? '全年执行数' : '全年预算数', text: big.text, against: `${big === executed ? '全年预算数' : '全年执行数'} ${small.text}` });
      return null;
    }
    return executed.value / budget.value;
  }
  log.add('FUNDS_BUDGET_MISSING', budget.cell ?? row.label.cell, { text: budget.text });
  const sub = input.funds.currentYear;
  if (sub.fullYearBudget.value !== null && sub.fullYearBudget.value > 0 && sub.executed.value !== null && !sub.executed.unknown) {
    const rate = sub.executed.value / sub.fullYearBudget.value;
    log.add('FUNDS_FALLBACK_SUBROW', sub.fullYearBudget.cell, { label: sub.label.text || '其中：财政拨款', executed: sub.executed.text, budget: sub.fullYearBudget.text, rate: percentText(rate, 2) });
    return rate;
  }
  const parts = [input.funds.currentYear, input.funds.carryOver, input.funds.other].map((r) => r.fullYearBudget.value ?? 0);
  const sum = parts.reduce((a, b) => a + b, 0);
  if (sum > 0) log.add('FUNDS_SUBROWS_ONLY', budget.cell, { sum: s(sum) });
  return null;
}

function scoreFunds(input: FormInput, profile: Profile, mode: ScoreMode, log: FindingLog): FundsParts {
  const row = input.funds.total;
  const weight = row.weight.value ?? profile.funds.defaultWeight;
  const rate = executionRate(input, log);
  // A block without 分值 and 得分 gives its rate no score: there is no weight to multiply.
  const score = rate === null || input.executionUnscored ? null : Math.min(rate, 1) * weight;
  const filledRate = row.rate.value;
  // Half a percentage point: a rate printed as 69% for 68.96% is not a disagreement.
  if (rate !== null && filledRate !== null && Math.abs(filledRate - rate) > 0.005 + 1e-9) {
    log.add('FUNDS_RATE_MISMATCH', row.rate.cell, { filled: row.rate.text, computed: percentText(rate, 2) });
  }
  const filledScore = row.score.value;
  const filledUnknown = row.score.unknown === true;
  const showsRateScore = profile.funds.scoreCellShows === 'rateScore';
  if (showsRateScore && filledScore !== null && score !== null && differs(filledScore, round2(score), profile.rules.tolerance)) {
    log.add('FUNDS_SCORE_MISMATCH', row.score.cell, { filled: s(filledScore), computed: s(round2(score)) });
  }
  const shownRate = mode === 'filled' ? filledRate : mode === 'auto' ? (filledRate ?? rate) : (rate ?? filledRate);
  // Where the 得分 cell shows the form total (Ningxia), the unit's number there is no rate score.
  const ownScore = showsRateScore ? filledScore : null;
  const ownUnknown = showsRateScore && filledUnknown;
  const rateScoreShown = (ownUnknown && mode !== 'computed') || input.executionUnscored ? null : shownLineScore(mode, ownScore, score === null ? null : round2(score), weight);
  const missing = unknownAt(row.score.cell ?? row.executed.cell);
  return {
    scored: {
      initialBudget: row.initialBudget.value,
      fullYearBudget: row.fullYearBudget.value,
      executed: row.executed.value,
      executionRate: rate,
      weight,
      score,
      filledRate,
      filledScore,
      shownRate,
      shownScore: rateScoreShown === null ? null : round2(rateScoreShown),
    },
    filled: ownUnknown ? missing : ownScore,
    computed: score !== null ? round2(score) : ownUnknown || ownScore === null ? missing : ownScore,
    shown: rateScoreShown === null ? missing : round2(rateScoreShown),
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

/** FormInput + profile → ScoredForm. Pure: no I/O, same input gives the same output. */
export function scoreForm(input: FormInput, profile: Profile, mode: ScoreMode = 'auto'): ScoredForm {
  const log = new FindingLog(input.source.file);
  const tol = profile.rules.tolerance;
  const funds = scoreFunds(input, profile, mode, log);
  const lines = input.indicators.map((line) => scoreLine(line, judgeLine(line, profile, input.year.value), profile, mode, log));
  const indicators = lines.map((l) => l.scored);
  checkGroupWeights(input, indicators, log, tol);

  // The form's own weights only: a block without 分值 and 得分 adds no 执行率 weight to them.
  const unscored = input.executionUnscored === true && profile.funds.countsInTotal;
  const counted = profile.funds.countsInTotal && !unscored;
  const part = (pick: (l: LineParts) => Part, fundsPart: Part): Part[] => [...lines.map(pick), counted ? fundsPart : null];
  const lineWeights = sumParts(lines.map((l) => l.weight));
  // The unit's weights as written are what must make 100; the copy's 总分 row prints what the
  // printed 分值 column adds up to (docs/scoring-rounding.md).
  const exactWeight = sumParts(part((l) => l.weight, funds.scored.weight)).value;
  const totalWeight = sumParts(part((l) => l.printedWeight, roundHalfUp(funds.scored.weight, profile.display.scoreDecimals))).value;
  const refused = unscored && !linesMakeTheTotal(input, exactWeight, profile, log);
  if (!refused && exactWeight !== null && differs(exactWeight, profile.totalWeight, tol)) {
    const parts = [counted ? `执行率 ${s(funds.scored.weight)}` : '', `指标 ${s(lineWeights.value ?? 0)}`].filter(Boolean).join(' + ');
    log.add('WEIGHTS_NOT_TOTAL', input.total.weight.cell ?? input.total.label.cell, { sum: s(exactWeight), expected: s(profile.totalWeight), parts });
  }
  if (input.total.weight.value !== null && exactWeight !== null && differs(input.total.weight.value, exactWeight, tol)) {
    log.add('TOTAL_WEIGHT_MISMATCH', input.total.weight.cell, { filled: s(input.total.weight.value), sum: s(exactWeight) });
  }
  checkPrintedWeights(input, profile, mode, log);

  // What the unit wrote as its total: the 总分 row, or (ningxia) the 得分 cell of 年度资金总额.
  const fundsCell = input.funds.total.score;
  const totalCellFromFunds = profile.funds.scoreCellShows === 'total' ? fundsCell.value : null;
  const printedUnknown = input.total.score.unknown === true || (input.total.score.value === null && profile.funds.scoreCellShows === 'total' && fundsCell.unknown === true);
  const filledTotal = printedUnknown ? null : (input.total.score.value ?? totalCellFromFunds);
  const totalCell =
    input.total.score.value !== null || input.total.score.unknown
      ? input.total.score.cell
      : profile.funds.scoreCellShows === 'total' && fundsCell.cell
        ? fundsCell.cell
        : (input.total.score.cell ?? input.total.label.cell);
  const filledSum = sumParts(part((l) => l.filled, funds.filled));
  if (filledTotal !== null && filledSum.value !== null && differs(filledTotal, filledSum.value, tol)) {
    log.add('TOTAL_MISMATCH', totalCell, { filled: s(filledTotal), sum: s(filledSum.value) });
  }
  const computed = sumParts(part((l) => l.computed, funds.computed));
  const shown = sumParts(part((l) => l.shown, funds.shown));
  const total = mode === 'filled' ? filledTotal : shown.value;
  if (totalCellFromFunds !== null && input.total.score.value !== null && differs(totalCellFromFunds, input.total.score.value, tol)) {
    log.add('FUNDS_TOTAL_CELL_MISMATCH', fundsCell.cell, { filled: s(totalCellFromFunds), computed: s(input.total.score.value) });
  }
  const unknownCells = [...new Set([...(mode === 'filled' ? [] : shown.unknownCells), ...computed.unknownCells])];
  const totalUnknown = (mode !== 'filled' && shown.value === null) || computed.value === null;
  if (totalUnknown) log.add('TOTAL_UNKNOWN', totalCell, { cells: cellList(unknownCells, '未填写的得分') });
  return {
    input,
    profile: profile.name,
    mode,
    funds: funds.scored,
    indicators,
    totalWeight,
    filledTotal,
    computedTotal: computed.value,
    total,
    grade: (mode !== 'filled' && total === null) || (total === null && computed.value === null) ? null : gradeOf(total ?? computed.value, profile),
    findings: log.list,
    ...(refused ? { refused: true as const } : {}),
  };
}

/**
 * A form whose funds block has no 分值 and 得分 is scored on its own lines when they make the
 * total (the city scores execution as one of them); otherwise no profile fits it: nothing of the
 * form says whether, or with what weight, execution counts, and none is made up.
 */
function linesMakeTheTotal(input: FormInput, lineWeight: number | null, profile: Profile, log: FindingLog): boolean {
  const cell = input.funds.total.label.cell ?? input.total.weight.cell;
  // An unreadable weight is said where it is; the total is unknown, not refused.
  if (lineWeight === null) return true;
  const args = { sum: s(lineWeight), expected: s(profile.totalWeight) };
  if (!differs(lineWeight, profile.totalWeight, profile.rules.tolerance)) {
    log.add('FUNDS_UNSCORED', cell, args);
    return true;
  }
  log.add('FUNDS_UNSCORED_WEIGHTS', cell, args);
  return false;
}

/** Weights the copy cannot print as written, when printing them changes what the 分值 column adds up to. */
function checkPrintedWeights(input: FormInput, profile: Profile, mode: ScoreMode, log: FindingLog): void {
  const weights: WeightCell[] = [];
  const add = (n: { value: number | null; cell: string | null; unknown?: true | undefined }): void => {
    if (n.value !== null && n.unknown !== true) weights.push({ value: n.value, cell: n.cell });
  };
  if (profile.funds.countsInTotal) add({ ...input.funds.total.weight, value: input.funds.total.weight.value ?? profile.funds.defaultWeight });
  for (const line of input.indicators) add(line.weight);
  const decimals = profile.display.scoreDecimals;
  const r = roundedWeights(weights, decimals);
  if (!r) return;
  log.add('SCORE_WEIGHTS_ROUNDED', r.cells[0] ?? input.total.weight.cell, {
    cells: cellList(r.cells, '分值'),
    decimals: decimalWords(decimals),
    value: s(r.example.value),
    printed: decimalText(r.example.printed, decimals),
    printedSum: decimalText(r.printedSum, decimals),
    exactSum: s(r.exactSum),
    copy: mode === 'filled' ? '按原样输出(filled)的副本照抄填报的总分行，与印出的分值逐项相加不符' : '输出的副本中，总分行是印出的分值、得分逐项相加之和，每项得分不超过印出的分值',
    suggestion: r.suggestion.map((w) => decimalText(w, decimals)).join('、'),
  });
}

const decimalWords = (decimals: number): string => (decimals === 0 ? '整数' : `${['', '一', '两', '三', '四'][decimals] ?? decimals}位小数`);
