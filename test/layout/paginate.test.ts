import { describe, expect, it } from 'vitest';
import { layoutForm } from '../../src/layout/layout-form.js';
import { A4, type FormSheet } from '../../src/model/form-sheet.js';
import { profileForLayout } from '../../src/profiles/load-profile.js';
import { scoreForm } from '../../src/score/score-form.js';
import { typeset } from '../helpers/pipeline.js';
import { syntheticForm, type SyntheticOptions } from '../helpers/synthetic.js';

/**
 * Pages planned with room for the programs that print the .xlsx. LibreOffice 7.4 keeps at most
 * 965 px (723.75 pt) of rows on a page of this setup, its footer taking 4.1 pt of the body
 * (measured again by test/render/print-libreoffice.test.ts); Excel and WPS at 125 % display
 * scaling keep row heights in whole pixels of 120 dpi (0.6 pt).
 */
const LIBREOFFICE_ROOM = 723.75;

function sheetOf(lines: number, options: SyntheticOptions): FormSheet {
  const profile = profileForLayout(options.layout ?? 'ningxia10');
  return layoutForm(scoreForm(syntheticForm(lines, '长表', options), profile, 'auto'), profile, typeset).sheet;
}

const bodies = (sheet: FormSheet, height: (points: number) => number = (h) => h): number[] => sheet.pages.map((p) => p.rows.reduce((sum, r) => sum + height(r.height), 0));

const forms: Array<[string, number, SyntheticOptions]> = [
  ['96 lines, 2-line names', 96, { nameChars: 10 }],
  ['120 lines, 4-line names', 120, { nameChars: 30 }],
  ['national, 96 lines, 2-line names', 96, { layout: 'national11', nameChars: 10 }],
  ['national, 60 lines, 4-line names', 60, { layout: 'national11', nameChars: 30 }],
  ['96 lines', 96, {}],
];

describe('pages of a long form', () => {
  it.each(forms)('%s: every page fits what LibreOffice prints on a page', (_name, lines, options) => {
    const sheet = sheetOf(lines, options);
    expect(sheet.pages.length).toBeGreaterThanOrEqual(3);
    for (const [i, body] of bodies(sheet).entries()) expect(body, `page ${i + 1}`).toBeLessThanOrEqual(LIBREOFFICE_ROOM);
  });

  it.each(forms)('%s: every page fits the margins with row heights in pixels of 120 and 144 dpi', (_name, lines, options) => {
    const sheet = sheetOf(lines, options);
    const margins = A4.height - sheet.page.margins.top - sheet.page.margins.bottom;
    for (const dpi of [120, 144]) {
      const rounded = (h: number): number => (Math.round((h * dpi) / 72) * 72) / dpi;
      for (const [i, body] of bodies(sheet, rounded).entries()) expect(body, `${dpi} dpi, page ${i + 1}`).toBeLessThanOrEqual(margins);
    }
  });

  it('still fills its pages: no more than one line of room left above the footer', () => {
    const sheet = sheetOf(96, {});
    for (const body of bodies(sheet).slice(0, -1)) expect(body).toBeGreaterThan(LIBREOFFICE_ROOM - 2 * 18.75);
  });
});
