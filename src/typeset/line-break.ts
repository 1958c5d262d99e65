import { breakProhibited, charAt, charBefore, isDoubledMark, isLoneMark, isSpace } from './clreq.js';
import { AGAINST_RULES, analyseParagraph, INSIDE_PIECE, type Paragraph } from './opportunities.js';

export interface BreakResult {
  lines: string[];
  /** every line ≤ width */
  fits: boolean;
}

export type Measure = (s: string) => number;

/** Widths come from fonts in points; a thousandth of a point more is rounding, not overflow. */
const TOLERANCE = 1e-6;
/**
 * How many break opportunities back a line may start. A cell line holds a few dozen characters,
 * so this never binds in practice; it keeps a 2,000-character goal text in a very wide cell
 * linear instead of quadratic.
 */
const WINDOW = 400;

const graphemes = new Intl.Segmenter('zh', { granularity: 'grapheme' });

/** `\n` is a paragraph break; \r\n from spreadsheets is one break, not two. */
function paragraphs(text: string): string[] {
  return text.split(/\r\n|[\n\r\u2028\u2029]/);
}

/**
 * Breaks cell text into lines no wider than `width` by CLREQ on top of UAX #14: fewest lines,
 * then fewest breaks inside words, then the evenest lines. When a number or word alone is wider
 * than the cell it is split by characters and `fits` is false, so the caller shrinks the font or
 * grows the row rather than let text cross the border.
 */
export function breakLines(text: string, width: number, measure: Measure): BreakResult {
  return breakAnalysed(paragraphs(text).map(analyseParagraph), width, measure);
}

/**
 * The first of `sizes` at which the text fits, or the last size with `fits: false`. The break
 * opportunities do not depend on the size, so they are found once.
 */
export function fitText(text: string, width: number, sizes: number[], measureAt: (s: string, size: number) => number): { size: number; lines: string[]; fits: boolean } {
  if (sizes.length === 0) throw new RangeError('fitText needs at least one font size');
  const analysed = paragraphs(text).map(analyseParagraph);
  let result = { size: Number.NaN, lines: [''], fits: false };
  for (const size of sizes) {
    result = { size, ...breakAnalysed(analysed, width, (s) => measureAt(s, size)) };
    if (result.fits) break;
  }
  return result;
}

function breakAnalysed(analysed: Paragraph[], width: number, measure: Measure): BreakResult {
  const lines: string[] = [];
  let fits = true;
  for (const p of analysed) {
    const r = breakParagraph(p, width, measure);
    lines.push(...r.lines);
    fits &&= r.fits;
  }
  return { lines, fits };
}

/** Code-unit range of a line after dropping the spaces at its edges. */
interface Span {
  start: number;
  end: number;
}

function visible(text: string, start: number, end: number, paragraphStart: boolean): Span {
  // A paragraph's own leading spaces are indentation the writer typed; a wrapped line's are not.
  if (!paragraphStart) while (start < end && isSpace(text[start] ?? '')) start++;
  while (end > start && isSpace(text[end - 1] ?? '')) end--;
  return { start, end };
}

function breakParagraph(p: Paragraph, width: number, measure: Measure): BreakResult {
  const { text } = p;
  if (text.length === 0) return { lines: [''], fits: true };
  const additive = additiveWidth(text, measure);
  const first = layout(p, width, additive);
  const exact = (start: number, end: number): number => measure(text.slice(start, end));
  // The layout adds up character widths, which is exact for these fonts (no kerning between CJK
  // glyphs); a measure that kerns could make a line wider than its sum, so check and redo.
  const drifted = first.spans.some((s) => exact(s.start, s.end) > width + TOLERANCE && additive(s.start, s.end) <= width + TOLERANCE);
  const final = drifted ? layout(p, width, exact) : first;
  const lines = final.spans.map((s) => text.slice(s.start, s.end));
  const fits = !final.splitPiece && final.spans.every((s) => exact(s.start, s.end) <= width + TOLERANCE);
  return { lines, fits };
}

type SpanWidth = (start: number, end: number) => number;

/** Widths by prefix sums of per-character widths, each character measured once. */
function additiveWidth(text: string, measure: Measure): SpanWidth {
  const prefix = new Float64Array(text.length + 1);
  const seen = new Map<string, number>();
  for (let i = 0; i < text.length;) {
    const ch = String.fromCodePoint(text.codePointAt(i) ?? 32);
    let w = seen.get(ch);
    if (w === undefined) {
      w = measure(ch);
      seen.set(ch, w);
    }
    prefix[i + 1] = prefix[i]! + w;
    if (ch.length === 2) prefix[i + 2] = prefix[i + 1]!;
    i += ch.length;
  }
  return (start, end) => prefix[end]! - prefix[start]!;
}

interface Layout {
  spans: Span[];
  /** A piece that may not be broken had to be, being wider than the cell by itself. */
  splitPiece: boolean;
}

function layout(p: Paragraph, width: number, spanWidth: SpanWidth): Layout {
  const { text } = p;
  const lineWidth = (start: number, end: number, paragraphStart: boolean): number => {
    const v = visible(text, start, end, paragraphStart);
    return spanWidth(v.start, v.end);
  };
  const { positions, costs, splitPiece } = withLastResortBreaks(p, width, lineWidth);
  return { spans: optimalFit(text, positions, costs, width, lineWidth), splitPiece };
}

/**
 * The opportunities, plus breaks between characters inside any piece wider than the cell: first
 * where no 禁则 is broken (inside a number, between letters), and only inside what is still too
 * wide, anywhere. `positions` runs from 0 to text.length; `costs[k]` is the cost of breaking at
 * positions[k].
 */
function withLastResortBreaks(p: Paragraph, width: number, lineWidth: (start: number, end: number, paragraphStart: boolean) => number): { positions: number[]; costs: number[]; splitPiece: boolean } {
  const { text } = p;
  const positions = [0];
  const costs = [0];
  let splitPiece = false;
  const bounds = [0, ...p.breaks, text.length];
  for (let k = 1; k < bounds.length; k++) {
    const start = bounds[k - 1]!;
    const end = bounds[k]!;
    if (lineWidth(start, end, start === 0) > width + TOLERANCE) {
      splitPiece = true;
      for (const [at, cost] of splitWidePiece(text, start, end, width, lineWidth)) {
        positions.push(at);
        costs.push(cost);
      }
    }
    positions.push(end);
    costs.push(k - 1 < p.costs.length ? p.costs[k - 1]! : 0);
  }
  return { positions, costs, splitPiece };
}

function splitWidePiece(text: string, start: number, end: number, width: number, lineWidth: (start: number, end: number, paragraphStart: boolean) => number): Array<[number, number]> {
  const inner: number[] = [];
  for (const g of graphemes.segment(text.slice(start, end))) {
    const at = start + g.index;
    // —— and …… are one mark drawn with two characters: splitting them is worse than overflowing.
    const before = charBefore(text, at);
    if (g.index > 0 && !(isDoubledMark(before) && before === charAt(text, at))) inner.push(at);
  }
  const polite = inner.filter((i) => !breakProhibited(text, i));
  const politeSet = new Set(polite);
  const chosen = new Map<number, number>(polite.map((i) => [i, INSIDE_PIECE]));
  const bounds = [start, ...polite, end];
  for (let k = 1; k < bounds.length; k++) {
    const a = bounds[k - 1]!;
    const b = bounds[k]!;
    if (lineWidth(a, b, a === 0) <= width + TOLERANCE) continue;
    for (const i of inner) if (i > a && i < b && !politeSet.has(i)) chosen.set(i, AGAINST_RULES);
  }
  return [...chosen].sort((x, y) => x[0] - y[0]);
}

/**
 * Optimal fit by dynamic programming over the break positions. The score is compared in order:
 * lines holding only —— or …… (a rule about a whole line, so it cannot be a break cost; it ranks
 * first so that such a line is taken only when nothing else fits), number of lines, the summed
 * break costs (breaks inside words), then raggedness — the sum of squared slack of every line
 * but the last, which may be as short as it likes.
 */
function optimalFit(text: string, positions: number[], costs: number[], width: number, lineWidth: (start: number, end: number, paragraphStart: boolean) => number): Span[] {
  const m = positions.length - 1;
  const faults = new Int32Array(m + 1);
  const lines = new Int32Array(m + 1).fill(-1);
  const penalty = new Float64Array(m + 1);
  const ragged = new Float64Array(m + 1);
  const from = new Int32Array(m + 1);
  lines[0] = 0;
  for (let j = 1; j <= m; j++) {
    const last = j === m;
    const breakCost = last ? 0 : costs[j]!;
    for (let i = j - 1; i >= 0 && j - i <= WINDOW; i--) {
      const w = lineWidth(positions[i]!, positions[j]!, i === 0);
      // A single piece is always a line, even too wide; more than one must fit.
      if (w > width + TOLERANCE && i < j - 1) break;
      const v = visible(text, positions[i]!, positions[j]!, i === 0);
      const score: Score = {
        faults: faults[i]! + (isLoneMark(text, v.start, v.end) ? 1 : 0),
        lines: lines[i]! + 1,
        penalty: penalty[i]! + breakCost,
        ragged: ragged[i]! + (last ? 0 : (width - w) * (width - w)),
      };
      if (lines[j] === -1 || better(score, { faults: faults[j]!, lines: lines[j]!, penalty: penalty[j]!, ragged: ragged[j]! })) {
        faults[j] = score.faults;
        lines[j] = score.lines;
        penalty[j] = score.penalty;
        ragged[j] = score.ragged;
        from[j] = i;
      }
    }
  }
  const spans: Span[] = [];
  for (let j = m; j > 0; j = from[j]!) {
    const i = from[j]!;
    spans.push(visible(text, positions[i]!, positions[j]!, i === 0));
  }
  return spans.reverse();
}

interface Score {
  faults: number;
  lines: number;
  penalty: number;
  ragged: number;
}

function better(a: Score, b: Score): boolean {
  if (a.faults !== b.faults) return a.faults < b.faults;
  if (a.lines !== b.lines) return a.lines < b.lines;
  if (a.penalty !== b.penalty) return a.penalty < b.penalty;
  return a.ragged < b.ragged - 1e-9;
}
