/** Closing punctuation may not start a line; opening may not end one (simple 禁则). */
const noLineStart = new Set([...'，。、；：？！）》」』】〕”’%,.;:?!)]}…—·']);
const noLineEnd = new Set([...'（《「『【〔“‘([{']);
/** Latin words and numbers stay together (`28000公里` breaks only before 公). */
const unit = /[A-Za-z0-9.,%+\-/]+|[^A-Za-z0-9.,%+\-/]/g;

/**
 * Breaks text into lines no wider than `width` (as `measure` counts): anywhere between CJK
 * characters, never inside a number or Latin word unless it alone is too wide.
 */
export function wrapText(text: string, width: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    const tokens = paragraph.match(unit) ?? [];
    let line = '';
    let lineWidth = 0;
    for (const token of tokens) {
      const tw = measure(token);
      if (line !== '' && lineWidth + tw > width + 0.01 && !noLineStart.has(token) && !noLineEnd.has(line.slice(-1))) {
        lines.push(line.replace(/\s+$/, ''));
        line = '';
        lineWidth = 0;
      }
      if (line === '' && tw > width && token.length > 1) {
        // A number or word wider than the cell: split it by characters rather than overflow.
        for (const ch of token) {
          const cw = measure(ch);
          if (line !== '' && lineWidth + cw > width + 0.01) {
            lines.push(line);
            line = '';
            lineWidth = 0;
          }
          line += ch;
          lineWidth += cw;
        }
        continue;
      }
      if (line === '' && /^\s+$/.test(token)) continue;
      line += token;
      lineWidth += tw;
    }
    lines.push(line.replace(/\s+$/, ''));
  }
  return lines;
}
