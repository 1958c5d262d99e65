/**
 * Renders every fixture form, the seed and a set of bench forms with each shipped profile and
 * prints the sha256 of every output, keyed by input and profile. Run before and after a change to
 * the pipeline: `npx tsx test/golden/render-hashes.ts > test/golden/render-hashes.json` records, the
 * golden test compares. Inputs and options only; how the pipeline is called is in `renderAll`.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchForm, linesFor } from '../../src/bench/generate.js';
import { formWorkbook, processFile, drawHere } from '../../src/pipeline/process.js';
import { loadProfile, profileChoice } from '../../src/profiles/load-profile.js';
import { typesetterFor } from '../../src/typeset/typesetter.js';

const root = join(import.meta.dirname, '..', '..');
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const typeset = typesetterFor();

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
    writeFileSync(path, await formWorkbook(benchForm(n, linesFor(n), profile), profile, typeset));
    files.push(path);
  }
  return files;
}

/** GOLDEN_DUMP=dir also writes every output there, to compare glyph positions when bytes differ. */
const dump = process.env.GOLDEN_DUMP;

export async function renderAll(): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  const inputs = [...goldenInputs().map((f) => ({ path: f, key: f.slice(root.length + 1) })), ...(await benchInputs()).map((f) => ({ path: f, key: `bench/${f.split('/').pop()}` }))];
  for (const { path, key } of inputs) {
    for (const name of ['auto', 'ningxia', 'national']) {
      const outcome = await processFile(path, key, { profile: profileChoice(name, 'option'), mode: 'auto', typeset, render: drawHere(typeset) });
      let i = 0;
      for (const form of outcome.forms) {
        if (form.files.length === 0) continue;
        const id = `${key}#${i++}@${name}`;
        out[id] = Object.fromEntries(form.files.map((f) => [f.format, sha(f.bytes)]));
        if (dump) for (const f of form.files) writeFileSync(join(dump, `${id.replace(/[/#@]/g, '_')}${f.extension}`), f.bytes);
      }
    }
  }
  return out;
}

if (process.argv[1]?.endsWith('render-hashes.ts')) {
  console.log(JSON.stringify(await renderAll(), null, 2));
}
