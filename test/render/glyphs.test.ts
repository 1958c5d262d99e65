import { describe, expect, it } from 'vitest';
import { faceNames } from '../../src/typeset/faces.js';
import { drawnText } from '../../src/typeset/typesetter.js';
import { profileForLayout } from '../../src/profiles/load-profile.js';
import { scoreForm } from '../../src/score/score-form.js';
import { pdfPages, squash } from '../helpers/pdf.js';
import { renderForm, typeset } from '../helpers/pipeline.js';
import { syntheticForm } from '../helpers/synthetic.js';
import { partElements } from '../helpers/xlsx.js';
import { templateWorkbook } from '../../src/pipeline/process.js';

describe('the Chinese forms of …… and ——', () => {
  it('are the centred full-width glyphs in every face, however they are looked up', () => {
    for (const face of faceNames) {
      const font = typeset.font(face);
      // —— is drawn as ―― (U+2015), which the faces' ccmp joins into one unbroken 2-em line.
      expect(drawnText('经费——专项')).toBe('经费――专项');
      const dash = font.layout(drawnText('——')).glyphs;
      expect(dash, face).toHaveLength(1);
      expect(dash[0]?.advanceWidth).toBe(2 * font.unitsPerEm);
      const mid = ((dash[0]?.bbox.minY ?? 0) + (dash[0]?.bbox.maxY ?? 0)) / 2 / font.unitsPerEm;
      expect(mid).toBeGreaterThan(0.3);
      expect(mid).toBeLessThan(0.45);
      for (const cp of [0x2026, 0x2015]) {
        const glyph = font.glyphForCodePoint(cp);
        const shaped = font.layout(String.fromCodePoint(cp)).glyphs[0];
        expect(shaped?.id, `${face} U+${cp.toString(16)}`).toBe(glyph.id);
        expect(glyph.advanceWidth).toBe(font.unitsPerEm);
        // Centred on the em box (−0.12…0.88 em), not sitting on the baseline.
        const middle = (glyph.bbox.minY + glyph.bbox.maxY) / 2 / font.unitsPerEm;
        expect(middle, `${face} U+${cp.toString(16)}`).toBeGreaterThan(0.3);
        expect(middle).toBeLessThan(0.45);
      }
    }
  });

  it('print whole, a lone …… in a cell included; a character no face has is named by its cell', async () => {
    const input = syntheticForm(4);
    const lines = input.indicators.map((l, i) => ({ ...l, name: { text: ['……', '经费——专项', '测试☑项目', '𠀀字'][i] ?? '', cell: `Sheet1!D${14 + i}` } }));
    const profile = profileForLayout('ningxia10');
    const { pdf, findings, sheet } = await renderForm(scoreForm({ ...input, indicators: lines }, profile, 'auto'));
    const text = squash(pdfPages(pdf).join(''));
    expect(text).toContain('……');
    expect(text).toContain('经费――专项');
    const lone = sheet.cells.find((c) => c.text === '……');
    expect(lone?.lines).toEqual(['……']);
    const missing = findings.filter((f) => f.code === 'RENDER_GLYPH_MISSING');
    expect(missing.map((f) => f.cell).sort()).toEqual(['Sheet1!D16', 'Sheet1!D17']);
    expect(missing.find((f) => f.cell === 'Sheet1!D16')?.message).toContain('U+2611');
    expect(missing.find((f) => f.cell === 'Sheet1!D17')?.message).toContain('U+20000');
  });
});

describe('the blank template', () => {
  it('has data validations that never overlap, so Excel opens it without offering a repair', async () => {
    const xlsx = Buffer.from(await templateWorkbook(profileForLayout('ningxia10'), typeset));
    const ranges = (await partElements(xlsx, 'xl/worksheets/sheet1.xml', 'dataValidation')).flatMap((v) => (v.sqref ?? '').split(' '));
    expect(ranges.length).toBeGreaterThanOrEqual(3);
    const box = (r: string): [number, number, number, number] => {
      const [a = '', b = a] = r.split(':');
      const parse = (x: string): [number, number] => {
        const m = /^([A-Z]+)(\d+)$/.exec(x);
        if (!m) throw new Error(x);
        return [Number(m[2]), [...(m[1] ?? '')].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0)];
      };
      const [r0, c0] = parse(a);
      const [r1, c1] = parse(b);
      return [r0, c0, r1, c1];
    };
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) {
        const [a0, a1, a2, a3] = box(ranges[i] ?? '');
        const [b0, b1, b2, b3] = box(ranges[j] ?? '');
        const overlap = a0 <= b2 && b0 <= a2 && a1 <= b3 && b1 <= a3;
        expect(overlap, `${ranges[i]} and ${ranges[j]}`).toBe(false);
      }
    }
  });
});
