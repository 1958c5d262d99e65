import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import { describe, expect, it } from 'vitest';
import { breakLines, fitText } from '../../src/typeset/line-break.js';
import { analyseParagraph } from '../../src/typeset/opportunities.js';
import { mulberry32 } from '../../src/bench/random.js';

/** CJK and full-width marks 1 em, ASCII half an em, at size 1: easy to count by hand. */
const simple = (s: string): number => {
  let w = 0;
  for (const ch of s) w += (ch.codePointAt(0) ?? 0) < 0x80 ? 0.5 : 1;
  return w;
};

const font = fontkit.create(readFileSync(new URL('../../fonts/NotoSerifSC-Regular-GBK.otf', import.meta.url)));
if (!('glyphForCodePoint' in font)) throw new Error('expected a single font, not a collection');
const advances = new Map<string, number>();
/** The serif face the PDF embeds, as the layout measures it: advance widths, no kerning. */
const serif =
  (size: number) =>
  (s: string): number => {
    let w = 0;
    for (const ch of s) {
      let a = advances.get(ch);
      if (a === undefined) {
        a = font.glyphForCodePoint(ch.codePointAt(0) ?? 32).advanceWidth / font.unitsPerEm;
        advances.set(ch, a);
      }
      w += a;
    }
    return w * size;
  };
const at9 = serif(9);
/** Inner widths of the form's columns, in points. */
const FORM_WIDTHS = [19, 45, 49, 107, 55, 55, 27, 31, 77];

const EPS = 1e-6;
const CLOSING = [...'、。，．,.；：！？%‰）》」』】〕〉”’·…℃'];
const OPENING = [...'（《「『【〔〈“‘('];
const dropSpaces = (s: string): string => s.replace(/[ \t\u3000]/g, '');

function expectWithin(lines: string[], width: number, measure: (s: string) => number): void {
  for (const line of lines) expect(measure(line), line).toBeLessThanOrEqual(width + EPS);
}

describe('breakLines with the simple measure', () => {
  it('keeps (50分) together instead of pushing it past the border', () => {
    const r = breakLines('产出指标(50分)', 6, simple);
    expect(r).toEqual({ lines: ['产出指标', '(50分)'], fits: true });
  });

  it('never starts a line with 、 even where the greedy fill would put it there', () => {
    // 区内100人次 fills 5.5 em exactly; the greedy breaker left 、 to the next line or past the edge.
    const r = breakLines('区内100人次、区外40人次', 5.5, simple);
    expect(r).toEqual({ lines: ['区内', '100人次、', '区外40人次'], fits: true });
  });

  it('keeps a long decimal whole when it fits on a line', () => {
    expect(breakLines('人均1.6666666667万元', 6, simple)).toEqual({ lines: ['人均', '1.6666666667', '万元'], fits: true });
  });

  it('keeps % with its number', () => {
    // Room for 完成率68.96 but not the %: the whole number moves down.
    const w = simple('完成率68.96');
    expect(breakLines('完成率68.96%', w, simple).lines).toEqual(['完成率', '68.96%']);
    expect(breakLines('完成率100.00%', simple('完成率100.00'), simple).lines).toEqual(['完成率', '100.00%']);
  });

  it('keeps comparators, signs, dates and times with their numbers', () => {
    expect(breakLines('满意度≥95%', 3.5, simple).lines).toEqual(['满意度', '≥95%']);
    expect(breakLines('满意度＞95%', 3.5, simple).lines).toEqual(['满意度', '＞95%']);
    expect(breakLines('截至2021-12-31', 5, simple).lines).toEqual(['截至', '2021-12-31']);
    expect(breakLines('时间12:30开始', 3, simple).lines).toEqual(['时间', '12:30', '开始']);
    expect(breakLines('温度-5℃以下', 3, simple).lines).toEqual(['温度', '-5℃', '以下']);
  });

  it('breaks between words when the same number of lines allows it', () => {
    expect(breakLines('年度资金总额', 5, simple).lines).toEqual(['年度资金', '总额']);
    expect(breakLines('经济效益指标', 5, simple).lines).toEqual(['经济效益', '指标']);
    // Avoiding the in-word break would cost a third line, so it is taken.
    expect(breakLines('年度资金总额', 3, simple).lines).toEqual(['年度资', '金总额']);
  });

  it('never splits —— or …… and never leaves them alone at a line start', () => {
    const text = '他说——我们走……好的。还有——';
    for (let w = 2; w <= 14; w += 0.5) {
      const { lines, fits } = breakLines(text, w, simple);
      expect(lines.join('')).toBe(text);
      expect(lines.join('|')).not.toMatch(/—\|—|…\|…/);
      // Below 3 em 走…… cannot stay together at all; then only the marks themselves are kept whole.
      if (!fits) continue;
      for (const line of lines.slice(1)) expect(line.startsWith('…'), `${w}: ${lines.join('|')}`).toBe(false);
      for (const line of lines) expect(['——', '……']).not.toContain(line);
    }
  });

  it('never ends a line with an opening quote or starts one with a closing quote', () => {
    const text = '他说“引号里的话”很好，‘单引号’也是';
    let sawQuoteBreak = false;
    for (let w = 2; w <= 12; w += 0.5) {
      const { lines, fits } = breakLines(text, w, simple);
      expect(fits).toBe(true);
      expect(lines.join('')).toBe(text);
      for (const line of lines) {
        expect(OPENING).not.toContain(line.slice(-1));
        expect(CLOSING).not.toContain(line[0]);
      }
      if (lines.some((l) => l.startsWith('“') || l.endsWith('”'))) sawQuoteBreak = true;
    }
    // UAX #14 alone forbids breaking next to quotes; Chinese text breaks before “ and after ”.
    expect(sawQuoteBreak).toBe(true);
  });

  it('splits a URL wider than the cell by characters and reports it does not fit', () => {
    const url = 'https://www.nx.gov.cn/zwgk/qzfwj/202112/t20211231_1234567.html';
    const r = breakLines(`详见${url}`, 8, simple);
    expect(r.fits).toBe(false);
    expectWithin(r.lines, 8, simple);
    expect(r.lines.join('')).toBe(`详见${url}`);
    expect(r.lines[0]).toBe('详见');
  });

  it('treats \\n as a paragraph break and drops spaces at wrap points', () => {
    expect(breakLines('第一段\n\n第三段', 10, simple).lines).toEqual(['第一段', '', '第三段']);
    expect(breakLines('第一段\r\n第二段', 10, simple).lines).toEqual(['第一段', '第二段']);
    expect(breakLines('', 10, simple)).toEqual({ lines: [''], fits: true });
    expect(breakLines('word1 word2 word3', 6, simple).lines).toEqual(['word1 word2', 'word3']);
    expect(breakLines('  缩进的段落  ', 20, simple).lines).toEqual(['  缩进的段落']);
  });

  it('never splits a character outside the Basic Multilingual Plane', () => {
    expect(breakLines('𠀀𠀁𠀂𠀃𠀄', 2, simple)).toEqual({ lines: ['𠀀𠀁', '𠀂𠀃', '𠀄'], fits: true });
    const r = breakLines('𠀀𠀁𠀂', 0.5, simple);
    expect(r.lines).toEqual(['𠀀', '𠀁', '𠀂']);
    expect(r.fits).toBe(false);
  });

  it('counts a closing mark at a line end in the line width', () => {
    // 经济效益 fills 4 em; the 。 may neither hang outside nor start a line, so 效益 moves down with it.
    const r = breakLines('经济效益。', 4, simple);
    expect(r).toEqual({ lines: ['经济', '效益。'], fits: true });
  });
});

describe('breakLines with Noto Serif SC at 9 pt and the form column widths', () => {
  it('produces the expected lines for the known bad cases', () => {
    expect(breakLines('产出指标(50分)', 45, at9).lines).toEqual(['产出指标', '(50分)']);
    expect(breakLines('产出指标(50分)', 27, at9).lines).toEqual(['产出', '指标', '(50分)']);
    expect(breakLines('区内100人次、区外40人次', 49, at9).lines).toEqual(['区内', '100人次、', '区外40人次']);
    expect(breakLines('1.6666666667', 77, at9)).toEqual({ lines: ['1.6666666667'], fits: true });
    expect(breakLines('年度资金总额', 45, at9).lines).toEqual(['年度资金', '总额']);
    expect(breakLines('经济效益指标', 45, at9).lines).toEqual(['经济效益', '指标']);
    expect(breakLines('满意度≥95%', 45, at9).lines).toEqual(['满意度', '≥95%']);
    for (const w of [45, 49, 55]) {
      expect(breakLines('68.96%', w, at9)).toEqual({ lines: ['68.96%'], fits: true });
      expect(breakLines('100.00%', w, at9)).toEqual({ lines: ['100.00%'], fits: true });
    }
  });

  it('reports a number wider than a narrow column as not fitting, never overflowing', () => {
    for (const text of ['68.96%', '100.00%', '1.6666666667']) {
      const r = breakLines(text, 19, at9);
      expect(r.fits).toBe(false);
      expectWithin(r.lines, 19, at9);
      expect(r.lines.join('')).toBe(text);
    }
  });

  const goal =
    '通过项目实施，保障机构编制管理工作正常运转，完成年度机构编制核查、实名制管理、事业单位登记管理等工作任务；' +
    '组织开展全区机构编制业务培训2期，培训人员≥200人次，区内100人次、区外40人次；完成率达到100.00%，' +
    '资金执行率68.96%，满意度≥95%。按照“放管服”改革要求——优化审批流程……提升服务效能，' +
    '详见 www.nx.gov.cn 公开信息，经济效益指标和社会效益指标均已全部按期完成。';

  it('lays out a 200-character goal text within every column width', () => {
    expect(goal.length).toBeGreaterThanOrEqual(200);
    for (const w of FORM_WIDTHS) {
      const { lines, fits } = breakLines(goal, w, at9);
      expect(dropSpaces(lines.join(''))).toBe(dropSpaces(goal));
      expectWithin(lines, w, at9);
      // www.nx.gov.cn is 68.7 pt wide: the columns narrower than that must split it and say so.
      expect(fits, `width ${w}`).toBe(w >= 77);
      if (fits) for (const line of lines.slice(1)) expect(CLOSING, `width ${w}: ${lines.join('|')}`).not.toContain(line[0]);
    }
  });
});

describe('fitText', () => {
  const sizes = [9, 8.5, 8, 7.5, 7];
  const measureAt = (s: string, size: number): number => serif(size)(s);

  it('keeps the first size at which the text fits', () => {
    const r = fitText('产出指标(50分)', 45, sizes, measureAt);
    expect(r).toEqual({ size: 9, lines: ['产出指标', '(50分)'], fits: true });
    // 100.00% is 35.5 pt wide at 9 pt and 31.6 at 8: a 31 pt column needs 7.5.
    expect(fitText('100.00%', 31, sizes, measureAt)).toEqual({ size: 7.5, lines: ['100.00%'], fits: true });
  });

  it('returns the last size, not fitting, when none fits', () => {
    const r = fitText('1.6666666667', 19, sizes, measureAt);
    expect(r.size).toBe(7);
    expect(r.fits).toBe(false);
    expectWithin(r.lines, 19, (s) => measureAt(s, 7));
  });

  it('refuses an empty list of sizes', () => {
    expect(() => fitText('字', 10, [], measureAt)).toThrow(RangeError);
  });
});

describe('properties over random strings', () => {
  const pool = [...'项目资金年度总额经济效益指标完成率满意度区内外人次培训', ...'、。，；：！？（）《》“”‘’……——·', ...'0123456789.%', ...'abcXYZ', ' ', ' ', '\n'];
  const NO_START = new Set(CLOSING);

  it('keeps every line within the width unless a piece is wider, keeps the rules and loses no text', () => {
    const random = mulberry32(20240611);
    for (let run = 0; run < 500; run++) {
      const length = 1 + Math.floor(random() * 60);
      let text = '';
      for (let k = 0; k < length; k++) text += pool[Math.floor(random() * pool.length)]!;
      const width = 2 + random() * 10;
      const { lines, fits } = breakLines(text, width, simple);
      const where = `${JSON.stringify(text)} in ${width}: ${JSON.stringify(lines)}`;

      expect(dropSpaces(lines.join('')), where).toBe(dropSpaces(text.replace(/\n/g, '')));
      expect(
        lines.every((l) => simple(l) <= width + EPS),
        where,
      ).toBe(true);

      const paragraphs = text.split('\n');
      const perParagraph = paragraphs.map((p) => breakLines(p, width, simple));
      expect(perParagraph.flatMap((r) => r.lines)).toEqual(lines);
      expect(perParagraph.every((r) => r.fits)).toBe(fits);

      let anyWidePiece = false;
      paragraphs.forEach((p, n) => {
        const { breaks } = analyseParagraph(p);
        const bounds = [0, ...breaks, p.length];
        const wide = bounds.slice(1).flatMap((end, k) => {
          const start = bounds[k]!;
          return simple(p.slice(start, end).trim()) > width + EPS ? [[start, end] as const] : [];
        });
        if (wide.length > 0) anyWidePiece = true;

        // Find each line in its paragraph: nothing but spaces may lie between lines.
        let cursor = 0;
        perParagraph[n]!.lines.forEach((line, k) => {
          if (k > 0) while (/[ \t\u3000]/.test(p[cursor] ?? '')) cursor++;
          expect(p.startsWith(line, cursor), where).toBe(true);
          // Paragraph starts may begin with anything (the writer put it there), and so may the
          // last-resort breaks inside a piece wider than the line.
          const forced = k === 0 || wide.some(([a, b]) => a < cursor && cursor < b);
          if (!forced) {
            const at = breaks.some((b) => b <= cursor && p.slice(b, cursor).trim() === '');
            expect(at, `${where}: line ${k} starts off the opportunities`).toBe(true);
            expect(NO_START.has(line[0] ?? ''), where).toBe(false);
            expect(OPENING, where).not.toContain(perParagraph[n]!.lines[k - 1]!.slice(-1));
          }
          cursor += line.length;
        });
        expect(p.slice(cursor).trim(), where).toBe('');
      });
      if (!fits) expect(anyWidePiece, where).toBe(true);
    }
  });
});

describe('long text', () => {
  it('breaks a 2,000-character paragraph quickly in narrow and wide cells', () => {
    const unit = '组织开展全区机构编制业务培训2期，培训人员≥200人次，完成率达到100.00%；';
    const text = unit.repeat(Math.ceil(2000 / unit.length)).slice(0, 2000);
    for (const w of [45, 107, 500, 5000]) {
      const started = performance.now();
      const { lines, fits } = breakLines(text, w, at9);
      const ms = performance.now() - started;
      expect(fits).toBe(true);
      expectWithin(lines, w, at9);
      expect(lines.join('')).toBe(text);
      expect(ms, `width ${w}`).toBeLessThan(1000);
    }
  });
});
