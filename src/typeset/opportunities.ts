import LineBreaker from 'linebreak';
import { breakProhibited, charAt, charBefore, isDigit, isHan } from './clreq.js';

/** How much a break costs the layout, ranked after the line count; see `line-break.ts`. */
export const BETWEEN_WORDS = 0;
export const INSIDE_WORD = 1;
/** Last-resort breaks inside a piece too wide for the cell; the second kind breaks a 禁则 too. */
export const INSIDE_PIECE = 10;
export const AGAINST_RULES = 1000;

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
const LATIN = /[A-Za-z0-9](?:[A-Za-z0-9._~:/?#@&=+%\-]*[A-Za-z0-9/%])?/g;

const words = new Intl.Segmenter('zh', { granularity: 'word' });

function gluedSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const re of [NUMBER, LATIN]) {
    for (const m of text.matchAll(re)) spans.push([m.index, m.index + m[0].length]);
  }
  return spans;
}

/** UAX #14 forbids any break next to `“”‘’` (class QU); Chinese text breaks before an opening and after a closing quote. */
const CJK_CONTEXT = /^[\p{Script=Han}\u3000-\u303f\uff01-\uff60\u2018-\u201f]$/u;
const OPENING_QUOTE = new Set(['“', '‘']);
const CLOSING_QUOTE = new Set(['”', '’']);

function quoteBreak(text: string, i: number): boolean {
  const before = charBefore(text, i);
  const after = charAt(text, i);
  return (OPENING_QUOTE.has(after) && CJK_CONTEXT.test(before)) || (CLOSING_QUOTE.has(before) && CJK_CONTEXT.test(after));
}

/** Where one paragraph (no newlines) may break, and what each break costs. */
export function analyseParagraph(text: string): Paragraph {
  const n = text.length;
  const allowed = new Uint8Array(n + 1);
  const breaker = new LineBreaker(text);
  for (let b = breaker.nextBreak(); b; b = breaker.nextBreak()) {
    if (b.position > 0 && b.position < n) allowed[b.position] = 1;
  }
  for (let i = 1; i < n; i++) if (quoteBreak(text, i)) allowed[i] = 1;
  for (const [start, end] of gluedSpans(text)) allowed.fill(0, start + 1, end);

  const wordStarts = new Set<number>();
  for (const s of words.segment(text)) wordStarts.add(s.index);

  const breaks: number[] = [];
  const costs: number[] = [];
  for (let i = 1; i < n; i++) {
    if (!allowed[i] || breakProhibited(text, i)) continue;
    breaks.push(i);
    costs.push(insideWord(text, i, wordStarts) ? INSIDE_WORD : BETWEEN_WORDS);
  }
  return { text, breaks, costs };
}

/**
 * The segmenter splits a quantity from its measure word (`100/人次`, `50/分`), but a reader takes
 * them as one, so that break is ranked as inside a word: allowed, avoided when it costs no line.
 */
function insideWord(text: string, i: number, wordStarts: Set<number>): boolean {
  if (!wordStarts.has(i)) return true;
  return isDigit(charBefore(text, i)) && isHan(charAt(text, i));
}
