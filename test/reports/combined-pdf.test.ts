import { describe, expect, it } from 'vitest';
import { processFile, drawHere } from '../../src/pipeline/process.js';
import { profileChoice } from '../../src/profiles/load-profile.js';
import { combinedPdf } from '../../src/reports/combined-pdf.js';
import { pdfFontPrograms, pdfFonts, pdfInfo, pdfPages, pdfOutline } from '../helpers/pdf.js';
import { fixture, seedPath, typeset } from '../helpers/pipeline.js';

async function formPdf(path: string): Promise<{ title: string; pdf: Uint8Array }> {
  const outcome = await processFile(path, path, { profile: profileChoice('auto', 'option'), mode: 'auto', typeset, render: drawHere(typeset) });
  const form = outcome.forms[0];
  const pdf = form?.files?.find((f) => f.format === 'pdf')?.bytes;
  if (!form?.scored || !pdf) throw new Error(`${path}: no PDF`);
  return { title: form.scored.input.projectName.text, pdf };
}

describe('a department’s forms in one PDF', async () => {
  const parts = await Promise.all([seedPath, fixture('hebei-2019.xlsx'), fixture('yunnan-lijiang-2020.xlsx')].map(formPdf));
  const combined = await combinedPdf(parts, '2021 示例部门 合并打印');

  it('holds every form’s pages, in order, with the same text', () => {
    const each = parts.map((p) => pdfPages(Buffer.from(p.pdf)));
    expect(pdfPages(Buffer.from(combined))).toEqual(each.flat());
    expect(Number(pdfInfo(Buffer.from(combined)).Pages)).toBe(each.reduce((n, pages) => n + pages.length, 0));
    expect(pdfInfo(Buffer.from(combined)).Title).toBe('2021 示例部门 合并打印');
  });

  it('has one bookmark per project, opening its first page', async () => {
    const counts = parts.map((p) => pdfPages(Buffer.from(p.pdf)).length);
    const starts = counts.map((_n, i) => 1 + counts.slice(0, i).reduce((a, n) => a + n, 0));
    expect(await pdfOutline(combined)).toEqual(parts.map((p, i) => ({ title: p.title, page: starts[i] })));
    expect(starts[1]).toBeGreaterThan(2);
  });

  it('embeds every form’s subsets, each name standing for one glyph set', async () => {
    const fonts = pdfFonts(Buffer.from(combined));
    for (const f of fonts) expect(f).toMatchObject({ embedded: true, subset: true, unicode: true });
    const programs = await pdfFontPrograms(combined);
    const byName = new Map<string, string>();
    for (const p of programs) {
      const content = Buffer.from(p.bytes).toString('base64');
      expect(byName.get(p.name) ?? content, p.name).toBe(content);
      byName.set(p.name, content);
    }
    const own = new Set((await Promise.all(parts.map((p) => pdfFontPrograms(p.pdf)))).flat().map((p) => p.name));
    expect(new Set(byName.keys())).toEqual(own);
  });

  it('is the same bytes from the same forms', async () => {
    expect(Buffer.from(await combinedPdf(parts, '2021 示例部门 合并打印')).equals(Buffer.from(combined))).toBe(true);
  });
});
