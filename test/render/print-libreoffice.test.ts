import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { processFile, renderScored } from '../../src/pipeline/process.js';
import { profileChoice, profileForLayout } from '../../src/profiles/load-profile.js';
import { scoreForm } from '../../src/score/score-form.js';
import { hasSoffice, libreOfficePdfs, printedPages, textOverBorders } from '../helpers/print-check.js';
import { typeset } from '../helpers/pipeline.js';
import { referenceForms } from '../helpers/reference-forms.js';
import { syntheticForm } from '../helpers/synthetic.js';

/**
 * The .xlsx printed by a real spreadsheet program: LibreOffice converts every reference form's
 * copy (and a 96-line form) to PDF in one batch, with 宋体/SimSun/方正小标宋简体 mapped to Noto Serif
 * CJK SC, 黑体/SimHei to Noto Sans CJK SC and Calibri to Carlito, as an office's fonts would be.
 * Each print has the PDF's page count, no `###`, and no character within 0.5 pt of a border.
 */
const soffice = hasSoffice();
if (!soffice) console.warn('跳过 LibreOffice 打印检查：没有找到 soffice(CI 由 .ci/run 安装 libreoffice-calc-nogui)。');

const ours = new Map<string, { pages: number; xlsx: Uint8Array }>();
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
  const profile = profileForLayout('ningxia10');
  const long = await renderScored(scoreForm(syntheticForm(96), profile, 'auto'), profile, typeset);
  ours.set('96 lines', { pages: long.sheet.pages.length, xlsx: long.files.find((x) => x.format === 'xlsx')?.bytes ?? new Uint8Array() });
  printed = libreOfficePdfs(new Map([...ours].map(([k, v]) => [k, v.xlsx])));
  // LO_DUMP=dir keeps the prints, to look at them.
  const dump = process.env.LO_DUMP;
  if (dump) for (const [k, v] of printed) if (v) writeFileSync(join(dump, `${k.replace(/[#/\\ ]/g, '_')}.pdf`), v);
}, 600_000);

describe.skipIf(!soffice)('the .xlsx printed by LibreOffice', () => {
  it('prints every form with the PDF’s page count, no ###, and every character inside its cell', async () => {
    expect(ours.size).toBeGreaterThan(20);
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
  });
});
