/**
 * Hostile workbooks against the streaming reader. Each is ingested by the compiled reader in a
 * child process (`npm run build` first), which reports its time and peak memory: every file must
 * finish well inside a minute and 1.5 GB, and is refused with INGEST_LIMIT_EXCEEDED or, when small
 * enough, read. The far-cells case is also read here, to look at the grid it gives.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { filledRows } from '../../src/ingest/grid.js';
import { ingestBuffer } from '../../src/ingest/ingest-file.js';
import { readWorkbook } from '../../src/ingest/xlsx/read-workbook.js';
import { toZip64, writeFarCells, writeHugeCell, writeManyMerges, writeMillionRows, writeRenamedSheet, writeRichTextCell, writeTabSeparatedCells, writeZipBomb } from '../helpers/hostile.js';
import { root, seedPath } from '../helpers/pipeline.js';

interface Outcome {
  file: string;
  status: string;
  forms: number;
  codes: string[];
  messages: string[];
  ms: number;
  /** peak resident memory of the child so far, MB */
  peakMb: number;
}

const MB = 1024 * 1024;
let dir: string;
const outcomes = new Map<string, Outcome>();

/** What each file must give: refused by a limit whose message names `says`, or read with a form. */
const expected: Record<string, { status: 'error' | 'ok'; says?: string[]; code?: string }> = {
  'far-cells.xlsx': { status: 'ok' },
  'merges-99000.xlsx': { status: 'ok' },
  'merges-99000-inside-one.xlsx': { status: 'ok' },
  'tab-attributes-300k.xlsx': { status: 'error', says: ['工作表单元格数', '200001 个以上'] },
  'zip64.xlsx': { status: 'ok' },
  'zip64-entries-lie.xlsx': { status: 'error', says: ['压缩包内部件数'] },
  'zip64-size-lie.xlsx': { status: 'error', says: ['解压后总大小'] },
  'zip64-directory-past-end.xlsx': { status: 'error', code: 'INGEST_FILE_UNREADABLE' },
  'zip64-bomb-small-size.xlsx': { status: 'error', says: ['单个部件解压后大小', 'xl/worksheets/sheet1.xml'] },
  'bomb.xlsx': { status: 'error', says: ['解压后总大小'] },
  'bomb-lying.xlsx': { status: 'error', says: ['单个部件解压后大小'] },
  'bomb-in-styles.xlsx': { status: 'error', says: ['单个部件解压后大小', 'xl/styles.xml'] },
  'sheet-xml_-25000-rows.xlsx': { status: 'error', says: ['工作表行数', 'xl/worksheets/sheet1.xml_'] },
  'sheet-xml_-100-rows.xlsx': { status: 'ok' },
  'absolute-target-25000-rows.xlsx': { status: 'error', says: ['工作表行数', '/xl/worksheets/sheet1.xml'] },
  'million-rows.xlsx': { status: 'error', says: ['工作表行数', '20001 行以上'] },
  'cell-10mb.xlsx': { status: 'error', says: ['单元格文字长度'] },
  'rich-40x30k.xlsx': { status: 'error', says: ['单元格文字长度'] },
  'rich-2x16k.xlsx': { status: 'ok' },
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ziping-hostile-reader-'));
  const at = (name: string): string => join(dir, name);
  await writeFarCells(at('far-cells.xlsx'));
  await writeManyMerges(at('merges-99000.xlsx'), 99_000);
  await writeManyMerges(at('merges-99000-inside-one.xlsx'), 99_000, { inside: true });
  await writeTabSeparatedCells(at('tab-attributes-300k.xlsx'), 300_000);
  const seed = await readFile(seedPath);
  await writeFile(at('zip64.xlsx'), toZip64(seed));
  await writeFile(at('zip64-entries-lie.xlsx'), toZip64(seed, { entries: 3_000_000 }));
  await writeFile(at('zip64-size-lie.xlsx'), toZip64(seed, { sizeOf: { name: 'xl/worksheets/sheet1.xml', size: 8 * 1024 * MB } }));
  await writeFile(at('zip64-directory-past-end.xlsx'), toZip64(seed, { centralSize: 2 ** 40 }));
  await writeZipBomb(at('bomb.xlsx'), { inflatedBytes: 400 * MB });
  await writeZipBomb(at('bomb-lying.xlsx'), { inflatedBytes: 400 * MB, lie: true });
  await writeZipBomb(at('bomb-in-styles.xlsx'), { inflatedBytes: 400 * MB, lie: true, part: 'xl/styles.xml' });
  await writeFile(at('zip64-bomb-small-size.xlsx'), toZip64(await readFile(at('bomb-lying.xlsx'))));
  await writeRenamedSheet(at('sheet-xml_-25000-rows.xlsx'), { partName: 'xl/worksheets/sheet1.xml_', target: 'worksheets/sheet1.xml_', extraRows: 25_000 });
  await writeRenamedSheet(at('sheet-xml_-100-rows.xlsx'), { partName: 'xl/worksheets/sheet1.xml_', target: 'worksheets/sheet1.xml_', extraRows: 100 });
  await writeRenamedSheet(at('absolute-target-25000-rows.xlsx'), { partName: '/xl/worksheets/sheet1.xml', target: '/xl/worksheets/sheet1.xml', extraRows: 25_000 });
  await writeMillionRows(at('million-rows.xlsx'));
  await writeHugeCell(at('cell-10mb.xlsx'));
  await writeRichTextCell(at('rich-40x30k.xlsx'), 40, 30_000);
  await writeRichTextCell(at('rich-2x16k.xlsx'), 2, 16_000);

  // One child reads them all in turn; its peak memory only grows, so each file stays under the last figure.
  const script = `
    import { readFileSync } from 'node:fs';
    import { basename } from 'node:path';
    const { ingestBuffer } = await import(${JSON.stringify(pathToFileURL(join(root, 'src', 'ingest', 'ingest-file.ts')).href)});
    for (const path of process.argv.slice(1)) {
      const started = performance.now();
      const r = await ingestBuffer(readFileSync(path), basename(path));
      const ms = performance.now() - started;
      console.log(JSON.stringify({ file: basename(path), status: r.status, forms: r.forms.length, codes: r.findings.map((f) => f.code), messages: r.findings.map((f) => f.message), ms, peakMb: process.resourceUsage().maxRSS / 1024 }));
    }`;
  const files = Object.keys(expected).map(at);
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...files], { cwd: root, maxBuffer: 64 * MB, timeout: 240_000 });
  for (const line of stdout.trim().split('\n')) {
    const o = JSON.parse(line) as Outcome;
    outcomes.set(o.file, o);
  }
}, 300_000);

describe('hostile workbooks', () => {
  for (const [file, want] of Object.entries(expected)) {
    it(`${file}: ${want.status === 'ok' ? 'read' : 'refused'} within a minute and 1.5 GB`, () => {
      const o = outcomes.get(file);
      if (!o) throw new Error(`${file} not reported`);
      expect(o.ms, file).toBeLessThan(60_000);
      expect(o.peakMb, file).toBeLessThan(1536);
      expect(o.status, `${file}: ${o.messages.join(' | ')}`).toBe(want.status);
      if (want.status === 'ok') {
        expect(o.forms).toBe(1);
        return;
      }
      const code = want.code ?? 'INGEST_LIMIT_EXCEEDED';
      expect(o.codes, file).toContain(code);
      const message = o.messages[o.codes.indexOf(code)] ?? '';
      for (const text of want.says ?? []) expect(message, file).toContain(text);
    });
  }

  it('reports the time and memory it took', () => {
    const lines = [...outcomes.values()].map((o) => `${o.file}: ${o.status} ${o.ms.toFixed(0)} ms, peak ${o.peakMb.toFixed(0)} MB`);
    console.log(`[hostile-reader]\n  ${lines.join('\n  ')}`);
    expect(lines.length).toBe(Object.keys(expected).length);
  });
});

describe('a cell at XFD1 and one at A1048576', () => {
  it('give the extent they span, while the form search visits only the filled rows', async () => {
    const bytes = await readFile(join(dir, 'far-cells.xlsx'));
    const read = readWorkbook(bytes);
    if (!read.ok) throw new Error(JSON.stringify(read));
    const grid = read.sheets[0]?.grid;
    if (!grid) throw new Error('no sheet');
    expect([grid.rowCount, grid.colCount]).toEqual([1_048_576, 16_384]);
    expect(filledRows(grid, 1, grid.rowCount).length).toBeLessThanOrEqual(41);
    expect(grid.cells.get('1:16384')?.text).toBe('远');
    const result = await ingestBuffer(bytes, 'far.xlsx');
    expect(result.status).toBe('ok');
    expect(result.forms[0]?.input.projectName.text).toBe('机构编制管理事务经费');
  });
});

describe('99,000 merged ranges', () => {
  it('are indexed by cell: all kept when apart, all dropped when inside one range', async () => {
    const seed = readWorkbook(await readFile(seedPath));
    const apart = readWorkbook(await readFile(join(dir, 'merges-99000.xlsx')));
    const inside = readWorkbook(await readFile(join(dir, 'merges-99000-inside-one.xlsx')));
    if (!seed.ok || !apart.ok || !inside.ok) throw new Error('not read');
    const masters = (r: typeof seed): number => (r.ok ? (r.sheets[0]?.grid.masters.size ?? 0) : 0);
    const spans = (r: typeof seed): number => (r.ok ? (r.sheets[0]?.grid.spans.size ?? 0) : 0);
    expect(masters(apart) - masters(seed)).toBe(99_000);
    expect(spans(apart) - spans(seed)).toBe(99_000);
    // L50:AE4999 alone: 20 columns × 4,950 rows, less its top-left.
    expect(spans(inside) - spans(seed)).toBe(1);
    expect(masters(inside) - masters(seed)).toBe(99_000 - 1);
  });
});
