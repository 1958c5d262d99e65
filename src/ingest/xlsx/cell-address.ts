export const MAX_ROW = 1_048_576;
export const MAX_COL = 16_384;

/** `XFD` → 16384; null when not 1–3 letters or past XFD. */
export function columnNumber(letters: string): number | null {
  if (letters.length === 0 || letters.length > 3) return null;
  let n = 0;
  for (let i = 0; i < letters.length; i++) {
    const c = letters.charCodeAt(i) & ~0x20; // upper case
    if (c < 65 || c > 90) return null;
    n = n * 26 + c - 64;
  }
  return n <= MAX_COL ? n : null;
}

/** `B12` → [12, 2]; null for anything else (absolute `$` markers are not used in cell addresses). */
export function parseAddress(ref: string): [number, number] | null {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i) | 0x20; // lower case
    if (c < 97 || c > 122) break;
    col = col * 26 + c - 96;
  }
  if (i === 0 || i > 3 || col > MAX_COL || i === ref.length || ref.length - i > 7) return null;
  let row = 0;
  for (; i < ref.length; i++) {
    const d = ref.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    row = row * 10 + d;
  }
  return row >= 1 && row <= MAX_ROW ? [row, col] : null;
}

export interface Range {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** `A1:C3` (either corner first) or a single `B2`; null when either end is not an address. */
export function parseRange(ref: string): Range | null {
  const colon = ref.indexOf(':');
  const a = parseAddress(colon < 0 ? ref : ref.slice(0, colon));
  const b = colon < 0 ? a : parseAddress(ref.slice(colon + 1));
  if (!a || !b) return null;
  return { top: Math.min(a[0], b[0]), left: Math.min(a[1], b[1]), bottom: Math.max(a[0], b[0]), right: Math.max(a[1], b[1]) };
}
