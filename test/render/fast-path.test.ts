import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fontkit from 'fontkit';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/archive/build.js';
import type { FaceName } from '../../src/typeset/faces.js';
import { Typesetter } from '../../src/typeset/typesetter.js';
import { pdfFonts, pdfInfo, pdfPages } from '../helpers/pdf.js';
import { fixture, forced, typeset } from '../helpers/pipeline.js';

const inputs = ['data', fixture('hebei-2019.xlsx'), fixture('anhui-2022.xlsx'), fixture('yunnan-lijiang-2020.xlsx')];

/** The plain path: the PDF writer gets a fresh parse of each face for every document. */
class FreshParses extends Typesetter {
  override font(name: FaceName): fontkit.Font {
    return fontkit.create(this.faceBytes(name)) as fontkit.Font;
  }
}

async function run(jobs: number, reuseFonts: boolean) {
  const out = await mkdtemp(join(tmpdir(), 'ziping-fast-'));
  const result = await build(inputs, { out, profile: forced('national'), mode: 'auto', typeset: reuseFonts ? typeset : new FreshParses(), jobs });
  const pdfs = new Map<string, Buffer>();
  for (const f of result.manifest.forms) if (f.outputs) pdfs.set(f.outputs.pdf, await readFile(join(out, f.outputs.pdf)));
  return pdfs;
}

describe('the fast path (shared font parses, worker threads) prints what the plain path prints', async () => {
  const plain = await run(1, false);
  const fast = await run(2, true);
  const fastAgain = await run(2, true);

  it('same documents, same pages, same text, same embedded subset fonts', () => {
    expect([...fast.keys()]).toEqual([...plain.keys()]);
    expect(fast.size).toBe(4);
    for (const [name, a] of plain) {
      const b = fast.get(name);
      if (!b) throw new Error(name);
      expect(pdfInfo(b).Pages).toBe(pdfInfo(a).Pages);
      expect(pdfPages(b, true)).toEqual(pdfPages(a, true));
      const fonts = (x: Buffer) => pdfFonts(x).map((f) => ({ ...f, name: f.name.replace(/^[A-Z]{6}\+/, '') }));
      expect(fonts(b)).toEqual(fonts(a));
      for (const f of pdfFonts(b)) expect(f).toMatchObject({ embedded: true, subset: true });
      // Not required, but true today: the bytes are the same too.
      expect(b.equals(a)).toBe(true);
    }
  });

  it('two fast runs give identical bytes', () => {
    for (const [name, a] of fast) expect(fastAgain.get(name)?.equals(a), name).toBe(true);
  });
});
