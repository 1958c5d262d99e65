/**
 * Cell texts as people type them: stray HTML from web systems that export the form, full-width
 * punctuation, extra spaces inside labels. `cleanText` keeps what a person wrote (for printing);
 * `labelKey` is only for recognising labels.
 */

const entities: Record<string, string> = { nbsp: ' ', lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", ldquo: '“', rdquo: '”' };

export function cleanText(raw: string): string {
  return raw
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/?(p|div|span|font|b|strong|i|em|u)\b[^>]*>/gi, '')
    .replace(/&(nbsp|lt|gt|amp|quot|apos|ldquo|rdquo);/g, (_, name: string) => entities[name] ?? '')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00a0\u3000]+\n/g, '\n')
    .trim();
}

/** `全年预算数（A）` → `全年预算数`, `总 分` → `总分`, `其中：当年财政拨款` → `当年财政拨款`. */
export function labelKey(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/^其中[:：]?/, '')
    .replace(/\([^)]*\)$/g, '')
    .replace(/[:：]+$/, '')
    .replace(/\([^)]*\)$/g, '');
}

/** `产出指标(50分)` → 50; the weight a 一级指标 cell declares for its group. */
export function declaredWeight(text: string): number | null {
  const m = /\((\d+(?:\.\d+)?)分\)\s*$/.exec(text.normalize('NFKC'));
  return m ? Number(m[1]) : null;
}

/** Labels are also matched when the value follows in the same cell: `实施单位 某某局`, `预期目标：…`. */
export function splitLabelValue(text: string, label: string): string | null {
  // Walk the original text so the value keeps its own characters (full-width ones included).
  let seen = 0;
  let i = 0;
  const chars = [...text];
  while (i < chars.length && seen < label.length) {
    const c = (chars[i] ?? '').normalize('NFKC');
    if (/^\s*$/.test(c)) {
      i++;
      continue;
    }
    if (!label.startsWith(c, seen)) return null;
    seen += c.length;
    i++;
  }
  if (seen < label.length) return null;
  return chars
    .slice(i)
    .join('')
    .replace(/^\s*([(（][^)）]*[)）])?\s*[:：]?\s*/, '')
    .trim();
}
