/**
 * Numbers as people read and write them, in one place. Ingest turns a cell into (value, text); the
 * xlsx renderer turns the text back into (value, numFmt) — these two must be inverse, or the round
 * trip breaks. The printed copies, messages, console and pages format numbers with the helpers at
 * the end, so a score reads the same everywhere.
 */

/** Full-width digits and punctuation, thousands separators and spaces, as people type them in WPS. */
export function normalizeNumberText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\s,，]/g, '')
    .replace(/。/g, '.');
}

const plainNumber = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const percentNumber = /^[+-]?(\d+(\.\d*)?|\.\d+)%$/;

/** A cell text that is just a number (or a percentage): its value, else null. */
export function parseNumberText(text: string): number | null {
  const t = normalizeNumberText(text);
  let value: number | null = null;
  if (plainNumber.test(t)) value = Number(t);
  else if (percentNumber.test(t)) value = clean(Number(t.slice(0, -1)) / 100);
  return value !== null && isSensible(value) ? value : null;
}

/**
 * No amount, weight or score on a form comes near 10¹⁵; beyond it sums lose their cents and
 * soon overflow to Infinity, so such a number is treated as unreadable.
 */
export function isSensible(value: number): boolean {
  return Number.isFinite(value) && Math.abs(value) < 1e15;
}

export function isPercentText(text: string): boolean {
  return percentNumber.test(normalizeNumberText(text));
}

/** Binary floating point noise (0.1 + 0.2) never reaches a printed form. */
export function clean(value: number): number {
  return Number(value.toPrecision(12));
}

function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.replace(/%$/, '').length - dot - 1;
}

/** The Excel number format that makes a number cell show `text` again. */
export function numFmtForText(text: string): string | undefined {
  const t = text.trim();
  const decimals = decimalsOf(normalizeNumberText(t));
  const body = decimals > 0 ? `0.${'0'.repeat(decimals)}` : '0';
  if (isPercentText(t)) return `${body}%`;
  const hasGrouping = /\d,\d{3}/.test(t);
  if (hasGrouping) return `#,##${body}`;
  if (decimals > 0 && /0$/.test(normalizeNumberText(t))) return body;
  return undefined;
}

/** The fixed-decimals format that shows a number as `text` (`1.67` → `0.00`, `68.96%` → `0.00%`). */
export function fixedFormatFor(text: string): string {
  const decimals = decimalsOf(normalizeNumberText(text));
  const body = decimals > 0 ? `0.${'0'.repeat(decimals)}` : '0';
  return isPercentText(text) ? `${body}%` : body;
}

/** What Excel shows for a number under the simple formats forms use; General otherwise. */
export function formatNumber(value: number, numFmt: string | undefined): string {
  const fmt = (numFmt ?? 'General').split(';')[0] ?? 'General';
  const percent = fmt.includes('%');
  const fixed = /0(\.0+)?/.exec(fmt.replace(/[#,]/g, ''));
  if (fmt === 'General' || fmt === '@' || !fixed) {
    return percent ? `${clean(value * 100)}%` : String(clean(value));
  }
  // A format may ask for any number of decimals; toFixed takes at most 100 and forms need few.
  const decimals = Math.min(fixed[1] ? fixed[1].length - 1 : 0, 10);
  const shown = (percent ? value * 100 : value).toFixed(decimals);
  const grouped = fmt.includes(',') ? groupThousands(shown) : shown;
  return percent ? `${grouped}%` : grouped;
}

function groupThousands(text: string): string {
  const [int = '', frac] = text.split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = int.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return sign + digits + (frac !== undefined ? `.${frac}` : '');
}

/** Half-up rounding as the provincial systems print it; the epsilon keeps 0.665 from becoming 0.66. */
export function roundHalfUp(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f + Math.sign(value) * 1e-9) / f;
}

/** `0.6700` → `0.67`, `2` → `2`: a number as a person writes it, at most `decimals` decimals. */
export function decimalText(value: number, decimals = 2): string {
  return String(roundHalfUp(value, decimals));
}

/** As `decimalText`, or `—` where there is no number. */
export function decimalOrDash(value: number | null | undefined, decimals = 2): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : decimalText(value, decimals);
}

/** A fraction as a percentage with fixed decimals: 0.689609 → `68.96%`. */
export function percentText(rate: number, decimals = 2): string {
  return `${(rate * 100).toFixed(decimals)}%`;
}

/** As `percentText`, or `—` where there is no rate. */
export function percentOrDash(rate: number | null | undefined, decimals = 2): string {
  return rate === null || rate === undefined || !Number.isFinite(rate) ? '—' : percentText(rate, decimals);
}

/** Six significant digits, for the arithmetic a message explains (`实际 9.9万元，目标 7万元`). */
export function significantText(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** Decimals a printed form shows: two for scores, weights and amounts, two of a percentage for rates. */
export const FORM_DECIMALS = 2;

/**
 * A number as the printed form shows it: the unit's own text, but never more than two decimals
 * (`1.6666666667` → `1.67`, `68.9609%` → `68.96%`), so a long decimal neither wraps nor crowds a
 * narrow column. Text that is no plain number is returned as it is.
 */
export function formNumberText(text: string): string {
  const t = normalizeNumberText(text);
  const value = parseNumberText(text);
  if (value === null || decimalsOf(t) <= FORM_DECIMALS) return text;
  return isPercentText(t) ? `${String(roundHalfUp(value * 100, FORM_DECIMALS))}%` : decimalText(value, FORM_DECIMALS);
}
