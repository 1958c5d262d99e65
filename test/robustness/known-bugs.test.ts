/**
 * Bugs in src/ found by the robustness tests. The fixed ones are plain regression tests (the
 * comments say what the input did before the fix). A bug still open is an `it.fails`: it passes
 * while the bug is there and fails once it is fixed; then drop `.fails`. Inputs are kept small so
 * the tests are cheap; the comments give the sizes that went past 1 GB.
 */
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { safeSegment } from '../../src/archive/safe-name.js';
import { ingestBuffer } from '../../src/ingest/ingest-file.js';
import { FormInput } from '../../src/model/form-input.js';
import { ScoredForm } from '../../src/model/scored-form.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { scoreForm } from '../../src/score/score-form.js';
import { writeDisguisedRows, writeMergeBomb, writeRichTextCell, writeSeedVariant, writeWideSheet } from '../helpers/hostile.js';
import { seedPath } from '../helpers/pipeline.js';
import { ziping } from '../helpers/spawn-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ziping-known-'));
});

const ingest = async (path: string) => ingestBuffer(await readFile(path), 'hostile.xlsx');

describe('ways around the input limits (src/ingest/xlsx)', () => {
  // Was: zip-guard counted rows only in parts named /^xl\/worksheets\/[^/]+\.xml$/; exceljs strips a
  // leading “/” from part names (node_modules/exceljs/lib/xlsx/xlsx.js load()) and matches sheets
  // with an unanchored /xl\/worksheets\/sheet(\d+)[.]xml/. A sheet stored as
  // “/xl/worksheets/sheet1.xml” was read but never counted: with 1,000,000 rows ingest took 22 s and
  // 1.65 GB and the form came out “ok”.
  it('a sheet stored under “/xl/worksheets/sheet1.xml” is held to the row limit', async () => {
    const path = join(dir, 'slash.xlsx');
    await writeDisguisedRows(path, { extraRows: 25_000, partName: '/xl/worksheets/sheet1.xml' });
    const result = await ingest(path);
    expect(result.status).toBe('error');
    expect(result.findings.map((f) => f.code)).toContain('INGEST_LIMIT_EXCEEDED');
  }, 30_000);

  // Was: merged ranges were not looked at: one <mergeCell ref="K1:AZ100000"/> (a 10 KB file) made
  // exceljs build 4.2 million cells: 18 s and 2.0 GB; “A1:XFD1048576” would not finish.
  it('a merged range reaching past the row limit is refused', async () => {
    const path = join(dir, 'merge.xlsx');
    await writeMergeBomb(path, 'K1:L25000');
    const result = await ingest(path);
    expect(result.status).toBe('error');
    expect(result.findings.map((f) => f.code)).toContain('INGEST_LIMIT_EXCEEDED');
  }, 30_000);

  // Was: the cell-length check measured each <t> element; a rich-text string is many <r><t>…</t></r>
  // runs that exceljs joins into one cell. 350 runs of 30,000 characters (44 KB on disk) gave a
  // 10.5-million-character 项目名称; `ziping build` then used 1.5 GB and failed with
  // BUILD_INTERNAL_ERROR “Maximum call stack size exceeded”.
  it('a cell made of many rich-text runs is held to the cell-length limit', async () => {
    const path = join(dir, 'rich.xlsx');
    await writeRichTextCell(path, 40);
    const result = await ingest(path);
    expect(result.status).toBe('error');
    expect(result.findings.some((f) => f.code === 'INGEST_LIMIT_EXCEEDED' && f.message.includes('单元格文字长度'))).toBe(true);
  }, 30_000);

  // Was: the guard trusted the end record's entry count while JSZip reads the whole central
  // directory, so a count of 0 skipped every check (1,000,000 rows: 1.4 GB, 18 s). Fixed when the
  // guard started handing exceljs only the parts it had read and checked itself.
  it('a zip whose end record understates its entries is not read past the limits', async () => {
    const path = join(dir, 'eocd0.xlsx');
    await writeDisguisedRows(path, { extraRows: 25_000, eocdEntries: 0 });
    const result = await ingest(path);
    expect(result.status).toBe('error');
    expect(result.forms).toHaveLength(0);
  }, 30_000);
});

describe('still open', () => {
  // No limit counts cells: 19,000 rows (under the 20,000-row limit) of 170 cells each is 3.2
  // million cells in an 85 MB sheet part (8.6 MB on disk, under every size limit); `ziping build
  // --jobs 1` took 28.6 s and 2.08 GB and produced the form as “ok”. Here 19,000 × 100 cells
  // (1.9 million), in a child process so the worker running the tests is not the one that grows.
  it('a sheet of millions of cells within the row limit is refused', async () => {
    const sandbox = await mkdtemp(join(tmpdir(), 'ziping-wide-'));
    await mkdir(join(sandbox, 'in'));
    await writeWideSheet(join(sandbox, 'in', 'wide.xlsx'), 19_000, 100);
    const started = Date.now();
    const run = await ziping(['build', 'in', '--out', 'out', '--json', '--jobs', '1'], sandbox);
    const form = JSON.parse(run.stdout).forms[0] as { status: string; findings: Array<{ code: string }> };
    expect(form.status).toBe('error');
    expect(form.findings.map((f) => f.code)).toContain('INGEST_LIMIT_EXCEEDED');
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 180_000);
});

describe('numbers that break ingest or scoring', () => {
  // Was (found by fuzz.test.ts): src/model/number-text.ts formatNumber() called `.toFixed(decimals)`
  // with the decimals of the cell's number format; “0.” followed by 101 zeros threw RangeError out
  // of ingestBuffer (grid.ts readValue → formatNumber). `ziping check` died with a stack trace and
  // reported none of the other files; `ziping build` gave BUILD_INTERNAL_ERROR.
  it('a number format with more than 100 decimals does not make ingest throw', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(seedPath);
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('no sheet');
    ws.getCell('G14').numFmt = `0.${'0'.repeat(101)}`;
    const result = await ingestBuffer(Buffer.from(await wb.xlsx.writeBuffer()), 'numfmt.xlsx');
    expect(result.status).toBe('ok');
  });

  // Was: src/model/number-text.ts parseNumberText() took any run of digits, so 400 nines parsed
  // to Infinity; FormInput then failed its own schema, messages printed “Infinity”, and the
  // manifest silently recorded null.
  it('a number too large for a double is an unreadable number, not Infinity', async () => {
    const path = join(dir, 'digits.xlsx');
    await writeSeedVariant(path, { D7: '9'.repeat(400) });
    const result = await ingest(path);
    const form = result.forms[0];
    if (!form) throw new Error('no form');
    expect(FormInput.safeParse(form.input).success).toBe(true);
    expect(form.findings.some((f) => f.code === 'INGEST_NUMBER_UNREADABLE' && f.cell === 'Sheet1!D7')).toBe(true);
  });

  // Was: finite but huge 分值 overflowed in src/score (computed scores and sums became Infinity):
  // ScoredForm failed its schema and messages read “按评分规则应为 Infinity”.
  it('huge 分值 do not overflow to Infinity in the scored form', async () => {
    const path = join(dir, 'huge.xlsx');
    await writeSeedVariant(path, { G14: 1.7e308, G15: 1.7e308 });
    const result = await ingest(path);
    const form = result.forms[0];
    if (!form) throw new Error('no form');
    const scored = scoreForm(form.input, loadProfile('ningxia'), 'auto');
    expect(ScoredForm.safeParse(scored).success).toBe(true);
    expect(scored.findings.every((f) => !f.message.includes('Infinity'))).toBe(true);
  });
});

describe('output names that collide with the year pages (src/archive/output-names.ts, year-reports.ts)', () => {
  // Was: the default pattern puts forms in <年度>/<主管部门>/, and year-reports.ts writes
  // <年度>/index.html and <年度>/汇总表.xlsx: a department called “index.html” or “汇总表.xlsx” made
  // a folder where the year page goes (EISDIR on rename) or met the page where its folder goes
  // (EEXIST on mkdir). Either way build() threw: no year pages, exit 1 with a stack trace, every
  // later run too.
  it('a 主管部门 named “index.html” does not stop the build (was: EISDIR, whole run failed)', async () => {
    const sandbox = await mkdtemp(join(tmpdir(), 'ziping-yearclash-'));
    await mkdir(join(sandbox, 'in'));
    await writeSeedVariant(join(sandbox, 'in', 'a.xlsx'), { C5: 'index.html' });
    const run = await ziping(['build', 'in', '--out', 'out', '--json'], sandbox);
    expect(run.stderr).not.toMatch(/EISDIR|EEXIST/);
    expect(run.code).toBe(0);
  }, 60_000);

  it('a 主管部门 named “汇总表.xlsx” added after a first build does not stop the next one (was: EEXIST)', async () => {
    const sandbox = await mkdtemp(join(tmpdir(), 'ziping-yearclash-'));
    await mkdir(join(sandbox, 'in'));
    await writeSeedVariant(join(sandbox, 'in', 'a.xlsx'), {});
    expect((await ziping(['build', 'in', '--out', 'out'], sandbox)).code).toBe(0);
    await writeSeedVariant(join(sandbox, 'in', 'b.xlsx'), { C5: '汇总表.xlsx' });
    const run = await ziping(['build', 'in', '--out', 'out', '--json'], sandbox);
    expect(run.stderr).not.toMatch(/EISDIR|EEXIST/);
    expect(run.code).toBe(0);
  }, 60_000);

  // Windows before 11 also takes “NUL .txt” for the device (RtlIsDosDeviceName_U drops the
  // extension, then trailing spaces); src/archive/safe-name.ts used to check the stem as it was.
  it('safeSegment refuses a device name followed by spaces and an extension (“nul .txt”)', () => {
    for (const name of ['nul .txt', 'CON  .pdf', 'com1 .x']) {
      const stem = (safeSegment(name).split('.')[0] ?? '').trimEnd();
      expect(/^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i.test(stem), `${name} → ${safeSegment(name)}`).toBe(false);
    }
  });
});
