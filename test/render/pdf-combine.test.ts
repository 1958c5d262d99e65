import { copyFileSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawHere, processFile } from '../../src/pipeline/process.js';
import { profileChoice } from '../../src/profiles/load-profile.js';
import { CffFont } from '../../src/render/cff-font.js';
import { combinePdfs } from '../../src/render/pdf-combine.js';
import { defaultFontDir, faceFiles, faceNames } from '../../src/typeset/faces.js';
import { Typesetter, type Typesetter as TypesetterType } from '../../src/typeset/typesetter.js';
import { pdfFontPrograms, pdfFonts, pdfInfo, pdfOutline } from '../helpers/pdf.js';
import { characters, pageImages, pageTexts, qpdfCheck, readers } from '../helpers/pdf-readers.js';
import { fixture, seedPath, typeset } from '../helpers/pipeline.js';
import { printedPages } from '../helpers/print-check.js';

async function formPdf(path: string, with_: TypesetterType = typeset): Promise<{ title: string; pdf: Uint8Array }> {
  const outcome = await processFile(path, path, { profile: profileChoice('auto', 'option'), mode: 'auto', typeset: with_, render: drawHere(with_) });
  const form = outcome.forms[0];
  const pdf = form?.files?.find((f) => f.format === 'pdf')?.bytes;
  if (!form?.scored || !pdf) throw new Error(`${path}: no PDF`);
  return { title: form.scored.input.projectName.text, pdf };
}

/** The committed fonts, but the serif face's file one byte longer: the same glyphs from another file, as a PDF drawn elsewhere has. */
function otherFontFiles(): TypesetterType {
  const dir = mkdtempSync(join(tmpdir(), 'ziping-other-fonts-'));
  for (const face of faceNames) {
    const file = faceFiles[face];
    if (face === 'serif') writeFileSync(join(dir, file), Buffer.concat([readFileSync(join(defaultFontDir, file)), Buffer.of(0)]));
    else symlinkSync(join(defaultFontDir, file), join(dir, file));
  }
  copyFileSync(join(defaultFontDir, 'LICENSE-OFL.txt'), join(dir, 'LICENSE-OFL.txt'));
  return new Typesetter(dir);
}

const serifName = /^[A-Z]{6}\+NotoSerifCJKsc-Regular$/;

describe('a department’s forms in one PDF, each face embedded once', async () => {
  const own = await Promise.all([seedPath, fixture('hebei-2019.xlsx'), fixture('yunnan-lijiang-2020.xlsx')].map((p) => formPdf(p)));
  const foreign = await formPdf(fixture('anhui-2022.xlsx'), otherFontFiles());
  const parts = [...own, foreign];
  const combine = () =>
    combinePdfs(
      parts.map((p) => ({ title: p.title, pdf: async () => p.pdf })),
      '2021 示例部门 合并打印',
      typeset,
    );
  const combined = Buffer.from(await combine());

  it('passes qpdf --check without a warning, and has the title', () => {
    const report = qpdfCheck(combined);
    expect(report).toContain('No syntax or stream encoding errors found');
    expect(report).not.toMatch(/warning/i);
    expect(pdfInfo(combined).Title).toBe('2021 示例部门 合并打印');
  });

  it('shows every form’s pages exactly as the form’s own PDF does, in poppler, MuPDF and Ghostscript', () => {
    for (const reader of readers) {
      const expected = parts.flatMap((p) => pageImages(p.pdf, reader));
      const actual = pageImages(combined, reader);
      expect(actual.length, reader).toBe(expected.length);
      actual.forEach((image, i) => expect(image.equals(expected[i] ?? Buffer.alloc(0)), `${reader} page ${i + 1}`).toBe(true));
    }
  });

  it('gives each reader the text of each page that the form’s own PDF gives it, the same characters in all', () => {
    const byReader = readers.map((reader) => {
      const expected = parts.flatMap((p) => pageTexts(p.pdf, reader));
      const actual = pageTexts(combined, reader);
      expect(actual, reader).toEqual(expected);
      return actual.map(characters);
    });
    expect(pageTexts(combined, 'poppler').join('').replace(/\s+/g, '')).toContain('机构编制管理事务经费');
    for (const other of byReader.slice(1)) expect(other).toEqual(byReader[0]);
  });

  it('puts every glyph where the form’s own PDF puts it (pdf.js)', async () => {
    const expected = (await Promise.all(parts.map((p) => printedPages(p.pdf)))).flat();
    expect(await printedPages(combined)).toEqual(expected);
  });

  it('embeds one subset per face for the forms drawn with this run’s font files, holding all their glyphs; another file’s keep their own', async () => {
    const programs = await pdfFontPrograms(combined);
    const byName = new Map<string, string>();
    for (const p of programs) {
      const content = Buffer.from(p.bytes).toString('base64');
      expect(byName.get(p.name) ?? content, p.name).toBe(content);
      byName.set(p.name, content);
    }
    // The fourth form was drawn with another serif file (its other faces are the same files): that subset comes along as it is.
    const foreignSerif = (await pdfFontPrograms(foreign.pdf)).filter((p) => serifName.test(p.name)).map((p) => p.name);
    expect(foreignSerif).toHaveLength(1);
    expect(programs.map((p) => p.name)).toEqual(expect.arrayContaining(foreignSerif));
    const ownPrograms = (await Promise.all(own.map((p) => pdfFontPrograms(p.pdf)))).flat();
    const shared = programs.filter((p) => !foreignSerif.includes(p.name));
    // The forms use three faces between them: three shared subsets, none of them a form's own.
    expect(shared.map((p) => p.name.slice(7)).sort()).toEqual([...new Set(ownPrograms.map((p) => p.name.slice(7)))].sort());
    expect(shared).toHaveLength(3);
    for (const p of shared) expect(ownPrograms.map((o) => o.name)).not.toContain(p.name);
    // The shared serif subset holds exactly the CIDs of the forms' own serif subsets.
    const cids = (bytes: Uint8Array): number[] => [...new CffFont(bytes).cids];
    const union = new Set(ownPrograms.filter((p) => serifName.test(p.name)).flatMap((p) => cids(p.bytes)));
    const sharedSerif = shared.find((p) => serifName.test(p.name));
    expect(sharedSerif && cids(sharedSerif.bytes).sort((a, b) => a - b)).toEqual([...union].sort((a, b) => a - b));
    for (const f of pdfFonts(combined)) expect(f).toMatchObject({ embedded: true, subset: true, unicode: true });
  });

  it('has one bookmark per form, opening its first page', async () => {
    const counts = parts.map((p) => pageImages(p.pdf, 'poppler', 10).length);
    const starts = counts.map((_n, i) => 1 + counts.slice(0, i).reduce((a, n) => a + n, 0));
    expect(await pdfOutline(combined)).toEqual(parts.map((p, i) => ({ title: p.title, page: starts[i] })));
    expect(starts[1]).toBeGreaterThan(2);
  });

  it('is the same bytes from the same forms', async () => {
    expect(Buffer.from(await combine()).equals(combined)).toBe(true);
  });
});
