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

export interface DateValue {
  /** yyyymmdd as a number, so dates compare with < */
  ordinal: number;
  /** `…前`, `之前`, `以前`: the date is a deadline */
  before: boolean;
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

const dateRe = /((?:19|20)\d{2})\s*(?:年|[-./])\s*(?:(\d{1,2})\s*(?:月|[-./])?\s*(?:(\d{1,2})\s*[日号]?)?)?/;
const yearOnlyRe = /((?:19|20)\d{2})\s*年(?:底|末)?/;

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** `2021年12月31日前`, `2021-12-31`, `2021.12` (end of month), `2021年底前` (end of year). */
export function parseDate(text: string): DateValue | null {
  const t = normalizeQuantityText(text);
  const before = /(之前|以前|前|之内|以内|底|末)/.test(t.replace(dateRe, ''));
  const m = dateRe.exec(t);
  if (m && m[2]) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    if (mo < 1 || mo > 12) return null;
    const d = m[3] ? Number(m[3]) : daysInMonth(y, mo);
    if (d < 1 || d > 31) return null;
    return { ordinal: y * 10000 + mo * 100 + d, before };
  }
  const y = yearOnlyRe.exec(t);
  if (y) return { ordinal: Number(y[1]) * 10000 + 1231, before };
  return null;
}

const numberRe = /(\d+(?:\.\d+)?)\s*(%|‰|百分比|百分点|[^\d\s、,，;；。:：()（）≥≤<>=~～\-—至到和及与或+]{0,4})/g;

/** Every number with the unit written after it. Dates are not quantities. */
export function quantities(text: string): Quantity[] {
  const t = normalizeQuantityText(text).replace(dateRe, ' ');
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
