/**
 * Time to ingest the seed form N times (default 200) in one process, after a warm-up, as ms per
 * form. `npx tsx scripts/time-ingest.ts [N]`. To compare with the exceljs reader, run it in a copy
 * of an older commit's sources:
 *
 *   git archive b5260d5 src data package.json | tar -x -C /tmp/old && ln -s "$PWD/node_modules" /tmp/old/
 *   mkdir /tmp/old/scripts && cp scripts/time-ingest.ts /tmp/old/scripts/ && (cd /tmp/old && npx tsx scripts/time-ingest.ts)
 *
 * Alternate the two a few times: on a busy machine single runs vary by half.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ingestBuffer } from '../src/ingest/ingest-file.js';

const root = join(import.meta.dirname, '..');
const n = Number(process.argv[2] ?? 200);
const seed = await readFile(join(root, 'data', '2021-机构编制管理事务经费.xlsx'));
for (let i = 0; i < 10; i++) await ingestBuffer(seed, 'warm-up.xlsx');
const started = process.hrtime.bigint();
let forms = 0;
for (let i = 0; i < n; i++) forms += (await ingestBuffer(seed, `seed-${i}.xlsx`)).forms.length;
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(`${n} ingests, ${forms} forms: ${ms.toFixed(0)} ms, ${(ms / forms).toFixed(2)} ms/form`);
