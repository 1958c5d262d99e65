/**
 * The streaming reader against the exceljs path it replaced: test/fixtures/grids holds, for every
 * sheet of every fixture workbook, the Grid the old path gave (dumped before it was deleted, see
 * the commit that added them). Every field of every cell, every merge and the extent must match.
 *
 * Where the two differ on purpose (a cached 0 or FALSE, a shared formula's text, Chinese built-in
 * date formats, a `t="d"` cell) no fixture has such a cell; xlsx-reader.test.ts asserts the new
 * behaviour on hand-written parts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestBuffer } from '../../src/ingest/ingest-file.js';
import { readWorkbook } from '../../src/ingest/xlsx/read-workbook.js';
import { writeZip } from '../../src/zip/zip-file.js';
import { zipParts } from '../helpers/hostile.js';
import { root, seedPath } from '../helpers/pipeline.js';
import { gridJson, type GridJson } from './grid-json.js';

const dir = join(root, 'test', 'fixtures', 'grids');
const dumps = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ dump: f, ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as { file: string; sheets: GridJson[] }) }));

describe('the streaming reader gives the grids the exceljs path gave', () => {
  it('has a dump for every fixture workbook', () => {
    expect(dumps.length).toBe(13);
  });

  for (const { dump, file, sheets } of dumps) {
    it(`${file}: ${sheets.length} sheet(s)`, () => {
      const read = readWorkbook(readFileSync(join(root, file)));
      if (!read.ok) throw new Error(`${dump}: ${JSON.stringify(read)}`);
      expect(read.sheets.map((s) => s.name)).toEqual(sheets.map((s) => s.sheet));
      read.sheets.forEach((s, i) => expect(gridJson(s.grid), `${file} sheet ${s.name}`).toEqual(sheets[i]));
    });
  }
});

describe('sheet visibility', () => {
  it('reads a form on a hidden sheet as before, and says the sheet is hidden', async () => {
    const parts = await zipParts(seedPath);
    const hidden = parts.map((p) => (p.name === 'xl/workbook.xml' ? { name: p.name, data: Buffer.from(p.data.toString('utf8').replace('state="visible"', 'state="hidden"')) } : p));
    const result = await ingestBuffer(writeZip(hidden, true), 'hidden.xlsx');
    expect(result.status).toBe('ok');
    expect(result.forms[0]?.input.projectName.text).toBe('机构编制管理事务经费');
    expect(result.sheets).toEqual([{ name: 'Sheet1', state: 'hidden' }]);
  });
});
