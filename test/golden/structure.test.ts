import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { structures, type Structure } from './render-structure.js';

/**
 * The renderers keep what every reference form's copies show (render-structure.ts says what is
 * compared): same pages, fonts and glyph positions to 0.01 pt in the PDF, same cells, styles,
 * merges, rows, columns, page breaks, validations and print setup in the xlsx.
 */
describe('every reference form renders to the recorded structure', () => {
  it('PDF and xlsx, form by form', async () => {
    const recorded = JSON.parse(readFileSync(join(import.meta.dirname, 'render-structure.json'), 'utf8')) as Record<string, Structure>;
    const now = await structures();
    expect(Object.keys(now).sort()).toEqual(Object.keys(recorded).sort());
    for (const [name, want] of Object.entries(recorded)) {
      const got = now[name];
      expect(got?.pdf, `${name} pdf`).toEqual(want.pdf);
      expect(got?.xlsx, `${name} xlsx`).toEqual(want.xlsx);
    }
  }, 300_000);
});
