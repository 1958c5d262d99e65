/**
 * The Chinese line-edge rules (W3C CLREQ §3.1.7 行首行尾禁则 and the "unbreakable" marks) that
 * UAX #14 leaves to the tailoring or gets wrong for Chinese. Each rule is a question about one
 * boundary, so the same test serves both the normal opportunities and the last-resort
 * character breaks.
 */

/** What CLREQ keeps off a line start, with the marks the form's data actually contains. */
const NO_START = new Set([...'、。，．,.；：！？%‰）》」』】〕〉”’·…℃;:!?～〜']);
/** Closing brackets and quotes of every script count too, not just the listed ones. */
const CLOSING = /^[\p{Pe}\p{Pf}]$/u;
const NO_END = new Set([...'（《「『【〔〈“‘(']);
const OPENING = /^[\p{Ps}\p{Pi}]$/u;
/** A comparator in front of a number reads as part of it: `≥95%`. */
const COMPARATORS = new Set([...'≥≤＞＜><≧≦']);
/** Two of these in a row are one mark (破折号 ——, 省略号 ……) and may not be split. */
const DOUBLED_MARKS = new Set([...'—―…⋯']);
const SPACES = new Set([' ', '\t', '\u3000']);
const DIGIT = /^[0-9０-９]$/;
const HAN = /^\p{Script=Han}$/u;

export function isSpace(ch: string): boolean {
  return SPACES.has(ch);
}

export function isDigit(ch: string): boolean {
  return DIGIT.test(ch);
}

export function isHan(ch: string): boolean {
  return HAN.test(ch);
}

export function isNoStart(ch: string): boolean {
  return NO_START.has(ch) || CLOSING.test(ch);
}

export function isNoEnd(ch: string): boolean {
  return NO_END.has(ch) || OPENING.test(ch);
}

export function isDoubledMark(ch: string): boolean {
  return DOUBLED_MARKS.has(ch);
}

/** The code point that starts at `i`, or '' past the end. */
export function charAt(text: string, i: number): string {
  const cp = text.codePointAt(i);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

/** The code point that ends at `i`, or '' at the start. */
export function charBefore(text: string, i: number): string {
  if (i <= 0) return '';
  const low = text.charCodeAt(i - 1);
  if (i >= 2 && low >= 0xdc00 && low <= 0xdfff) {
    const high = text.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(i - 2, i);
  }
  return text[i - 1] ?? '';
}

/**
 * Whether a break at `i` would put a prohibited mark at a line edge. Spaces around the break are
 * dropped from the lines, so the edges that count are the visible characters beyond them.
 */
export function breakProhibited(text: string, i: number): boolean {
  const before = charBefore(text, i);
  if (isDoubledMark(before) && before === charAt(text, i)) return true;
  let end = i;
  while (end > 0 && isSpace(text[end - 1] ?? '')) end--;
  let start = i;
  while (start < text.length && isSpace(text[start] ?? '')) start++;
  const last = charBefore(text, end);
  const first = charAt(text, start);
  if (last === '' || first === '') return false;
  if (isNoStart(first) || isNoEnd(last)) return true;
  return COMPARATORS.has(last) && isDigit(first);
}

/**
 * Whether a line would hold only a dash or an ellipsis (with closing marks after it): alone, ——
 * reads as a rule and …… as a gap, not as punctuation of the text around them.
 */
export function isLoneMark(text: string, start: number, end: number): boolean {
  const mark = charAt(text, start);
  if (!isDoubledMark(mark) || charAt(text, start + mark.length) !== mark) return false;
  let k = start;
  while (k < end && charAt(text, k) === mark) k += mark.length;
  while (k < end) {
    const ch = charAt(text, k);
    if (!isSpace(ch) && !isNoStart(ch)) return false;
    k += ch.length;
  }
  return true;
}
