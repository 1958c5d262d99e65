import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/archive/build.js';
import { pdfFontPrograms, pdfFonts, pdfToUnicodeMaps } from '../helpers/pdf.js';
import { fixture, typeset } from '../helpers/pipeline.js';
import { profileChoice } from '../../src/profiles/load-profile.js';

describe('embedded font subsets', async () => {
  const inputs = ['data', fixture('hebei-2019.xlsx'), fixture('anhui-2022.xlsx'), fixture('yunnan-lijiang-2020.xlsx'), fixture('seed-messy.xlsx')];
  const out = await mkdtemp(join(tmpdir(), 'ziping-fonts-'));
  const result = await build(inputs, { out, profile: profileChoice('auto', 'option'), mode: 'auto', typeset, jobs: 1 });
  const pdfs = await Promise.all(result.manifest.forms.flatMap((f) => (f.outputs ? [readFile(join(out, f.outputs.pdf))] : [])));

  it('every form has its faces embedded as CFF programs, stored without deflate', async () => {
    expect(pdfs.length).toBeGreaterThanOrEqual(5);
    for (const pdf of pdfs) {
      const programs = await pdfFontPrograms(pdf);
      expect(programs.length).toBe(pdfFonts(pdf).length);
      for (const p of programs) {
        expect(p.subtype).toBe('/CIDFontType0C');
        expect(p.filter).toBeNull();
        // A CFF table starts with major version 1 and a header size of 4.
        expect([p.bytes[0], p.bytes[2]]).toEqual([1, 4]);
        expect(() => inflateSync(p.bytes)).toThrow();
      }
    }
  });

  it('one subset name means one glyph set across the whole build (PDF 32000-1 §9.6.4)', async () => {
    const byName = new Map<string, string>();
    for (const pdf of pdfs) {
      for (const p of await pdfFontPrograms(pdf)) {
        expect(p.name).toMatch(/^[A-Z]{6}\+/);
        const content = Buffer.from(p.bytes).toString('base64');
        const seen = byName.get(p.name);
        if (seen === undefined) byName.set(p.name, content);
        else expect(seen, p.name).toBe(content);
      }
    }
    // Different forms use different characters: several subsets of the same face, each under its own tag.
    const serif = [...byName.keys()].filter((n) => n.endsWith('+NotoSerifCJKsc-Regular'));
    expect(serif.length).toBe(pdfs.length);
  });

  it('maps each glyph to its text with bfchar entries every reader takes, .notdef to nothing', async () => {
    for (const pdf of pdfs) {
      const maps = await pdfToUnicodeMaps(pdf);
      expect(maps.length).toBe(pdfFonts(pdf).length);
      for (const map of maps) {
        expect(map).toContain('beginbfchar');
        expect(map).not.toContain('beginbfrange');
        // .notdef (CID 0) has no entry; the one line starting <0000> is the code space range.
        expect(map.match(/^<0000> /gm)).toHaveLength(1);
        expect(map).toContain('<0000> <ffff>');
        for (const m of map.matchAll(/^(\d+) beginbfchar$/gm)) expect(Number(m[1])).toBeLessThanOrEqual(100);
      }
    }
  });
});
