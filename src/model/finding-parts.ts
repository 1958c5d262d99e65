import type { Finding } from './finding.js';
import { locationText } from './messages.js';

/**
 * A finding's words as a review shows them: the location left out (the remark sits on its cell, or
 * in a row that names file, sheet and cell in their own columns), then what is wrong and what to do.
 * Every message of the catalogue says the problem first and then, from a sentence with 请 on, what
 * to do; a message that says no more than the problem has no advice.
 */
export function findingParts(f: Pick<Finding, 'message' | 'file' | 'sheet' | 'cell'>): { text: string; advice: string } {
  const location = locationText({ ...(f.file ? { file: f.file } : {}), ...(f.cell ? { cell: f.cell } : f.sheet ? { sheet: f.sheet } : {}) });
  const body = location && f.message.startsWith(`${location}：`) ? f.message.slice(location.length + 1) : f.message;
  const sentences = sentencesOf(body);
  // Never the first sentence: it says what is wrong (and may quote a cell's own text).
  const at = sentences.findIndex((s, i) => i > 0 && s.includes('请'));
  if (at < 0) return { text: body, advice: '' };
  return { text: sentences.slice(0, at).join(''), advice: sentences.slice(at).join('') };
}

/** Sentences ending in 。, not counting one inside “…”, where a message quotes what a unit wrote. */
function sentencesOf(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '“') depth++;
    else if (ch === '”') depth = Math.max(0, depth - 1);
    else if (ch === '。' && depth === 0) {
      out.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/** The address part of `Sheet1!H26` (`H26`), or '' for none. */
export const cellLabel = (cell: string | null | undefined): string => (cell ? cell.slice(cell.lastIndexOf('!') + 1) : '');

/** Row and column of an `H26` address; null for anything else. */
function rowCol(address: string): { row: number; col: number } | null {
  const m = /^\$?([A-Z]{1,3})\$?(\d{1,7})$/.exec(address);
  if (!m) return null;
  let col = 0;
  for (const ch of m[1] ?? '') col = col * 26 + (ch.charCodeAt(0) - 64);
  return { row: Number(m[2]), col };
}

/**
 * Cells in reading order: by sheet, then row, then column (H9 before H10, H26 before I26);
 * findings without a cell after those with one.
 */
export function compareCells(a: string | null | undefined, b: string | null | undefined): number {
  if (!a || !b) return (a ? 0 : 1) - (b ? 0 : 1);
  const sa = a.slice(0, Math.max(0, a.lastIndexOf('!')));
  const sb = b.slice(0, Math.max(0, b.lastIndexOf('!')));
  if (sa !== sb) return sa < sb ? -1 : 1;
  const ra = rowCol(cellLabel(a));
  const rb = rowCol(cellLabel(b));
  if (ra && rb) return ra.row - rb.row || ra.col - rb.col;
  if (ra || rb) return ra ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
