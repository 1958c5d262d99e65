import LineBreaker from 'linebreak';
import { breakProhibited, charAt, charBefore, isDigit, isHan } from './clreq.js';

/**
 * How much a break costs the layout, ranked after the line count; see `line-break.ts`. Integers,
 * so that sums compare exactly.
 */
export const BETWEEN_WORDS = 0;
/** Between two characters the segmenter left alone: maybe a word it does not know, maybe two words. */
export const MAYBE_INSIDE_WORD = 1;
export const INSIDE_WORD = 2;
/** Last-resort breaks inside a piece too wide for the cell; the second kind breaks a 禁则 too. */
export const INSIDE_PIECE = 20;
export const AGAINST_RULES = 2000;

export interface Paragraph {
  text: string;
  /** Code-unit indices where a line may end, ascending, without 0 and text.length. */
  breaks: number[];
  /** The cost of each break in `breaks`. */
  costs: number[];
}

/**
 * Runs that read as one token however the characters are classed: numbers with their inner
 * separators, sign or comparator and unit sign (`≥95%`, `2021-12-31`, `１．５`), and Latin
 * words, codes and URLs. UAX #14 already keeps most of them whole but breaks after `/` and `-`
 * and after a full-width `＞`, which in a cell splits a URL or detaches the comparator.
 */
const NUMBER = /[+\-−±≥≤＞＜><≧≦]?[0-9０-９]+(?:[.,:/\-．，：／][0-9０-９]+)*[%‰℃％]?/gu;
const LATIN = /[A-Za-z0-9](?:[A-Za-z0-9._~:/?#@&=+%-]*[A-Za-z0-9/%])?/g;

const words = new Intl.Segmenter('zh', { granularity: 'word' });

function gluedSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const re of [NUMBER, LATIN]) {
    for (const m of text.matchAll(re)) spans.push([m.index, m.index + m[0].length]);
  }
  return spans;
}

const CJK_CONTEXT = /^[\p{Script=Han}\u3000-\u303f\uff01-\uff60\u2018-\u201f]$/u;
const OPENING_QUOTE = new Set(['“', '‘']);
const CLOSING_QUOTE = new Set(['”', '’']);
const SIGNS = new Set([...'+-−±']);

/**
 * Breaks UAX #14 withholds that Chinese text allows: next to `“”‘’` (class QU, which glues to
 * both neighbours) before an opening and after a closing quote, and before a sign (class HY or
 * PR, which glue to what precedes) that starts a number after Chinese text: 温度/-5℃.
 */
function chineseBreak(text: string, i: number): boolean {
  const before = charBefore(text, i);
  const after = charAt(text, i);
  if (!CJK_CONTEXT.test(before) && !CJK_CONTEXT.test(after)) return false;
  if (OPENING_QUOTE.has(after) || CLOSING_QUOTE.has(before)) return true;
  return SIGNS.has(after) && isHan(before) && isDigit(charAt(text, i + after.length));
}

/** Where one paragraph (no newlines) may break, and what each break costs. */
export function analyseParagraph(text: string): Paragraph {
  const n = text.length;
  const allowed = new Uint8Array(n + 1);
  const breaker = new LineBreaker(text);
  for (let b = breaker.nextBreak(); b; b = breaker.nextBreak()) {
    if (b.position > 0 && b.position < n) allowed[b.position] = 1;
  }
  for (let i = 1; i < n; i++) if (chineseBreak(text, i)) allowed[i] = 1;
  for (const [start, end] of gluedSpans(text)) allowed.fill(0, start + 1, end);

  const wordStarts = new Set<number>();
  const loneHan = new Set<number>();
  for (const s of words.segment(text)) {
    wordStarts.add(s.index);
    if (s.segment.length === 1 && isHan(s.segment)) loneHan.add(s.index);
  }

  const breaks: number[] = [];
  const costs: number[] = [];
  for (let i = 1; i < n; i++) {
    if (!allowed[i] || breakProhibited(text, i)) continue;
    breaks.push(i);
    costs.push(breakCost(text, i, wordStarts, loneHan));
  }
  return { text, breaks, costs };
}

/**
 * Inside a word: allowed, avoided when it costs no line. Beyond the segmenter's own boundaries a
 * quantity and its measure word read as one word though it splits them (`100/人次`, `50/分`).
 * Two lone Han characters in a row are how ICU's dictionary leaves a word it does not know
 * (`区/外`) but also two one-character words (`他/说`), so that break costs half: enough for
 * 区内100人次、/区外 to beat 区内100人次、区/外, not enough to split 我们 to keep 他说 together.
 */
function breakCost(text: string, i: number, wordStarts: Set<number>, loneHan: Set<number>): number {
  if (!wordStarts.has(i)) return INSIDE_WORD;
  const before = charBefore(text, i);
  if (isDigit(before) && isHan(charAt(text, i))) return INSIDE_WORD;
  return loneHan.has(i) && loneHan.has(i - before.length) ? MAYBE_INSIDE_WORD : BETWEEN_WORDS;
}
