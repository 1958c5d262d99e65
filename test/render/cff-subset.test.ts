import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutForm } from '../../src/layout/layout-form.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { renderPdf } from '../../src/render/pdf.js';
import { CffFont, readDict, tableDirectory, OP } from '../../src/render/cff-font.js';
import { subsetCff } from '../../src/render/cff-subset.js';
import { Name, PdfFile, Ref, type PdfValue } from '../../src/render/pdf-objects.js';
import { isDict, PdfReader, RawStream } from '../../src/render/pdf-read.js';
import { defaultFontDir, faceFiles, faceNames, type FaceName } from '../../src/typeset/faces.js';
import { Typesetter } from '../../src/typeset/typesetter.js';
import { pageImages, readers } from '../helpers/pdf-readers.js';
import { renderForm, scoreFile, seedPath, typeset } from '../helpers/pipeline.js';

/** A face's whole CFF table. */
function wholeCff(face: FaceName): Uint8Array {
  const bytes = typeset.faceBytes(face);
  const table = tableDirectory(bytes).get('CFF ');
  if (!table) throw new Error('no CFF table');
  return bytes.subarray(table.offset, table.offset + table.length);
}

const privateEntries = (bytes: Uint8Array) => readDict(bytes).filter((e) => e.op !== OP.subrs);

describe('CFF subsets that keep the font’s CIDs', () => {
  const source = new CffFont(wholeCff('serif'));
  const font = typeset.font('serif');
  const text = '项目支出绩效自评表（2021年度）ABC xyz 123 ①≥％';
  const gids = [...new Set([...text].map((c) => font.glyphForCodePoint(c.codePointAt(0) ?? 0).id))];

  it('reads the committed face: every glyph a CID of its own, .notdef at CID 0', () => {
    expect(source.glyphCount).toBe(font.numGlyphs);
    expect(source.cids[0]).toBe(0);
    expect(new Set(source.cids).size).toBe(source.glyphCount);
    for (const gid of gids) expect(source.gidOf(source.cids[gid] ?? -1)).toBe(gid);
  });

  it('keeps each glyph’s charstring byte for byte under its CID, with its font dict’s private values', () => {
    const subset = new CffFont(subsetCff(source, gids));
    expect(subset.glyphCount).toBe(gids.length + 1);
    expect(subset.cids[0]).toBe(0);
    expect([...subset.cids].slice(1).sort((a, b) => a - b)).toEqual(gids.map((g) => source.cids[g]).sort((a, b) => (a ?? 0) - (b ?? 0)));
    for (let gid = 0; gid < subset.glyphCount; gid++) {
      const from = source.gidOf(subset.cids[gid] ?? -1) ?? -1;
      expect(Buffer.from(subset.charString(gid)).equals(Buffer.from(source.charString(from))), `CID ${subset.cids[gid]}`).toBe(true);
      const privateOf = (f: CffFont, g: number) => privateEntries(f.fontDicts[f.fdOf[g] ?? 0]?.privateBytes ?? new Uint8Array()).map((e) => [e.op, [...e.raw]]);
      expect(privateOf(subset, gid)).toEqual(privateOf(source, from));
    }
    // Only the font dicts the glyphs use.
    expect(subset.fontDicts.length).toBe(new Set([0, ...gids].map((g) => source.fdOf[g])).size);
    expect(subset.fontDicts.length).toBeLessThan(source.fontDicts.length);
    // The same glyphs give the same bytes, in whatever order they come.
    expect(Buffer.from(subsetCff(source, [...gids].reverse())).equals(Buffer.from(subsetCff(source, gids)))).toBe(true);
  });

  it('refuses a glyph the font does not have', () => {
    expect(() => subsetCff(source, [source.glyphCount])).toThrow();
  });

  it('draws every glyph of a form exactly as the whole font does, in poppler, MuPDF and Ghostscript', async () => {
    const [scored] = await scoreFile(seedPath);
    if (!scored) throw new Error('seed not read');
    const pdf = (await renderForm(scored)).pdf;
    // The same file with each embedded subset replaced by its face's whole CFF table: pages show
    // CIDs of the whole font, so a correct subset draws the very same pixels.
    const reader = new PdfReader(pdf);
    const whole = new Map<number, Uint8Array>();
    const byName = new Map(faceNames.map((f) => [typeset.font(f).postscriptName, f]));
    const size = Number(reader.trailer.Size);
    for (let id = 1; id < size; id++) {
      const d = reader.get(new Ref(id));
      if (!isDict(d) || !(d.FontName instanceof Name) || !(d.FontFile3 instanceof Ref)) continue;
      const face = byName.get(d.FontName.name.slice(7));
      if (face) whole.set(d.FontFile3.id, wholeCff(face));
    }
    expect(whole.size).toBe(3);
    const file = new PdfFile();
    for (let id = 1; id < size; id++) {
      const ref = file.ref();
      const value = reader.get(new Ref(id));
      if (value instanceof RawStream) {
        const { Length: _length, ...dict } = value.dict;
        file.stream(dict, whole.get(id) ?? value.data, { deflate: false }, ref);
      } else file.set(ref, value as PdfValue);
    }
    const withWholeFonts = file.bytes(reader.trailer.Root as Ref, reader.trailer.Info as Ref);
    expect(withWholeFonts.length).toBeGreaterThan(20 * pdf.length);
    for (const r of readers) {
      const expected = pageImages(withWholeFonts, r, 72);
      const actual = pageImages(pdf, r, 72);
      expect(actual.length, r).toBe(2);
      actual.forEach((image, i) => expect(image.equals(expected[i] ?? Buffer.alloc(0)), `${r} page ${i + 1}`).toBe(true));
    }
  });
});

describe('a face that is not a CID-keyed CFF font', () => {
  it('is refused with the file named, in Chinese, when a PDF would embed it', async () => {
    // A TrueType font (Carlito, which .ci/run installs for LibreOffice) where the serif face goes: its Latin letters and digits draw.
    const trueType = execFileSync('fc-match', ['-f', '%{file}', 'Carlito'], { encoding: 'utf8' });
    expect(trueType).toMatch(/Carlito.*\.ttf$/);
    const dir = mkdtempSync(join(tmpdir(), 'ziping-not-cff-'));
    for (const face of faceNames) writeFileSync(join(dir, faceFiles[face]), readFileSync(face === 'serif' ? trueType : join(defaultFontDir, faceFiles[face])));
    const [scored] = await scoreFile(seedPath);
    if (!scored) throw new Error('seed not read');
    const other = new Typesetter(dir);
    const { sheet } = layoutForm(scored, loadProfile('ningxia'), typeset);
    await expect(renderPdf(sheet, { typeset: other })).rejects.toThrow(`字体文件 ${faceFiles.serif} 不是 CFF 字形的 OpenType 字体，无法嵌入 PDF`);
  });
});
