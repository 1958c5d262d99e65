import type { PartStore } from './part-store.js';
import { attr, parseXml } from './xml-stream.js';

/**
 * Built-in number formats by id: the ones every Excel has, and for the ids whose format depends on
 * the language (27–36, 50–58) the simplified-Chinese ones, which is what these forms are saved with.
 */
const builtIn: Readonly<Record<number, string>> = {
  1: '0',
  2: '0.00',
  3: '#,##0',
  4: '#,##0.00',
  9: '0%',
  10: '0.00%',
  11: '0.00E+00',
  12: '# ?/?',
  13: '# ??/??',
  14: 'mm-dd-yy',
  15: 'd-mmm-yy',
  16: 'd-mmm',
  17: 'mmm-yy',
  18: 'h:mm AM/PM',
  19: 'h:mm:ss AM/PM',
  20: 'h:mm',
  21: 'h:mm:ss',
  22: 'm/d/yy "h":mm',
  27: 'yyyy"年"m"月"',
  28: 'm"月"d"日"',
  29: 'm"月"d"日"',
  30: 'm-d-yy',
  31: 'yyyy"年"m"月"d"日"',
  32: 'h"时"mm"分"',
  33: 'h"时"mm"分"ss"秒"',
  34: '上午/下午 h"时"mm"分"',
  35: '上午/下午 h"时"mm"分"ss"秒"',
  36: 'yyyy"年"m"月"',
  37: '#,##0 ;(#,##0)',
  38: '#,##0 ;[Red](#,##0)',
  39: '#,##0.00 ;(#,##0.00)',
  40: '#,##0.00 ;[Red](#,##0.00)',
  45: 'mm:ss',
  46: '[h]:mm:ss',
  47: 'mmss.0',
  48: '##0.0E+0',
  49: '@',
  50: 'yyyy"年"m"月"',
  51: 'm"月"d"日"',
  52: 'yyyy"年"m"月"',
  53: 'm"月"d"日"',
  54: 'm"月"d"日"',
  55: '上午/下午 h"时"mm"分"',
  56: '上午/下午 h"时"mm"分"ss"秒"',
  57: 'yyyy"年"m"月"',
  58: 'm"月"d"日"',
};

/** Built-in ids that show a number as a date or time, whatever text a file gives them. */
const builtInDates = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/**
 * A custom format shows a date when it has a date or time code (y m d h s, or b for Buddhist
 * years) outside quoted text, `[...]` brackets (colours, locales like `[$-804]`, conditions),
 * backslash escapes and the characters after `_` and `*` (spacing and fill).
 */
export function isDateFormat(format: string): boolean {
  let quoted = false;
  let bracket = false;
  for (let i = 0; i < format.length; i++) {
    const c = format[i] ?? '';
    if (quoted) {
      if (c === '"') quoted = false;
    } else if (bracket) {
      if (c === ']') bracket = false;
    } else if (c === '"') quoted = true;
    else if (c === '[') bracket = true;
    else if (c === '\\' || c === '_' || c === '*') i++;
    else if ('ymdhsbYMDHS'.includes(c)) return true;
  }
  return false;
}

export interface CellFormat {
  /** the format text, undefined for General (id 0) */
  numFmt: string | undefined;
  isDate: boolean;
}

const general: CellFormat = { numFmt: undefined, isDate: false };

/** `xl/styles.xml` read for the one thing the reader needs: each cell style's number format. */
export function readCellFormats(parts: PartStore, part: string): CellFormat[] {
  const data = parts.read(part);
  if (!data) return [];
  const custom = new Map<number, string>();
  const xfIds: number[] = [];
  let inCellXfs = 0;
  let xfDepth = 0;
  let depth = 0;
  parseXml(parts.nameOf(part), data, {
    open(name, attributes) {
      depth++;
      if (name === 'numFmt') {
        const id = Number(attr(attributes, 'numFmtId'));
        const code = attr(attributes, 'formatCode');
        if (Number.isInteger(id) && code !== undefined) custom.set(id, code);
      } else if (name === 'cellXfs') {
        inCellXfs++;
        xfDepth = depth + 1;
      } else if (name === 'xf' && inCellXfs > 0 && depth === xfDepth) {
        const id = Number(attr(attributes, 'numFmtId') ?? 0);
        xfIds.push(Number.isInteger(id) && id >= 0 ? id : 0);
      }
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs--;
      depth--;
    },
    text() {},
  });
  const byId = new Map<number, CellFormat>();
  return xfIds.map((id) => {
    let format = byId.get(id);
    if (!format) {
      const numFmt = id === 0 ? undefined : (custom.get(id) ?? builtIn[id]);
      format = numFmt === undefined ? general : { numFmt, isDate: builtInDates.has(id) || isDateFormat(numFmt) };
      byId.set(id, format);
    }
    return format;
  });
}
