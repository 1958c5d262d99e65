/**
 * Project and department names are user input that becomes file and folder names. Whatever they
 * hold, no output may land outside out/, no name may be invalid on Windows (device names,
 * `<>:"/\|?*`, trailing dot or space, over 255 bytes), and two forms never share an output.
 * The build runs the compiled CLI (`npm run build` first).
 */
import { mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_NAME_PATTERN, OutputNames, type NameFields } from '../../src/archive/output-names.js';
import { isInside, safeSegment } from '../../src/archive/safe-name.js';
import { Manifest } from '../../src/model/manifest.js';
import { HOSTILE_NAMES, mulberry32, writeSeedVariant } from '../helpers/hostile.js';
import { ziping } from '../helpers/spawn-cli.js';
import { pdfInfo } from '../helpers/pdf.js';
import { loadWorkbook } from '../helpers/xlsx.js';

const DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;

/** Why `segment` is not a safe file or folder name on Windows and POSIX, or null when it is. */
function segmentProblem(segment: string): string | null {
  if (segment === '' || segment === '.' || segment === '..') return 'empty, . or ..';
  if (/[<>:"/\\|?*]/.test(segment)) return 'reserved character';

  if (/[\u0000-\u001f\u007f]/.test(segment)) return 'control character';
  if (/[. ]$/.test(segment)) return 'ends with dot or space';
  if (/^ /.test(segment)) return 'starts with a space';
  // Dot names are the archive's own (lock, temporaries, records) and hidden on POSIX.
  if (/^\./.test(segment)) return 'starts with a dot';
  // Windows ignores what follows the first dot, then trailing spaces (NUL.txt, “nul .txt” are the device).
  const stem = (segment.split('.')[0] ?? '').trimEnd();
  if (DEVICE.test(stem)) return 'Windows device name';
  if (Buffer.byteLength(segment, 'utf8') > 255) return 'longer than 255 bytes';
  return null;
}

function expectSafePath(path: string, label = path): void {
  expect(path, label).not.toMatch(/^[\\/]/);
  for (const segment of path.split('/')) expect(segmentProblem(segment), `${label}: segment “${segment}”`).toBeNull();
}

const LONG_A = '很长的项目名称'.repeat(40) + '甲'; // 281 characters, 843 bytes
const LONG_B = '很长的项目名称'.repeat(40) + '乙'; // differs from LONG_A only after the cut
const ASCII_300 = 'x'.repeat(300);
const MORE_NAMES = [
  '..',
  '.',
  'COM1',
  'lpt9.pdf',
  'Aux.tar.gz',
  'nul .txt',
  'CON  .pdf',
  'CONIN$',
  '  . . ',
  'line1\nline2\ttab',
  'ABC',
  'abc',
  '📊 项目 ',
  'index.html',
  '汇总表.xlsx',
  '汇总表',
  '年度报告.pdf',
  '年度报告',
  'manifest.json',
  LONG_A,
  LONG_B,
  ASCII_300,
];
const MIXED = new Set<string>(['CON', 'nul.txt', '..', 'COM1', '📊 项目 ']);

describe('output paths built from hostile 项目名称 / 主管部门 / 实施单位', () => {
  let sandbox: string;
  let input: string;
  let out: string;
  let manifest: Manifest;
  let code: number | null;
  let stderr: string;
  const names = [...HOSTILE_NAMES, ...MORE_NAMES];

  beforeAll(async () => {
    // out/ sits two folders deep, so `../../x` would land inside the sandbox where we can see it.
    sandbox = await mkdtemp(join(tmpdir(), 'ziping-paths-'));
    input = join(sandbox, 'in');
    out = join(sandbox, 'deep', 'er', 'out');
    await mkdir(input, { recursive: true });
    await Promise.all(
      names.map((name, i) => {
        const n = String(i + 1).padStart(2, '0');
        // The project, the department and the unit carry the hostile name; a few forms keep a plain department.
        const edits = MIXED.has(name) ? { C4: name, C5: `部门${n}`, F5: name } : { C4: name, C5: name, F5: name };
        return writeSeedVariant(join(input, `form-${n}.xlsx`), edits);
      }),
    );
    const run = await ziping(['build', input, '--out', out, '--json'], sandbox);
    code = run.code;
    stderr = run.stderr;
    manifest = Manifest.parse(JSON.parse(run.stdout));
    // What was printed is what was written.
    expect(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'))).toEqual(JSON.parse(run.stdout));
  }, 180_000);

  it('builds every form in one run', () => {
    expect(code, stderr).toBe(0);
    expect(manifest.forms).toHaveLength(names.length);
    for (const f of manifest.forms) expect(f.status, f.source).toBe('ok');
  });

  it('puts every output of the manifest inside out/, under safe names', () => {
    for (const f of manifest.forms) {
      for (const o of [f.outputs?.xlsx, f.outputs?.pdf]) {
        if (!o) throw new Error(`${f.source}: no outputs`);
        expect(isInside(out, o), o).toBe(true);
        expect(resolve(out, o).startsWith(resolve(out) + sep), o).toBe(true);
        expect(o.split('/'), o).toHaveLength(3);
        expectSafePath(o, `${f.source} → ${o}`);
      }
    }
    const longest = manifest.forms.map((f) => f.outputs?.xlsx ?? '').sort((a, b) => b.length - a.length)[0] ?? '';
    console.log(`[path-safety] longest output path under out/: ${longest.length} characters, ${Buffer.byteLength(longest)} bytes UTF-8 (${longest.slice(0, 40)}…)`);
  });

  it('writes nothing outside out/ and only safe names inside it', async () => {
    expect((await readdir(sandbox)).sort()).toEqual(['deep', 'in']);
    expect(await readdir(join(sandbox, 'deep'))).toEqual(['er']);
    expect(await readdir(join(sandbox, 'deep', 'er'))).toEqual(['out']);
    expect((await readdir(input)).length).toBe(names.length);
    // The archive's own records of each form (out/.ziping/forms/) are not outputs.
    const files = (await readdir(out, { recursive: true, withFileTypes: true })).filter((e) => e.isFile() && !relative(out, e.parentPath).split(sep).includes('.ziping'));
    for (const e of files) {
      const rel = relative(out, join(e.parentPath, e.name)).split(sep).join('/');
      expect(rel.startsWith('../'), rel).toBe(false);
      expectSafePath(rel);
    }
    // Each form's two files, each department folder's combined PDF, the manifest, and each year's index, summary and report: nothing else.
    const combined = (manifest.yearReports ?? []).flatMap((r) => r.combined ?? []).map((c) => c.path);
    // (Hostile names that collapse to one folder are different departments: such a folder gets none.)
    for (const path of combined) expectSafePath(path);
    // Each year's report, where the manifest says (never under a form's name).
    const reports = (manifest.yearReports ?? []).flatMap((r) => (r.report ? [r.report.path] : []));
    expect(reports).toEqual(['2021/年度报告.pdf']);
    // And each form's view and annotated copy, and each department folder's 复核意见.xlsx.
    const review = (manifest.yearReports ?? []).flatMap((r) => r.review ?? []).map((c) => c.path);
    for (const path of review) expectSafePath(path);
    const listed = new Set([...manifest.forms.flatMap((f) => [f.outputs?.xlsx, f.outputs?.pdf, f.outputs?.html, f.annotated?.path]), ...combined, ...review, ...reports]);
    const extra = files.map((e) => relative(out, join(e.parentPath, e.name)).split(sep).join('/')).filter((p) => !listed.has(p));
    expect(extra.sort()).toEqual(['2021/index.html', '2021/汇总表.xlsx', 'index.html', 'manifest.json']);
  });

  it('gives every form its own outputs, also on a case-insensitive file system', async () => {
    const pdfs = manifest.forms.map((f) => (f.outputs?.pdf ?? '').normalize('NFC').toLowerCase());
    expect(new Set(pdfs).size).toBe(names.length);
    const xlsxs = manifest.forms.map((f) => (f.outputs?.xlsx ?? '').normalize('NFC').toLowerCase());
    expect(new Set(xlsxs).size).toBe(names.length);
    // Files whose names collided say so (DUPLICATE_FORM) and carry the suffix.
    const long = manifest.forms.filter((f) => f.projectName === LONG_A || f.projectName === LONG_B);
    expect(long).toHaveLength(2);
    expect(long.some((f) => f.findings.some((x) => x.code === 'DUPLICATE_FORM'))).toBe(true);
    // A few outputs open, the strangest names first.
    for (const f of manifest.forms.filter((x) => x.projectName === '../../x' || x.projectName === 'CON' || x.projectName === LONG_A)) {
      const outputs = f.outputs;
      if (!outputs) throw new Error('no outputs');
      expect(Number(pdfInfo(await readFile(join(out, outputs.pdf))).Pages)).toBeGreaterThanOrEqual(1);
      expect((await loadWorkbook(join(out, outputs.xlsx))).worksheets.length).toBeGreaterThanOrEqual(1);
    }
  });

  it('keeps the name a person wrote in the manifest (only the file name is changed)', () => {
    const form = manifest.forms.find((f) => f.projectName === 'a:*?"<>|b');
    expect(form).toBeDefined();
    expect(form?.outputs?.pdf.split('/').pop()).toBe('a_______b.pdf');
    const climbing = manifest.forms.find((f) => f.projectName === '../../x');
    expect(climbing?.outputs?.pdf).toBe('2021/_.._.._x/_.._.._x.pdf');
  });
});

describe('safeSegment', () => {
  it.each([
    ['../../x', '_.._.._x'],
    ['.ziping-tmp-0123456789abcdef-1-x', '_.ziping-tmp-0123456789abcdef-1-x'],
    ['.hidden', '_.hidden'],
    ['CON', '_CON'],
    ['con', '_con'],
    ['nul.txt', '_nul.txt'],
    ['COM1', '_COM1'],
    ['LPT¹', '_LPT¹'],
    ['a/b', 'a_b'],
    ['a\\b', 'a_b'],
    ['a:*?"<>|b', 'a_______b'],
    [' trailing dot. ', 'trailing dot'],
    ['..', '未命名'],
    ['.', '未命名'],
    ['', '未命名'],
    ['   ', '未命名'],
    ['. . .', '未命名'],
    ['tab\there\nnewline', 'tabherenewline'],
  ])('%j → %j', (input, expected) => {
    expect(safeSegment(input)).toBe(expected);
    expect(segmentProblem(safeSegment(input))).toBeNull();
  });

  it('cuts long names to whole characters within the byte limit', () => {
    for (const name of [LONG_A, ASCII_300, '𠀀'.repeat(100), '名'.repeat(100) + 'x'.repeat(200)]) {
      const s = safeSegment(name);
      expect(Buffer.byteLength(s)).toBeLessThanOrEqual(255);
      expect(s.length).toBeGreaterThan(0);
      expect(name.startsWith(s), s).toBe(true);
      expect(s).not.toMatch(/\uFFFD/);
    }
  });

  it('never gives a device name with spaces before its extension, nor a name the archive uses', () => {
    for (const name of ['nul .txt', 'CON  .pdf', 'com1 .x', 'CONIN$', 'conout$.log']) expect(segmentProblem(safeSegment(name)), name).toBeNull();
    for (const name of ['index.html', 'INDEX.HTML', '汇总表.xlsx', '年度报告.pdf', 'manifest.json']) expect(safeSegment(name).toLowerCase(), name).not.toBe(name.toLowerCase());
  });

  it('uses the fallback given', () => {
    expect(safeSegment('', '未填写项目名称')).toBe('未填写项目名称');
  });

  it('always gives a safe segment, for 5000 random hostile strings', () => {
    const random = mulberry32(4242);
    const alphabet = [
      '.',
      ' ',
      '/',
      '\\',
      ':',
      '*',
      '?',
      '"',
      '<',
      '>',
      '|',
      '\u0000',
      '\u001f',
      '\u007f',
      '\t',
      '\n',
      'a',
      'Z',
      'C',
      'O',
      'N',
      'U',
      'L',
      '1',
      '¹',
      '名',
      '𠀀',
      '\u00a0',
      '\u3000',
      'é',
      'e\u0301',
      '-',
    ];
    const devices = ['CON', 'prn', 'Aux', 'NUL', 'com1', 'LPT9', 'com²'];
    for (let i = 0; i < 5000; i++) {
      const length = Math.floor(random() * (random() < 0.1 ? 400 : 20));
      let s = random() < 0.2 ? (devices[Math.floor(random() * devices.length)] ?? '') : '';
      for (let j = 0; j < length; j++) s += alphabet[Math.floor(random() * alphabet.length)] ?? '';
      if (random() < 0.2) s += random() < 0.5 ? '.' : ' ';
      const safe = safeSegment(s);
      expect(segmentProblem(safe), `iteration ${i}: ${JSON.stringify(s)} → ${JSON.stringify(safe)}`).toBeNull();
    }
  });
});

describe('OutputNames', () => {
  const fields = (over: Partial<NameFields>): NameFields => ({ 年度: '2021', 主管部门: '某厅', 实施单位: '某厅本级', 项目名称: '项目', 文件名: 'f', 工作表: 'Sheet1', ...over });

  it('never lets a field add a folder or climb out, whatever the names', () => {
    const names = new OutputNames();
    for (const hostile of [...HOSTILE_NAMES, ...MORE_NAMES, '/etc/passwd', 'C:\\Windows\\win.ini', '\\\\server\\share', '~', '$HOME']) {
      for (const f of [fields({ 项目名称: hostile }), fields({ 主管部门: hostile }), fields({ 年度: hostile }), fields({ 主管部门: hostile, 项目名称: hostile, 年度: hostile })]) {
        const { name } = names.next(f, 'test');
        expect(name.split('/'), name).toHaveLength(3);
        expect(isInside('/srv/out', name), name).toBe(true);
        expectSafePath(`${name}.pdf`, JSON.stringify(hostile));
      }
    }
  });

  it('makes a pattern that itself climbs (`..`, a leading /) stay inside', () => {
    for (const pattern of ['../{{项目名称}}', '/{{主管部门}}/../../{{项目名称}}', '{{年度}}/./{{项目名称}}', 'C:\\{{项目名称}}']) {
      const { name } = new OutputNames(pattern).next(fields({ 项目名称: '../x' }), 'test');
      expect(isInside('/srv/out', name), `${pattern} → ${name}`).toBe(true);
      expectSafePath(`${name}.pdf`, `${pattern} → ${name}`);
    }
  });

  it('gives the same fields twice two names, and compares case-insensitively as Windows does', () => {
    const names = new OutputNames(DEFAULT_NAME_PATTERN);
    const a = names.next(fields({ 项目名称: 'Abc' }), 'first');
    const b = names.next(fields({ 项目名称: 'abc' }), 'second');
    const c = names.next(fields({ 项目名称: 'ABC' }), 'third');
    expect(a).toEqual({ name: '2021/某厅/Abc', clashesWith: null });
    expect(b).toEqual({ name: '2021/某厅/abc-2', clashesWith: 'first' });
    expect(c.name).toBe('2021/某厅/ABC-3');
  });

  it('keeps two long names that differ only after the cut apart', () => {
    const names = new OutputNames();
    const a = names.next(fields({ 项目名称: LONG_A }), 'a');
    const b = names.next(fields({ 项目名称: LONG_B }), 'b');
    expect(a.name).not.toBe(b.name);
    expect(b.clashesWith).toBe('a');
    for (const n of [a.name, b.name]) expectSafePath(`${n}.xlsx`);
  });

  it('does not hand out a reserved name, nor a suffixed name already taken', () => {
    const names = new OutputNames();
    names.reserve('2021/某厅/项目', 'kept');
    names.reserve('2021/某厅/项目-2', 'kept too');
    const { name, clashesWith } = names.next(fields({}), 'new');
    expect(name).toBe('2021/某厅/项目-3');
    expect(clashesWith).toBe('kept');
  });
});
