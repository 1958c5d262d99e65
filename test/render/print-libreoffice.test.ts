import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PAGE } from '../../src/layout/geometry.js';
import { LIBREOFFICE_FOOTER } from '../../src/layout/print-room.js';
import { A4 } from '../../src/model/form-sheet.js';
import { processFile, renderScored } from '../../src/pipeline/process.js';
import { profileChoice, profileForLayout } from '../../src/profiles/load-profile.js';
import { renderXlsx } from '../../src/render/xlsx.js';
import { scoreForm } from '../../src/score/score-form.js';
import { hasSoffice, libreOfficePdfs, printedPages, textOverBorders, usableHeight, usableHeightProbes } from '../helpers/print-check.js';
import { typeset } from '../helpers/pipeline.js';
import { referenceForms } from '../helpers/reference-forms.js';
import { syntheticForm, type SyntheticOptions } from '../helpers/synthetic.js';

/**
 * The .xlsx printed by a real spreadsheet program: LibreOffice converts every reference form's
 * copy and long forms of both layouts (60–120 lines; names of equal length give rows of equal
 * height, which fill a page to the pixel) to PDF in one batch, with 宋体/SimSun/方正小标宋简体
 * mapped to Noto Serif CJK SC, 黑体/SimHei to Noto Sans CJK SC and Calibri to Carlito, as an
 * office's fonts would be. Each print has the PDF's page count, no `###`, and no character within
 * 0.5 pt of a border. The same batch measures how much of a page LibreOffice prints rows on.
 */
const soffice = hasSoffice();
if (!soffice) console.warn('跳过 LibreOffice 打印检查：没有找到 soffice(CI 由 .ci/run 安装 libreoffice-calc-nogui)。');

const longForms: Array<[string, number, SyntheticOptions]> = [
  ['96 lines', 96, {}],
  // 2-line names: the header and 22 lines filled a page to 966 px, one pixel more than LibreOffice holds.
  ['96 lines, 2-line names', 96, { nameChars: 10 }],
  ['120 lines, 4-line names', 120, { nameChars: 30 }],
  ['national, 60 lines, 4-line names', 60, { layout: 'national11', nameChars: 30 }],
  ['national, 120 lines, 2-line names', 120, { layout: 'national11', nameChars: 10 }],
  ['national, 72 lines, 3-line names', 72, { layout: 'national11', nameChars: 20 }],
];

const ours = new Map<string, { pages: number; xlsx: Uint8Array }>();
const probes = usableHeightProbes(PAGE);
let printed = new Map<string, Buffer | null>();

beforeAll(async () => {
  if (!soffice) return;
  for (const path of referenceForms()) {
    const outcome = await processFile(path, basename(path), { profile: profileChoice('auto', 'option'), mode: 'auto', typeset, render: false });
    for (const [i, f] of outcome.forms.entries()) {
      if (!f.scored) continue;
      const r = await renderScored(f.scored, profileForLayout(f.scored.input.variant), typeset);
      const xlsx = r.files.find((x) => x.format === 'xlsx')?.bytes;
      if (xlsx) ours.set(`${basename(path)}#${i}`, { pages: r.sheet.pages.length, xlsx });
    }
  }
  for (const [name, lines, options] of longForms) {
    const profile = profileForLayout(options.layout ?? 'ningxia10');
    const long = await renderScored(scoreForm(syntheticForm(lines, name, options), profile, 'auto'), profile, typeset);
    ours.set(name, { pages: long.sheet.pages.length, xlsx: long.files.find((x) => x.format === 'xlsx')?.bytes ?? new Uint8Array() });
  }
  const probeFiles = await Promise.all([...probes].map(async ([k, sheet]) => [`probe ${k}`, await renderXlsx(sheet)] as const));
  printed = libreOfficePdfs(new Map([...[...ours].map(([k, v]) => [k, v.xlsx] as const), ...probeFiles]));
  // LO_DUMP=dir keeps the prints, to look at them.
  const dump = process.env.LO_DUMP;
  if (dump) for (const [k, v] of printed) if (v) writeFileSync(join(dump, `${k.replace(/[#/\\ ,]/g, '_')}.pdf`), v);
}, 600_000);

describe.skipIf(!soffice)('the .xlsx printed by LibreOffice', () => {
  it('prints every form with the PDF’s page count, no ###, and every character inside its cell', async () => {
    expect(ours.size).toBeGreaterThan(25);
    for (const [name, { pages }] of ours) {
      const pdf = printed.get(name);
      expect(pdf, `${name} converted`).toBeTruthy();
      if (!pdf) continue;
      const lo = await printedPages(pdf);
      expect(lo.length, `${name}: pages`).toBe(pages);
      for (const [i, page] of lo.entries()) {
        expect(page.texts.map((t) => t.text).join(''), `${name} p${i + 1}`).not.toContain('###');
        expect(page.borders.length, `${name} p${i + 1} has borders`).toBeGreaterThan(0);
        expect(
          textOverBorders(page, 0.5).map((h) => `${h.text} @ ${h.box.x0.toFixed(1)},${h.box.y0.toFixed(1)}`),
          `${name} p${i + 1}`,
        ).toEqual([]);
      }
    }
    expect(ours.get('120 lines, 4-line names')?.pages).toBeGreaterThanOrEqual(10);
  });

  it('prints rows on no more of a page than the layout gives it', async () => {
    const { fits, spills } = await usableHeight(probes, (k) => printed.get(`probe ${k}`));
    const margins = A4.height - PAGE.margins.top - PAGE.margins.bottom;
    // LibreOffice 7.4 with Noto CJK keeps 965 px (723.75 pt) and spills 966 px; the margins leave 728.13 pt.
    expect(spills - fits).toBeCloseTo(0.75, 6);
    expect(margins - LIBREOFFICE_FOOTER, 'the room the layout gives LibreOffice').toBeLessThanOrEqual(fits);
    // and not much less: the footer takes what was measured, no more than a pixel besides
    expect(fits - (margins - LIBREOFFICE_FOOTER)).toBeLessThan(1.5);
  });
});
