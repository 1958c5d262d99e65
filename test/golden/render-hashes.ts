/**
 * Renders every fixture form, the seed and a set of bench forms with each shipped profile and
 * prints the sha256 of every output, keyed by input and profile. Run before and after a change to
 * the pipeline: `npx tsx test/golden/render-hashes.ts > test/golden/render-hashes.json` records, the
 * golden test compares. Inputs and options only; how the pipeline is called is in `renderAll`.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readAndScore } from '../../src/archive/read-and-score.js';
import { renderForm } from '../../src/archive/render-form.js';
import { benchForm, linesFor } from '../../src/bench/generate.js';
import { layoutForm } from '../../src/layout/layout-form.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { renderXlsx } from '../../src/render/render-xlsx.js';
import { scoreForm } from '../../src/score/score-form.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const root = join(import.meta.dirname, '..', '..');
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export function goldenInputs(): string[] {
  const dir = join(root, 'test', 'fixtures', 'xlsx');
  const files = [join(root, 'data', '2021-机构编制管理事务经费.xlsx')];
  for (const sub of ['', 'lo']) for (const f of readdirSync(join(dir, sub)).sort()) if (f.endsWith('.xlsx')) files.push(join(dir, sub, f));
  return files;
}

/** Bench-generated inputs: seed-sized forms and one 100-line form, as the benchmark makes them. */
async function benchInputs(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ziping-golden-'));
  const profile = loadProfile('ningxia');
  const files: string[] = [];
  for (const n of [0, 3, 4, 7, 24]) {
    const path = join(dir, `bench-${n}.xlsx`);
    writeFileSync(path, await renderXlsx(layoutForm(scoreForm(benchForm(n, linesFor(n), profile), profile, 'filled'), profile)));
    files.push(path);
  }
  return files;
}

/** GOLDEN_DUMP=dir also writes every output there, to compare glyph positions when bytes differ. */
const dump = process.env.GOLDEN_DUMP;

async function renderAll(): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  const inputs = [...goldenInputs().map((f) => ({ path: f, key: f.slice(root.length + 1) })), ...(await benchInputs()).map((f) => ({ path: f, key: `bench/${f.split('/').pop()}` }))];
  for (const { path, key } of inputs) {
    for (const name of ['ningxia', 'national']) {
      const profile = loadProfile(name);
      const forms = await readAndScore(path, key, profile, 'auto');
      let i = 0;
      for (const f of forms) {
        if (!f.scored) continue;
        const r = await renderForm(f.scored, profile);
        const id = `${key}#${i++}@${name}`;
        out[id] = { xlsx: sha(r.xlsx), pdf: sha(r.pdf) };
        if (dump) for (const [ext, bytes] of [['xlsx', r.xlsx], ['pdf', r.pdf]] as const) writeFileSync(join(dump, `${id.replace(/[/#@]/g, '_')}.${ext}`), bytes);
      }
    }
  }
  return out;
}

if (process.argv[1]?.endsWith('render-hashes.ts')) {
  console.log(JSON.stringify(await renderAll(), null, 2));
}
