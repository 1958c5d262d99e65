import type { IndicatorLine } from '../model/form-input.js';
import type { Profile, RuleName } from '../model/profile.js';
import { significantText as fmt } from '../model/numbers.js';
import { labelKey } from '../model/text.js';
import { parseDate } from './dates.js';
import { comparable, comparatorOf, looksLikeYuan, quantities, type Quantity } from './quantity.js';
import { compound, deadline, equal, positive, reverse } from './rules.js';

export type Tier = Profile['rules']['tiers'][number];

/** What the rules make of one line, before modes and rounding. */
export interface Judgement {
  rule: RuleName;
  /** unrounded; null where no rule gives a number */
  computed: number | null;
  /** how the number came about, for the message that shows a disagreement */
  why: string;
  /** qualitative lines: the tier the actual's wording states, if it states one */
  tier: Tier | null;
  /** the actual beats the target by the profile's margin: a reason is expected */
  overAchieved: boolean;
  /** several quantities that could not be paired: scored as qualitative */
  unmatchedPairs: boolean;
  /** a bare fraction opposite a percentage was read as one: which side, as what */
  scaled: { side: 'target' | 'actual'; as: string } | null;
  /** the actual looks typed in 元 under a 万元 target: not scored */
  unitSuspect: boolean;
}

const plain = { tier: null, overAchieved: false, unmatchedPairs: false, scaled: null, unitSuspect: false } as const;

const placeholderName = /^(无|\/|／|—+|-+|…+|\.{3,}|指标\s*\d+\s*[:：]?|)$/;
const blankish = (text: string): boolean => /^(|\/|／|—+|-+|无|…+)$/.test(text.trim());

export function isNotApplicable(line: IndicatorLine): boolean {
  if (placeholderName.test(line.name.text.trim())) return true;
  return blankish(line.target.text) && blankish(line.actual.text) && line.weight.value === null && line.score.value === null;
}

function tierOf(actual: string, target: string, profile: Profile): Tier | null {
  const a = actual.normalize('NFKC').replace(/\s+/g, '');
  const t = target.normalize('NFKC').replace(/\s+/g, '');
  const top = profile.rules.tiers.reduce((best, tier) => (tier.max > best.max ? tier : best));
  if (a !== '' && a === t) return top;
  // Tiers are listed from "not achieved" up, so 未达成 is found before the 达成 it contains.
  return profile.rules.tiers.find((tier) => tier.phrases.some((p) => a.includes(p))) ?? null;
}

function qualitative(line: IndicatorLine, profile: Profile, unmatchedPairs = false): Judgement {
  return { ...plain, rule: 'qualitative', computed: null, why: '定性指标', tier: tierOf(line.actual.text, line.target.text, profile), unmatchedPairs };
}

function defaultRule(line: IndicatorLine, profile: Profile): RuleName | undefined {
  return profile.rules.byLevel2[labelKey(line.level2.text)];
}

/**
 * The rule of one line and the score it gives. `year` is the form's year, for deadlines written
 * with a month or a quarter only. A target or actual that cannot be known decides no rule.
 */
export function judgeLine(line: IndicatorLine, profile: Profile, year: number | null = null): Judgement {
  const none: Judgement = { ...plain, rule: 'notApplicable', computed: null, why: '不适用' };
  if (isNotApplicable(line)) return none;
  if (line.target.unknown || line.actual.unknown) return { ...none, rule: 'unknown', why: '指标值或实际完成值无法读取' };
  const weight = line.weight.value;
  const target = line.target.text;
  const actual = line.actual.text;
  const comparator = comparatorOf(target);

  const targetDate = parseDate(target, year);
  if (targetDate && (targetDate.before || comparator === null) && (targetDate.before || defaultRule(line, profile) === 'deadline')) {
    const sameText = actual.normalize('NFKC').replace(/\s+/g, '') === target.normalize('NFKC').replace(/\s+/g, '');
    const actualDate = parseDate(actual, year);
    if (weight === null) return { ...none, rule: 'deadline', why: '期限指标' };
    if (sameText) return { ...plain, rule: 'deadline', computed: weight, why: '按期完成' };
    if (!actualDate) return qualitative(line, profile);
    const on = actualDate.ordinal <= targetDate.ordinal;
    return { ...plain, rule: 'deadline', computed: deadline(actualDate.ordinal, targetDate.ordinal, weight), why: on ? '按期完成' : '晚于期限完成' };
  }

  const targets = quantities(target);
  const actuals = quantities(actual);
  if (targets.length === 0) return qualitative(line, profile);
  if (actuals.length === 0) return qualitative(line, profile);

  if (targets.length > 1) {
    if (actuals.length !== targets.length) return qualitative(line, profile, true);
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < targets.length; i++) {
      const c = comparable(actuals[i] as Quantity, targets[i] as Quantity);
      if (c === null) return qualitative(line, profile, true);
      pairs.push([c.actual, c.target]);
    }
    const over = pairs.some(([a, t]) => t > 0 && (a - t) / t >= profile.rules.overAchievementReason - 1e-9);
    const why = `多项指标逐项计算：${pairs.map(([a, t]) => `${fmt(a)}/${fmt(t)}`).join('，')}，取平均`;
    return { ...plain, rule: 'compound', computed: weight === null ? null : compound(pairs, weight), why, overAchieved: over };
  }

  const tq = targets[0] as Quantity;
  const aq = actuals[0] as Quantity;
  const rule: RuleName = comparator ?? (defaultRule(line, profile) === 'reverse' ? 'reverse' : defaultRule(line, profile) === 'equal' ? 'equal' : 'positive');
  if (looksLikeYuan(aq, tq)) return { ...plain, rule, computed: null, why: '实际完成值疑似以元填写', unitSuspect: true };
  const c = comparable(aq, tq);
  if (c === null) return qualitative(line, profile, true);
  const a = c.actual;
  const t = { value: c.target, unit: c.scaled === null ? tq.unit : '%' };
  const scaled = c.scaled === null ? null : { side: c.scaled, as: `${fmt(c.scaled === 'target' ? c.target : c.actual)}%` };
  const over = t.value > 0 && (a - t.value) / t.value >= profile.rules.overAchievementReason - 1e-9;
  if (weight === null) return { ...plain, rule, computed: null, why: '', overAchieved: over, scaled };
  const unit = t.unit;
  const shown = `实际 ${fmt(a)}${unit}，目标 ${fmt(t.value)}${unit}`;
  switch (rule) {
    case 'reverse': {
      const r = profile.rules.reverseFormula;
      const why =
        a <= t.value
          ? `${shown}，未超出目标，得满分`
          : r === 'ratio'
            ? `${shown}，按 目标÷实际×分值 计算`
            : a >= 2 * t.value
              ? `${shown}，超出目标一倍及以上，得 0 分`
              : `${shown}，按 (1−超出部分÷目标)×分值 计算`;
      return { ...plain, rule, computed: reverse(a, t.value, weight, r), why: `反向指标：${why}`, overAchieved: over, scaled };
    }
    case 'equal':
      return { ...plain, rule, computed: equal(a, t.value, weight), why: `等于型指标：${shown}`, overAchieved: over, scaled };
    default:
      return {
        ...plain,
        rule: 'positive',
        computed: positive(a, t.value, weight),
        why: `正向指标：${shown}${a >= t.value ? '，达到目标，得满分' : '，按 实际÷目标×分值 计算'}`,
        overAchieved: over,
        scaled,
      };
  }
}
