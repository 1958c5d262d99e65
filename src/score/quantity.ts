import { withoutDates } from './dates.js';

/**
 * Reading targets and actuals: `≥95%`, `28000公里`, `区内100人次、区外40人次`, `2021年12月31日前`.
 * Pure text functions; no knowledge of forms.
 */

export type Comparator = 'positive' | 'reverse' | 'equal';

export interface Quantity {
  value: number;
  /** unit as written after the number (`公里`, `万元`, `%`), '' when none */
  unit: string;
}

export function normalizeQuantityText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[＝═]/g, '=')
    .replace(/>=/g, '≥')
    .replace(/<=/g, '≤')
    .replace(/(\d),(?=\d{3}\b)/g, '$1');
}

/** Ordered: the negated words come first, since `不低于` contains `低于` and `不超过` contains `超过`. */
const comparatorWords: Array<[string, Comparator]> = [
  ['不低于', 'positive'],
  ['不少于', 'positive'],
  ['不小于', 'positive'],
  ['不超过', 'reverse'],
  ['不高于', 'reverse'],
  ['不多于', 'reverse'],
  ['不大于', 'reverse'],
  ['≥', 'positive'],
  ['≤', 'reverse'],
  ['>', 'positive'],
  ['<', 'reverse'],
  ['=', 'equal'],
  ['以上', 'positive'],
  ['达到', 'positive'],
  ['大于', 'positive'],
  ['高于', 'positive'],
  ['至少', 'positive'],
  ['超过', 'positive'],
  ['以内', 'reverse'],
  ['控制在', 'reverse'],
  ['低于', 'reverse'],
  ['小于', 'reverse'],
  ['以下', 'reverse'],
  ['少于', 'reverse'],
];

/** The comparator written in a target, if any. */
export function comparatorOf(text: string): Comparator | null {
  const t = normalizeQuantityText(text);
  return comparatorWords.find(([word]) => t.includes(word))?.[1] ?? null;
}

const numberRe = /(\d+(?:\.\d+)?)\s*(%|‰|百分比|百分点|[^\d\s、,，;；。:：()（）≥≤<>=~～\-—至到和及与或+]{0,4})/g;

/** Every number with the unit written after it. Dates are not quantities. */
export function quantities(text: string): Quantity[] {
  const t = withoutDates(normalizeQuantityText(text));
  const out: Quantity[] = [];
  for (const m of t.matchAll(numberRe)) {
    const unit = (m[2] ?? '').replace(/^(余|多|左右)/, '');
    out.push({ value: Number(m[1]), unit: unit === '百分比' || unit === '百分点' ? '%' : unit.replace(/(以上|以内|以下|左右|之内)$/, '') });
  }
  return out;
}

const scales: Record<string, { kind: string; factor: number }> = {
  元: { kind: 'money', factor: 1 },
  千元: { kind: 'money', factor: 1e3 },
  万元: { kind: 'money', factor: 1e4 },
  亿元: { kind: 'money', factor: 1e8 },
  米: { kind: 'length', factor: 1 },
  公里: { kind: 'length', factor: 1e3 },
  千米: { kind: 'length', factor: 1e3 },
  '%': { kind: 'ratio', factor: 1e-2 },
  '‰': { kind: 'ratio', factor: 1e-3 },
};

/**
 * Puts an actual into the target's unit. A bare number takes the target's unit (`15万元` vs `11`);
 * a fraction against a percentage (`95%` vs `0.97`) is read as one. Units of different kinds
 * (money against distance) give null: the numbers cannot be compared.
 */
export function inTargetUnit(actual: Quantity, target: Quantity): number | null {
  const tu = target.unit;
  const au = actual.unit;
  if (au === '' || au === tu) {
    if (au === '' && tu === '%' && actual.value <= 1 && target.value > 1) return actual.value * 100;
    return actual.value;
  }
  if (tu === '') return actual.value;
  const ts = scales[tu];
  const as = scales[au];
  if (ts && as) return ts.kind === as.kind ? (actual.value * as.factor) / ts.factor : null;
  // Counting words (人次 against 人, 个 against 项) are what people mix freely; compare the numbers.
  if (!ts && !as) return actual.value;
  return null;
}

/** An actual and a target in one scale, and which side (if any) was read as a percentage. */
export interface Comparable {
  actual: number;
  target: number;
  /** a bare fraction (0.95) opposite a percentage (90%) was read as one (95%): the side that was */
  scaled: 'actual' | 'target' | null;
}

/**
 * The actual and the target as two numbers that can be compared, or null. A bare fraction ≤ 1
 * opposite a percentage above 1 is that many hundredths, on either side (`0.95` vs `90%`).
 */
export function comparable(actual: Quantity, target: Quantity): Comparable | null {
  if (target.unit === '' && actual.unit === '%' && target.value <= 1 && actual.value > 1) return { actual: actual.value, target: target.value * 100, scaled: 'target' };
  if (actual.unit === '' && target.unit === '%' && actual.value <= 1 && target.value > 1) return { actual: actual.value * 100, target: target.value, scaled: 'actual' };
  const a = inTargetUnit(actual, target);
  return a === null ? null : { actual: a, target: target.value, scaled: null };
}

/**
 * A bare amount a thousand times or more its 万元 target reads like 元 typed under a 万元 header
 * (72万元 written 720000): not a number to score with until the unit says which it is.
 */
export function looksLikeYuan(actual: Quantity, target: Quantity): boolean {
  const scale = scales[target.unit];
  return actual.unit === '' && scale?.kind === 'money' && scale.factor >= 1e4 && target.value > 0 && actual.value / target.value >= 1000;
}
