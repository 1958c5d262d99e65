/**
 * Dates as people write them in targets and actuals: `2021年12月31日前`, `2021-12-31`, `2021.12`,
 * `2021年底前`, and — taking the form's year — `9月前`, `7月底`, `三季度末`, `上半年`, `年底前`,
 * with Chinese numerals (`二〇二二年十二月三十一日前`). A date that names only a month or a period
 * means its last day. Pure text functions.
 */

export interface DateValue {
  /** yyyymmdd as a number, so dates compare with < */
  ordinal: number;
  /** `…前`, `之前`, `以前`, `底`, `末`: the date is a deadline */
  before: boolean;
}

const digits: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 十二 → 12, 三十一 → 31, 十 → 10, 二十 → 20: the numerals of months and days. */
function smallNumber(text: string): number | null {
  if (!/^[〇零一二两三四五六七八九十]+$/.test(text)) return null;
  const ten = text.indexOf('十');
  if (ten < 0) return text.length === 1 ? (digits[text] ?? null) : null;
  const tens = ten === 0 ? 1 : (digits[text.slice(0, ten)] ?? null);
  const ones = ten === text.length - 1 ? 0 : (digits[text.slice(ten + 1)] ?? null);
  return tens === null || ones === null ? null : tens * 10 + ones;
}

/** Chinese numerals of years, months, days and quarters turned into digits; the rest kept. */
export function arabicDates(text: string): string {
  return text
    .replace(/([〇零一二三四五六七八九]{4})(?=\s*年)/g, (y) => [...y].map((c) => String(digits[c] ?? c)).join(''))
    .replace(/([〇零一二两三四五六七八九十]{1,3})(?=\s*(?:月|日|号|季度|季))/g, (n) => {
      const v = smallNumber(n);
      return v === null ? n : String(v);
    });
}

const daysInMonth = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();
const ordinal = (y: number, m: number, d: number): number => y * 10000 + m * 100 + d;

const fullDate = /((?:19|20)\d{2})\s*(?:年|[-./])\s*(?:(\d{1,2})\s*(?:月|[-./])?\s*(?:(\d{1,2})\s*[日号]?)?)?/;
const yearOnly = /((?:19|20)\d{2})\s*年(?:底|末|度)?/;
const monthOnly = /(?:^|[^\d])(\d{1,2})\s*月(?:份)?\s*(?:(\d{1,2})\s*[日号])?/;
const quarter = /(?:第\s*)?([1-4])\s*季度?/;
const halfYear = /(上|下)半年/;
const yearEnd = /(?:^|[^\d])(?:年底|年末|年内|全年|年度内)/;

/**
 * A date in `text`, or null. `year` is the form's year, used when the text gives a month, a
 * quarter or a half without one (and when it gives none, a month-only date is not a date).
 */
export function parseDate(raw: string, year: number | null = null): DateValue | null {
  const text = arabicDates(raw.normalize('NFKC'));
  const before = /(之前|以前|前|之内|以内|底|末)/.test(text.replace(fullDate, ''));
  const m = fullDate.exec(text);
  if (m && m[2]) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    if (mo < 1 || mo > 12) return null;
    const d = m[3] ? Number(m[3]) : daysInMonth(y, mo);
    if (d < 1 || d > daysInMonth(y, mo)) return null;
    return { ordinal: ordinal(y, mo, d), before };
  }
  const y = yearOnly.exec(text);
  const inYear = y ? Number(y[1]) : year;
  const rest = y ? text.replace(yearOnly, ' ') : text;
  if (inYear !== null) {
    const mo = monthOnly.exec(rest);
    if (mo) {
      const month = Number(mo[1]);
      if (month < 1 || month > 12) return null;
      const day = mo[2] ? Number(mo[2]) : daysInMonth(inYear, month);
      if (day < 1 || day > daysInMonth(inYear, month)) return null;
      return { ordinal: ordinal(inYear, month, day), before };
    }
    const q = quarter.exec(rest);
    if (q) {
      const month = Number(q[1]) * 3;
      return { ordinal: ordinal(inYear, month, daysInMonth(inYear, month)), before };
    }
    const h = halfYear.exec(rest);
    if (h) return h[1] === '上' ? { ordinal: ordinal(inYear, 6, 30), before } : { ordinal: ordinal(inYear, 12, 31), before };
    if (yearEnd.test(` ${rest}`)) return { ordinal: ordinal(inYear, 12, 31), before };
  }
  if (y) return { ordinal: ordinal(Number(y[1]), 12, 31), before };
  return null;
}

/** Dates are not quantities: what `quantities` must not read as numbers. */
export function withoutDates(text: string): string {
  return text.replace(new RegExp(fullDate.source, 'g'), ' ');
}
