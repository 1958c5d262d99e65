/**
 * One run over a folder holding every bad and hostile file of the robustness issue beside two
 * good forms (test/helpers/hostile.ts): the good forms are produced, every bad file gets its
 * message with a stable code, and the run stays under 1 GB of memory and well under a minute.
 * Runs the compiled CLI (`npm run build` first), under /usr/bin/time -v when it is installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Manifest, type ManifestForm } from '../../src/model/manifest.js';
import { ENCRYPTED_PASSWORD, GiB, GOOD_FORMS, writeBadFolder, type BadCase } from '../helpers/hostile.js';
import { pdfInfo } from '../helpers/pdf.js';
import { root } from '../helpers/pipeline.js';
import { bin } from '../helpers/spawn-cli.js';
import { loadWorkbook } from '../helpers/xlsx.js';

const TIME = '/usr/bin/time';
const hasTime = existsSync(TIME);
const ONE_GB_KB = 1024 * 1024;

interface TimedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** from /usr/bin/time -v; null when it is missing */
  maxRssKb: number | null;
  elapsed: string | null;
  timeReport: string | null;
}

/** Runs the compiled CLI, under /usr/bin/time -v when available. */
async function runTimed(args: string[], cwd: string, timeFile: string): Promise<TimedRun> {
  const command = hasTime ? TIME : process.execPath;
  const argv = hasTime ? ['-v', '-o', timeFile, process.execPath, bin, ...args] : [bin, ...args];
  const started = Date.now();
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(command, argv, { cwd, env: { ...process.env, FORCE_COLOR: '0' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('close', (code) => done({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
  const wallMs = Date.now() - started;
  if (!hasTime) return { ...result, wallMs, maxRssKb: null, elapsed: null, timeReport: null };
  const report = await readFile(timeFile, 'utf8');
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
  const elapsed = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)/.exec(report);
  return { ...result, wallMs, maxRssKb: rss ? Number(rss[1]) : null, elapsed: elapsed?.[1] ?? null, timeReport: report };
}

/** "m:ss.xx" or "h:mm:ss" → seconds */
function seconds(elapsed: string): number {
  return elapsed.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
}

const isInsideDir = (dir: string, p: string): boolean => {
  const r = resolve(dir);
  const q = resolve(dir, p);
  return q.startsWith(r + sep);
};

/** Streams one deflated part of a zip through inflate: its real size and CRC, never all in memory. */
async function inflatedSizeOf(zipPath: string, part: string, countRows = false): Promise<{ size: number; crc: number; declaredCrc: number; rows: number }> {
  const zip = await readFile(zipPath);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < zip.readUInt16LE(eocd + 10); i++) {
    const nameLength = zip.readUInt16LE(p + 28);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLength);
    if (name === part) {
      const compressed = zip.readUInt32LE(p + 20);
      const declaredCrc = zip.readUInt32LE(p + 16);
      const local = zip.readUInt32LE(p + 42);
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      let size = 0;
      let crc = 0;
      let rows = 0;
      let carry = '';
      const inflate = createReadStream(zipPath, { start, end: start + compressed - 1 }).pipe(zlib.createInflateRaw());
      for await (const chunk of inflate as AsyncIterable<Buffer>) {
        size += chunk.length;
        crc = zlib.crc32(chunk, crc);
        if (!countRows) continue;
        const text = carry + chunk.toString('latin1');
        rows += text.split('<row ').length - 1;
        carry = text.slice(-4);
      }
      return { size, crc, declaredCrc, rows };
    }
    p += 46 + nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  throw new Error(`${part} not in ${zipPath}`);
}

const unoAvailable =
  existsSync('/usr/bin/python3') &&
  spawnSync('/usr/bin/python3', ['-c', 'import uno'], { stdio: 'ignore' }).status === 0 &&
  spawnSync('sh', ['-c', 'command -v soffice'], { stdio: 'ignore' }).status === 0;

describe('one build over a folder of bad and hostile files beside two good forms', () => {
  let work: string;
  let input: string;
  let out: string;
  let cases: BadCase[];
  let run: TimedRun;
  let manifest: Manifest;
  const entriesOf = (file: string): ManifestForm[] => manifest.forms.filter((f) => f.source.split('/').pop() === file);

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ziping-bad-folder-'));
    input = join(work, '收到的表格');
    out = join(work, 'out');
    const t = Date.now();
    cases = await writeBadFolder(input);
    console.log(`[bad-folder] generated ${cases.length} bad files + ${GOOD_FORMS.length} good forms in ${Date.now() - t} ms`);
    run = await runTimed(['build', input, '--out', out, '--json'], root, join(work, 'time.txt'));
    manifest = Manifest.parse(JSON.parse(run.stdout));
  }, 300_000);
  // The folder holds ~12 MB of bombs; keep it only when asked (ZIPING_KEEP=1) to look at.
  afterAll(async () => {
    if (!process.env.ZIPING_KEEP) await rm(work, { recursive: true, force: true });
  });

  it('exits with 1 (some inputs could not be processed) and prints the manifest it wrote', async () => {
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).not.toMatch(/at .*\.js:\d+|Error:/);
    const onDisk = Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
    expect(onDisk.forms.map((f) => f.source)).toEqual(manifest.forms.map((f) => f.source));
    // Every file of the folder has an entry: nothing disappears from the record.
    const files = (await readdir(input)).sort();
    expect(files).toHaveLength(cases.length + GOOD_FORMS.length);
    for (const file of files) expect(entriesOf(file).length, file).toBeGreaterThan(0);
  });

  it('produces both good forms, and their .pdf and .xlsx open', async () => {
    for (const file of GOOD_FORMS) {
      const [form, ...more] = entriesOf(file);
      expect(more, file).toHaveLength(0);
      expect(form?.status, file).toBe('ok');
      expect(
        form?.findings.filter((f) => f.code.startsWith('INGEST_') || f.code === 'DUPLICATE_FORM'),
        file,
      ).toEqual([]);
      const outputs = form?.outputs;
      if (!outputs) throw new Error(`${file}: no outputs`);
      const pdf = await readFile(join(out, outputs.pdf));
      expect(Number(pdfInfo(pdf).Pages), outputs.pdf).toBeGreaterThanOrEqual(1);
      const wb = await loadWorkbook(join(out, outputs.xlsx));
      expect(wb.worksheets.length, outputs.xlsx).toBeGreaterThanOrEqual(1);
    }
    expect(entriesOf(GOOD_FORMS[0])[0]?.outputs?.pdf).toBe('2021/中国共产党宁夏回族自治区委员会机构编制委员会办公室/机构编制管理事务经费.pdf');
    expect(entriesOf(GOOD_FORMS[1])[0]?.projectName).toBe('办公宿舍楼、食堂及餐厅暖通改造经费');
  });

  it('gives every bad file its Chinese message with a stable code, naming the file (and the cell)', () => {
    const report: string[] = [];
    for (const c of cases) {
      const entries = entriesOf(c.file);
      expect(entries.length, c.file).toBeGreaterThan(0);
      for (const e of entries) {
        expect(e.status, `${c.file} (${c.what})`).toBe(c.status);
        if (c.status === 'error') {
          expect(e.outputs, c.file).toBeUndefined();
          expect(
            e.findings.some((f) => f.severity === 'error'),
            c.file,
          ).toBe(true);
        }
      }
      if (c.codes.length === 0) continue;
      const findings = entries.flatMap((e) => e.findings).filter((f) => c.codes.includes(f.code));
      expect(findings.length, `${c.file}: expected ${c.codes.join(' or ')}, got ${entries.flatMap((e) => e.findings.map((f) => f.code)).join(', ')}`).toBeGreaterThan(0);
      for (const f of findings) {
        expect(f.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
        expect(f.message, c.file).toContain(`文件“`);
        expect(f.message, c.file).toContain(c.file);
        expect(f.message, c.file).toMatch(/[\u4e00-\u9fff]{4}/);
        expect(f.file?.endsWith(c.file), c.file).toBe(true);
      }
      for (const cell of c.cells ?? []) {
        const at = findings.find((f) => f.cell === cell);
        expect(at, `${c.file}: a ${c.codes[0]} finding at ${cell}`).toBeDefined();
        const [sheet, address] = cell.split('!');
        expect(at?.message).toContain(`工作表“${sheet}”单元格 ${address}`);
      }
      for (const text of c.says ?? [])
        expect(
          findings.some((f) => f.message.includes(text)),
          `${c.file}: a message saying “${text}”`,
        ).toBe(true);
      report.push(`${c.file}: ${findings[0]?.code} ${findings[0]?.message.slice(0, 90)}…`);
    }
    console.log(`[bad-folder] messages:\n  ${report.join('\n  ')}`);
  });

  it('says which limit a hostile file hit', () => {
    const limited = cases.filter((c) => c.codes[0] === 'INGEST_LIMIT_EXCEEDED');
    expect(limited.length).toBeGreaterThanOrEqual(5);
    for (const c of limited) {
      const f = entriesOf(c.file)
        .flatMap((e) => e.findings)
        .find((x) => x.code === 'INGEST_LIMIT_EXCEEDED');
      expect(f?.message, c.file).toMatch(/未读取：.+为 .+，上限为 \d+/);
    }
  });

  it('still produces the forms with cell-level problems, and a duplicate under its own name', () => {
    const produced = cases.filter((c) => c.status === 'ok');
    const pdfs = new Set<string>();
    for (const c of produced) {
      const outputs = entriesOf(c.file)[0]?.outputs;
      expect(outputs, c.file).toBeDefined();
      if (!outputs) continue;
      expect(existsSync(join(out, outputs.pdf)) && existsSync(join(out, outputs.xlsx)), c.file).toBe(true);
      pdfs.add(outputs.pdf);
    }
    for (const file of GOOD_FORMS) pdfs.add(entriesOf(file)[0]?.outputs?.pdf ?? '');
    expect(pdfs.size).toBe(produced.length + GOOD_FORMS.length);
    expect(entriesOf('重复填报-机构编制管理事务经费.xlsx')[0]?.outputs?.pdf).toMatch(/机构编制管理事务经费-2\.pdf$/);
  });

  it('keeps path-hostile names inside the output folder', async () => {
    const [form] = entriesOf('危险名称.xlsx');
    expect(form?.projectName).toBe('../../x');
    for (const o of [form?.outputs?.pdf, form?.outputs?.xlsx]) {
      expect(o).toBeDefined();
      expect(isInsideDir(out, o ?? ''), o).toBe(true);
      expect((o ?? '').split('/')).toHaveLength(3);
    }
    // Nothing was written beside the input or the output folder.
    expect((await readdir(work)).sort()).toEqual(['out', 'time.txt', '收到的表格'].filter((n) => hasTime || n !== 'time.txt').sort());
    for (const e of await readdir(out, { recursive: true, withFileTypes: true })) {
      const path = relative(out, join(e.parentPath, e.name));
      expect(path.startsWith('..'), path).toBe(false);
    }
  });

  it('stays under 1 GB of memory and ends well under a minute', () => {
    const figures = [
      `exit ${run.code}`,
      `wall ${(run.wallMs / 1000).toFixed(2)} s (measured around the spawn)`,
      hasTime ? `/usr/bin/time: elapsed ${run.elapsed}, max RSS ${run.maxRssKb} KB = ${((run.maxRssKb ?? 0) / 1024).toFixed(0)} MB` : '/usr/bin/time missing',
    ];
    console.log(`[bad-folder] figures: ${figures.join('; ')}`);
    expect(run.wallMs).toBeLessThan(60_000);
    if (!hasTime) {
      console.warn(`[bad-folder] SKIPPED the peak-memory assertion: ${TIME} is not installed (apt-get install time).`);
      return;
    }
    expect(run.maxRssKb, run.timeReport ?? '').not.toBeNull();
    expect(run.maxRssKb ?? Infinity).toBeLessThan(ONE_GB_KB);
    expect(seconds(run.elapsed ?? '99:99')).toBeLessThan(60);
  });
});

describe('the generated hostile files are what they claim to be', () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'ziping-hostile-')), 'in');
    await writeBadFolder(dir);
  }, 120_000);
  afterAll(async () => {
    if (!process.env.ZIPING_KEEP) await rm(join(dir, '..'), { recursive: true, force: true });
  });

  it('the zip bomb is a few MB on disk and really inflates to more than 2 GiB (CRC checked)', async () => {
    const file = join(dir, '压缩炸弹.xlsx');
    const onDisk = (await stat(file)).size;
    expect(onDisk).toBeLessThan(5 * 1024 * 1024);
    const part = await inflatedSizeOf(file, 'xl/worksheets/sheet1.xml');
    console.log(`[hostile] zip bomb: ${(onDisk / 1024 / 1024).toFixed(1)} MB on disk → ${(part.size / GiB).toFixed(2)} GiB inflated`);
    expect(part.size).toBeGreaterThan(2 * GiB);
    expect(part.crc).toBe(part.declaredCrc);
  }, 120_000);

  it('the million-row workbook holds 1,000,040 rows', async () => {
    const part = await inflatedSizeOf(join(dir, '一百万行.xlsx'), 'xl/worksheets/sheet1.xml', true);
    expect(part.rows).toBe(1_000_040);
    expect(part.crc).toBe(part.declaredCrc);
  }, 60_000);

  it('the 10 MB cell is one shared string of 10 MiB', async () => {
    const part = await inflatedSizeOf(join(dir, '超长单元格.xlsx'), 'xl/sharedStrings.xml');
    expect(part.size).toBeGreaterThan(10 * 1024 * 1024);
    expect(part.crc).toBe(part.declaredCrc);
  });

  it('the encrypted workbook is an OLE2 compound file with EncryptionInfo and EncryptedPackage', async () => {
    const bytes = await readFile(join(dir, '加密.xlsx'));
    expect(bytes.subarray(0, 8).toString('hex')).toBe('d0cf11e0a1b11ae1');
    expect(bytes.includes(Buffer.from('EncryptedPackage', 'utf16le'))).toBe(true);
    expect(bytes.includes(Buffer.from('EncryptionInfo', 'utf16le'))).toBe(true);
    expect(bytes.includes(Buffer.from('http://schemas.microsoft.com/office/2006/keyEncryptor/password'))).toBe(true);
    const file = spawnSync('file', ['-b', join(dir, '加密.xlsx')], { encoding: 'utf8' });
    if (file.status === 0) expect(file.stdout).toMatch(/CDFV2 Encrypted/);
  });

  it.skipIf(!unoAvailable)(
    'LibreOffice opens the encrypted workbook with its password, and not without',
    () => {
      const script = join(import.meta.dirname, 'open-encrypted.py');
      const right = spawnSync('/usr/bin/python3', [script, join(dir, '加密.xlsx'), ENCRYPTED_PASSWORD], { encoding: 'utf8', timeout: 90_000 });
      expect(right.status, right.stderr).toBe(0);
      expect(right.stdout.trim()).toBe('机构编制管理事务经费');
      const wrong = spawnSync('/usr/bin/python3', [script, join(dir, '加密.xlsx'), 'not-the-password'], { encoding: 'utf8', timeout: 90_000 });
      expect(wrong.status).toBe(1);
    },
    200_000,
  );
});
