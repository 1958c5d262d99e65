import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processFile, renderScored } from '../../src/pipeline/process.js';
import { profileChoice, profileForLayout } from '../../src/profiles/load-profile.js';
import { scoreForm } from '../../src/score/score-form.js';
import { printedPages, textOverBorders } from '../helpers/print-check.js';
import { referenceForms } from '../helpers/reference-forms.js';
import { typeset } from '../helpers/pipeline.js';
import { syntheticForm } from '../helpers/synthetic.js';

/**
 * Issue 12's print-true checks on the PDF this project draws: for every reference form and a
 * 96-line form, no character comes within 0.5 pt of a cell border (read back from the PDF with
 * pdf.js: text boxes from the fonts' ascent to descent, borders from the drawn paths), no number
 * is split over two lines, no printed score is above its printed weight, and the printed total is
 * the sum of the printed line scores.
 */
async function rendered(path: string) {
  const outcome = await processFile(path, basename(path), { profile: profileChoice('auto', 'option'), mode: 'auto', typeset, render: false });
  return Promise.all(outcome.forms.flatMap((f) => (f.scored ? [f.scored] : [])).map(async (scored) => ({ scored, ...(await renderScored(scored, profileForLayout(scored.input.variant), typeset)) })));
}

const number = /[0-9０-９][0-9０-９.,%‰]*$/;
const startsNumber = /^[0-9０-９.,%‰]/;

const forms = referenceForms();

describe('every character inside its cell', () => {
  it.each(forms.map((f) => [basename(f), f]))('%s', async (_name, path) => {
    for (const { sheet, files } of await rendered(path)) {
      const pdf = files.find((f) => f.format === 'pdf')?.bytes;
      if (!pdf) throw new Error('no pdf');
      const pages = await printedPages(pdf);
      expect(pages).toHaveLength(sheet.pages.length);
      for (const [i, page] of pages.entries()) {
        expect(page.texts.length, `page ${i + 1} shows text`).toBeGreaterThan(0);
        expect(page.borders.length, `page ${i + 1} shows borders`).toBeGreaterThan(0);
        expect(
          textOverBorders(page, 0.5).map((h) => `${h.text} @ ${h.box.x0.toFixed(1)},${h.box.y0.toFixed(1)}`),
          `page ${i + 1}`,
        ).toEqual([]);
      }
      // No number token is broken over two lines in any cell.
      for (const cell of sheet.cells) {
        for (let l = 1; l < cell.lines.length; l++) {
          const pair = `${cell.lines[l - 1]}|${cell.lines[l]}`;
          expect(number.test(cell.lines[l - 1] ?? '') && startsNumber.test(cell.lines[l] ?? ''), `${cell.source}: ${pair}`).toBe(false);
        }
      }
    }
  });

  it('and in a 96-line form over several pages', async () => {
    const profile = profileForLayout('ningxia10');
    const { sheet, files } = await renderScored(scoreForm(syntheticForm(96), profile, 'auto'), profile, typeset);
    const pdf = files.find((f) => f.format === 'pdf')?.bytes;
    if (!pdf) throw new Error('no pdf');
    const pages = await printedPages(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(4);
    for (const page of pages) expect(textOverBorders(page, 0.5)).toEqual([]);
    expect(pages).toHaveLength(sheet.pages.length);
  });
});

describe('printed numbers', () => {
  it.each(forms.map((f) => [basename(f), f]))('%s: no score above its weight, the total the sum of the lines', async (_name, path) => {
    for (const { scored } of await rendered(path)) {
      let sum = 0;
      scored.indicators.forEach((line, i) => {
        const weight = scored.input.indicators[i]?.weight.value;
        if (line.score !== null && weight !== null && weight !== undefined) expect(line.score, scored.input.indicators[i]?.name.text).toBeLessThanOrEqual(weight + 1e-9);
        sum += line.score ?? 0;
      });
      const profile = profileForLayout(scored.input.variant);
      if (scored.total !== null) {
        const fundsPart = profile.funds.countsInTotal ? (scored.funds.shownScore ?? 0) : 0;
        expect(scored.total).toBeCloseTo(sum + fundsPart, 6);
      }
    }
  });
});
