import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateInputs } from './src/bench/generate.js';
import { loadProfile, profileChoice } from './src/profiles/load-profile.js';
import { processFile, renderSheet } from './src/pipeline/process.js';
import { typesetterFor } from './src/typeset/typesetter.js';
import { noTimings, addTimings } from './src/model/timings.js';
const typeset = typesetterFor();
const dir = mkdtempSync(join(tmpdir(), 'prof-'));
const files = await generateInputs(dir, Number(process.argv[2] ?? 40), loadProfile('ningxia'), typeset);
const total = noTimings();
const t0 = performance.now();
for (const f of files) {
  const o = await processFile(f, f, { profile: profileChoice('auto', 'option'), mode: 'auto', typeset, render: (s) => renderSheet(s, typeset) });
  addTimings(total, o.timings);
}
const ms = performance.now() - t0;
console.log(`${files.length} forms in ${ms.toFixed(0)} ms → ${(files.length / ms * 1000).toFixed(1)}/s`, JSON.stringify(Object.fromEntries(Object.entries(total).map(([k, v]) => [k, typeof v === 'number' ? +(v / files.length).toFixed(1) : Object.fromEntries(Object.entries(v).map(([a, b]) => [a, +((b as number) / files.length).toFixed(1)]))]))));
