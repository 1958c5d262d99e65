/**
 * Writes the robustness issue's bad folder (every bad and hostile file beside two good forms) and
 * prints what each file must produce. Usage: npx tsx test/robustness/write-bad-folder.ts DIR
 * Used by scripts/measure-bad-folder.sh; the test itself calls writeBadFolder directly.
 */
import { writeBadFolder } from '../helpers/hostile.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: npx tsx test/robustness/write-bad-folder.ts DIR');
  process.exit(2);
}
const started = Date.now();
const cases = await writeBadFolder(dir);
console.log(`wrote ${cases.length} bad files and 2 good forms into ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const c of cases) console.log(`  ${c.file}: ${c.what} → ${c.status}${c.codes.length ? ` ${c.codes[0]}` : ''}`);
