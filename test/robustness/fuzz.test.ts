/**
 * Fuzzing ingest and score: a few hundred mutations of valid fixtures (cell values, deleted and
 * inserted rows, merges, number formats, sheet XML, raw zip bytes). For every mutant,
 * `ingestBuffer` and `scoreForm` must not throw; what they return must validate against the zod
 * schemas; and every problem must be a finding with a stable code and a Chinese message naming
 * the file. Deterministic: iteration i uses mulberry32(iterationSeed(i)), so a failure names its repro.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestBuffer } from '../../src/ingest/ingest-file.js';
import { Finding } from '../../src/model/finding.js';
import { FormInput } from '../../src/model/form-input.js';
import { ScoredForm } from '../../src/model/scored-form.js';
import type { ScoreMode } from '../../src/model/profile.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { scoreForm } from '../../src/score/score-form.js';
import { mulberry32 } from '../helpers/hostile.js';
import { fixture, seedPath } from '../helpers/pipeline.js';

/** FUZZ_SEED and FUZZ_SCALE (a multiplier of the iterations) let a longer local run look further. */
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed2021);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const FILE = 'fuzz.xlsx';
const ITERATIONS = { cells: Math.round(200 * SCALE), xml: Math.round(110 * SCALE), bytes: Math.round(110 * SCALE) };
/** a mutant that takes longer than this to ingest and score is reported (a time bomb) */
const SLOW_MS = 5_000;

/** Each iteration's own seed, so one mutant is reproduced from (SEED, iteration) alone. */
const iterationSeed = (iteration: number): number => (SEED ^ Math.imul(iteration + 1, 0x9e3779b1)) >>> 0;

type Rng = () => number;
const int = (r: Rng, min: number, max: number): number => min + Math.floor(r() * (max - min + 1));
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const CJK = '项目资金年度预算执行率得分分值指标完成情况万元总分一二三级偏差原因分析改进措施满意度';

function randomText(r: Rng, max: number): string {
  const n = int(r, 0, max);
  let s = '';
  for (let i = 0; i < n; i++) {
    const k = r();
    if (k < 0.5) s += CJK[int(r, 0, CJK.length - 1)];
    else if (k < 0.7) s += String(int(r, 0, 9));
    else if (k < 0.8) s += pick(r, ['.', '%', '％', ',', '，', '-', '—', ' ', '\u3000', '（', '(', ')', '≥', '≤', '/', '\n']);
    else s += String.fromCharCode(int(r, 0x21, 0x7e));
  }
  return s;
}

const LABELS = [
  '项目名称',
  '主管部门',
  '实施单位',
  '项目资金（万元）',
  '年初预算数',
  '全年预算数',
  '全年执行数',
  '分值',
  '执行率',
  '得分',
  '年度资金总额',
  '其中：当年财政拨款',
  '上年结转资金',
  '其他资金',
  '年度总体目标',
  '预期目标',
  '实际完成情况',
  '绩效指标',
  '一级指标',
  '二级指标',
  '三级指标',
  '年度指标值',
  '实际完成值',
  '偏差原因分析及改进措施',
  '总分',
  '产出指标',
  '数量指标',
  '效益指标',
  '满意度指标',
  '(2021年度)',
  '自治区项目支出绩效自评表',
];
const NUMBER_TEXTS = [
  '9'.repeat(400),
  `1${'0'.repeat(310)}%`,
  '88.27',
  '88.27万元',
  '1,234.5',
  '６９％',
  '69%',
  '约八十万',
  '-',
  '—',
  '',
  ' ',
  '1e5',
  '0x10',
  '百分之九十',
  '100%',
  '≥95%',
  '.5',
  '5.',
  '+3',
  '--1',
  '1.2.3',
  '∞',
  'NaN',
];
const ERRORS = ['#DIV/0!', '#REF!', '#N/A', '#VALUE!', '#NAME?', '#NUM!', '#NULL!'];
const NUMFMTS = ['0%', '0.00%', '0.00"万元"', '@', 'yyyy-mm-dd', '[Red]0.00', '#,##0.00_);(#,##0.00)', '0.00E+00', '"%"0', '0.0000000000', '#,##0', '0.00;-0.00;"—"', 'General', '""', ';;;'];

function randomValue(r: Rng): ExcelJS.CellValue {
  switch (int(r, 0, 15)) {
    case 0:
      return pick(r, [0, 1, -1, 0.5, 1e15, -1e-9, 1e308, -1.7e308, 123456789.123456, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, -0]);
    case 1:
      return r() * 200 - 50;
    case 2:
      return randomText(r, r() < 0.1 ? 5000 : 40);
    case 3:
      return pick(r, NUMBER_TEXTS);
    case 4:
      return { error: pick(r, ERRORS) } as ExcelJS.CellErrorValue;
    case 5:
      return { formula: pick(r, ['SUM(G14:G39)', 'D7/C7', 'A1', '1/0', 'NOW()', '']) } as ExcelJS.CellFormulaValue;
    case 6:
      return { formula: 'X1', result: pick<ExcelJS.CellFormulaValue['result']>(r, [42, '文字结果', { error: '#N/A' }, true, new Date(Date.UTC(2021, 5, 1))]) } as ExcelJS.CellFormulaValue;
    case 7:
      return new Date(Date.UTC(int(r, 1900, 2100), int(r, 0, 11), int(r, 1, 28)));
    case 8:
      return { richText: [{ text: randomText(r, 10), font: { bold: true } }, { text: pick(r, LABELS) }, { text: randomText(r, 5) }] };
    case 9:
      return { text: pick(r, LABELS), hyperlink: 'https://example.org/' };
    case 10:
      return r() < 0.5;
    case 11:
      return null;
    case 12:
    case 13:
      return pick(r, LABELS);
    case 14:
      return `${pick(r, LABELS)}：${randomText(r, 12)}`;
    default:
      return int(r, 0, 100);
  }
}

/** Random cell edits, row deletions and insertions, merges and number formats, done with exceljs. */
async function mutateCells(source: Buffer, r: Rng, ops: string[]): Promise<Buffer | null> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(source as unknown as ArrayBuffer);
  const sheets = wb.worksheets;
  const count = int(r, 1, 6);
  for (let k = 0; k < count; k++) {
    const ws = pick(r, sheets);
    const op = int(r, 0, 11);
    try {
      if (op <= 3) {
        const address = `${String.fromCharCode(65 + int(r, 0, 11))}${int(r, 1, 48)}`;
        const value = randomValue(r);
        ops.push(`set ${address}=${JSON.stringify(value)?.slice(0, 60)}`);
        ws.getCell(address).value = value;
      } else if (op === 4) {
        const at = int(r, 1, 45);
        const n = int(r, 1, 6);
        ops.push(`delete rows ${at}+${n}`);
        ws.spliceRows(at, n);
      } else if (op === 5) {
        const at = int(r, 1, 45);
        const n = int(r, 1, 3);
        ops.push(`insert ${n} rows at ${at}`);
        ws.spliceRows(at, 0, ...Array.from({ length: n }, () => Array.from({ length: int(r, 0, 10) }, () => randomValue(r))));
      } else if (op === 6) {
        const merges = [...ws.model.merges];
        const m = merges.length ? pick(r, merges) : null;
        if (m) {
          ops.push(`unmerge ${m}`);
          ws.unMergeCells(m);
        }
      } else if (op === 7) {
        const top = int(r, 1, 45);
        const left = int(r, 1, 11);
        const range = [top, left, top + int(r, 0, 8), left + int(r, 0, 4)] as const;
        ops.push(`merge ${range.join(',')}`);
        ws.mergeCells(...range);
      } else if (op === 8) {
        const address = `${pick(r, ['C', 'D', 'E', 'F', 'G', 'H'])}${int(r, 5, 42)}`;
        const fmt = r() < 0.2 ? `0.${'0'.repeat(int(r, 20, 130))}` : pick(r, NUMFMTS);
        ops.push(`numFmt ${address}=${fmt.slice(0, 30)}${fmt.length > 30 ? `…(${fmt.length})` : ''}`);
        ws.getCell(address).numFmt = fmt;
        if (r() < 0.7) ws.getCell(address).value = r() * 1000;
      } else if (op === 9) {
        const col = int(r, 1, 11);
        ops.push(`clear column ${col}`);
        ws.getColumn(col).eachCell({ includeEmpty: false }, (c) => {
          if (!c.isMerged || c.master === c) c.value = null;
        });
      } else if (op === 10) {
        const name = pick(r, ["It's 表", 'Sheet 1', '表(一)', 'a!b', '自评表', "''", `S${int(r, 1, 99)}`]);
        ops.push(`rename sheet ${JSON.stringify(name)}`);
        ws.name = name;
      } else {
        const extra = wb.addWorksheet(`附表${int(r, 1, 999)}`);
        const rows = int(r, 1, 30);
        ops.push(`add sheet with ${rows} rows`);
        for (let i = 0; i < rows; i++) extra.addRow(Array.from({ length: int(r, 1, 10) }, () => randomValue(r)));
      }
    } catch (error) {
      ops.push(`(exceljs refused: ${error instanceof Error ? error.message.slice(0, 60) : String(error)})`);
    }
  }
  try {
    return Buffer.from(await wb.xlsx.writeBuffer());
  } catch (error) {
    ops.push(`(exceljs could not write: ${error instanceof Error ? error.message.slice(0, 60) : String(error)})`);
    return null;
  }
}

/** Edits of the sheet XML and shared strings that exceljs would never write. */
async function mutateXml(source: Buffer, r: Rng, ops: string[]): Promise<Buffer> {
  const zip = await JSZip.loadAsync(source);
  const sheetName = 'xl/worksheets/sheet1.xml';
  let sheet = (await zip.file(sheetName)?.async('string')) ?? '';
  let strings = (await zip.file('xl/sharedStrings.xml')?.async('string')) ?? null;
  const count = int(r, 1, 4);
  for (let k = 0; k < count; k++) {
    const op = int(r, 0, 9);
    if (op === 0) {
      // Shuffle which ranges the merges cover.
      const refs = [...sheet.matchAll(/<mergeCell ref="([^"]+)"\/>/g)].map((m) => m[1] ?? '');
      for (let i = refs.length - 1; i > 0; i--) {
        const j = int(r, 0, i);
        [refs[i], refs[j]] = [refs[j] ?? '', refs[i] ?? ''];
      }
      let i = 0;
      sheet = sheet.replace(/<mergeCell ref="[^"]+"\/>/g, () => `<mergeCell ref="${refs[i++] ?? 'A1:A1'}"/>`);
      ops.push('shuffle merges');
    } else if (op === 1) {
      // Overlapping, reversed and odd merges (bounded: a huge merge is a separate, known problem).
      const col = (): string => String.fromCharCode(65 + int(r, 0, 11));
      const ref = pick(r, [`${col()}${int(r, 1, 45)}:${col()}${int(r, 1, 45)}`, `A1:D5`, `B2:A1`, `C4`, `A0:B1`, `${col()}${int(r, 1, 45)}:${col()}${int(r, 1, 45)}`]);
      sheet = sheet.replace(/<mergeCells[^>]*>/, (m) => `${m}<mergeCell ref="${ref}"/>`);
      ops.push(`add merge ${ref}`);
    } else if (op === 2) {
      const rows = [...sheet.matchAll(/<row [^>]*>.*?<\/row>/g)];
      const row = rows.length ? pick(r, rows) : null;
      if (row?.index !== undefined) {
        const dup = r() < 0.5;
        sheet = sheet.slice(0, row.index) + (dup ? row[0] + row[0] : '') + sheet.slice(row.index + row[0].length);
        ops.push(`${dup ? 'duplicate' : 'delete'} row element at ${row.index}`);
      }
    } else if (op === 3) {
      let n = 0;
      sheet = sheet.replace(/ t="s"/g, (m) => (r() < 0.15 && ++n ? ` t="${pick(r, ['e', 'b', 'str', 'n', 'inlineStr', 'd', 'zz'])}"` : m));
      ops.push(`retype ${n} cells`);
    } else if (op === 4) {
      let n = 0;
      sheet = sheet.replace(/<v>([^<]*)<\/v>/g, (m) => (r() < 0.1 && ++n ? `<v>${pick(r, ['', 'abc', '1e309', '-0', '99999', '#REF!', '1.5', '-1'])}</v>` : m));
      ops.push(`rewrite ${n} values`);
    } else if (op === 5) {
      let n = 0;
      sheet = sheet.replace(/ r="([A-Z]+)(\d+)"/g, (m) => (r() < 0.05 && ++n ? ` r="${pick(r, ['A0', 'XFE1', 'ZZZZ1', 'A1048577', '1A', '', 'B2'])}"` : m));
      ops.push(`bad refs on ${n} cells`);
    } else if (op === 6) {
      const n = int(r, 1, 12);
      const chars = '<>"&/= 0123456789abcdefrvt#';
      const a = [...sheet];
      for (let i = 0; i < n; i++) a[int(r, 0, a.length - 1)] = chars[int(r, 0, chars.length - 1)] ?? ' ';
      sheet = a.join('');
      ops.push(`corrupt ${n} characters of the sheet XML`);
    } else if (op === 7 && strings !== null) {
      const n = int(r, 1, 5);
      for (let i = 0; i < n; i++) strings = strings.replace(/<si>.*?<\/si>/, '');
      ops.push(`drop ${n} shared strings (indexes shift)`);
    } else if (op === 8) {
      if (r() < 0.5) {
        zip.remove('xl/sharedStrings.xml');
        strings = null;
        ops.push('remove sharedStrings.xml');
      } else {
        zip.remove('xl/styles.xml');
        ops.push('remove styles.xml');
      }
    } else {
      const wbXml = (await zip.file('xl/workbook.xml')?.async('string')) ?? '';
      const name = pick(r, ['', "a'b", '&amp;', '  ', '表'.repeat(40), 'Sheet1']);
      zip.file('xl/workbook.xml', wbXml.replace(/<sheet name="[^"]*"/, `<sheet name="${name}"`));
      ops.push(`sheet name ${JSON.stringify(name)}`);
    }
  }
  zip.file(sheetName, sheet);
  if (strings !== null) zip.file('xl/sharedStrings.xml', strings);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** Raw damage to the zip: flipped, zeroed, inserted bytes, or a cut. */
function mutateBytes(source: Buffer, r: Rng, ops: string[]): Buffer {
  let b = Buffer.from(source);
  const op = int(r, 0, 4);
  if (op === 0) {
    const n = int(r, 1, 20);
    for (let i = 0; i < n; i++) {
      const at = int(r, 0, b.length - 1);
      b[at] = (b[at] ?? 0) ^ (1 << int(r, 0, 7));
    }
    ops.push(`flip ${n} bits`);
  } else if (op === 1) {
    // Aim at the headers: the central directory and end record sit in the last few hundred bytes.
    const n = int(r, 1, 8);
    for (let i = 0; i < n; i++) b[int(r, Math.max(0, b.length - 700), b.length - 1)] = int(r, 0, 255);
    ops.push(`randomise ${n} bytes near the end (central directory)`);
  } else if (op === 2) {
    const at = int(r, 0, b.length - 1);
    const n = int(r, 1, 64);
    b.fill(0, at, at + n);
    ops.push(`zero ${n} bytes at ${at}`);
  } else if (op === 3) {
    const at = int(r, 0, b.length);
    b = Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: int(r, 1, 32) }, () => int(r, 0, 255))), b.subarray(at)]);
    ops.push(`insert bytes at ${at}`);
  } else {
    const at = int(r, 0, b.length - 1);
    b = b.subarray(0, at);
    ops.push(`truncate to ${at} bytes`);
  }
  return b;
}

const HAN = /[\u4e00-\u9fff]/;

/** What must hold for any input: returns the broken rules (empty when all is well). */
async function checkOne(buffer: Buffer, mode: ScoreMode): Promise<{ problems: string[]; forms: number; findings: number; codes: string[] }> {
  const problems: string[] = [];
  const codes: string[] = [];
  const checkFinding = (f: unknown, stage: string): void => {
    const parsed = Finding.safeParse(f);
    if (!parsed.success) {
      problems.push(`${stage}: finding fails the schema: ${JSON.stringify(f).slice(0, 200)}`);
      return;
    }
    const x = parsed.data;
    codes.push(x.code);
    if (!/^[A-Z][A-Z0-9_]+$/.test(x.code)) problems.push(`${stage}: bad code ${x.code}`);
    if (!x.message.includes(FILE)) problems.push(`${stage}: ${x.code} message does not name the file: ${x.message.slice(0, 120)}`);
    if (!HAN.test(x.message)) problems.push(`${stage}: ${x.code} message is not Chinese: ${x.message.slice(0, 120)}`);
    if (x.file !== FILE) problems.push(`${stage}: ${x.code} has file ${String(x.file)}`);
  };
  const result = await ingestBuffer(buffer, FILE);
  let findings = result.findings.length;
  for (const f of result.findings) checkFinding(f, 'ingest');
  if (result.status === 'error') {
    if (result.forms.length > 0) problems.push('status error but forms returned');
    if (!result.findings.some((f) => f.severity === 'error')) problems.push('status error without an error finding');
  } else if (result.forms.length === 0) {
    problems.push('status ok without a form');
  }
  const profile = loadProfile('ningxia');
  for (const form of result.forms) {
    const input = FormInput.safeParse(form.input);
    if (!input.success) problems.push(`FormInput fails the schema: ${input.error.message.slice(0, 300)}`);
    for (const f of form.findings) checkFinding(f, 'read');
    findings += form.findings.length;
    let scored: unknown;
    try {
      scored = scoreForm(form.input, profile, mode);
    } catch (error) {
      problems.push(`scoreForm threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      continue;
    }
    const s = ScoredForm.safeParse(scored);
    if (!s.success) {
      problems.push(`ScoredForm fails the schema: ${s.error.message.slice(0, 300)}`);
      continue;
    }
    for (const f of s.data.findings) checkFinding(f, 'score');
    findings += s.data.findings.length;
    for (const n of [s.data.totalWeight, s.data.computedTotal, s.data.total, s.data.filledTotal, s.data.funds.executionRate]) {
      if (typeof n === 'number' && !Number.isFinite(n)) problems.push(`non-finite number in the scored form: ${n}`);
    }
  }
  return { problems, forms: result.forms.length, findings, codes };
}

interface Failure {
  kind: string;
  iteration: number;
  fixture: string;
  ops: string[];
  problems: string[];
  saved: string;
}

describe('fuzzing ingest and score with mutated fixtures', () => {
  const fixtures: Array<{ name: string; buffer: Buffer }> = [];
  let saveDir: string;

  beforeAll(async () => {
    for (const [name, path] of [
      ['seed', seedPath],
      ['hebei', fixture('hebei-2019.xlsx')],
      ['anhui', fixture('anhui-2022.xlsx')],
      ['yunnan', fixture('yunnan-lijiang-2020.xlsx')],
    ] as const) {
      fixtures.push({ name, buffer: await readFile(path) });
    }
    saveDir = await mkdtemp(join(tmpdir(), 'ziping-fuzz-'));
  });

  it(`never throws past its stage, and turns every problem into a finding (${ITERATIONS.cells + ITERATIONS.xml + ITERATIONS.bytes} mutants)`, async () => {
    const failures: Failure[] = [];
    const stats = { mutants: 0, skipped: 0, ok: 0, error: 0, findings: 0, slowest: { ms: 0, label: '' } };
    const codes = new Map<string, number>();
    const started = Date.now();
    const kinds = [
      ['cells', ITERATIONS.cells],
      ['xml', ITERATIONS.xml],
      ['bytes', ITERATIONS.bytes],
    ] as const;
    let iteration = 0;
    for (const [kind, n] of kinds) {
      for (let i = 0; i < n; i++, iteration++) {
        const r = mulberry32(iterationSeed(iteration));
        const base = pick(r, fixtures);
        const ops: string[] = [];
        const mode = pick(r, ['filled', 'auto', 'computed'] as const);
        let buffer: Buffer | null;
        try {
          if (kind === 'cells') buffer = await mutateCells(base.buffer, r, ops);
          else if (kind === 'xml') buffer = await mutateXml(base.buffer, r, ops);
          else buffer = mutateBytes(r() < 0.3 ? ((await mutateCells(base.buffer, r, ops)) ?? base.buffer) : base.buffer, r, ops);
        } catch (error) {
          buffer = null;
          ops.push(`(mutator failed: ${String(error)})`);
        }
        if (!buffer) {
          stats.skipped++;
          continue;
        }
        stats.mutants++;
        const t = Date.now();
        let outcome: Awaited<ReturnType<typeof checkOne>>;
        try {
          outcome = await checkOne(buffer, mode);
        } catch (error) {
          outcome = { problems: [`ingestBuffer threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`], forms: 0, findings: 0, codes: [] };
        }
        const ms = Date.now() - t;
        if (ms > stats.slowest.ms) stats.slowest = { ms, label: `${kind} #${iteration} (${base.name})` };
        if (ms > SLOW_MS) outcome.problems.push(`took ${ms} ms`);
        if (outcome.forms > 0) stats.ok++;
        else stats.error++;
        stats.findings += outcome.findings;
        for (const c of outcome.codes) codes.set(c, (codes.get(c) ?? 0) + 1);
        if (outcome.problems.length > 0) {
          const saved = join(saveDir, `${kind}-${iteration}-${base.name}.xlsx`);
          await writeFile(saved, buffer);
          failures.push({ kind, iteration, fixture: base.name, ops, problems: outcome.problems, saved });
        }
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `[fuzz] ${stats.mutants} mutants (${stats.skipped} skipped: the mutation could not be written) in ${seconds} s: ` +
        `${stats.ok} read with a form, ${stats.error} refused with findings; ${stats.findings} findings; slowest ${stats.slowest.ms} ms (${stats.slowest.label})\n` +
        `[fuzz] codes: ${[...codes]
          .sort((a, b) => b[1] - a[1])
          .map(([c, k]) => `${c}×${k}`)
          .join(' ')}`,
    );
    const text = failures
      .slice(0, 15)
      .map((f) => `#${f.iteration} ${f.kind} on ${f.fixture} [${f.ops.join('; ')}] saved as ${f.saved}\n    ${f.problems.join('\n    ')}`)
      .join('\n');
    if (failures.length > 0) console.log(`[fuzz] ${failures.length} failing mutants (seed ${SEED}):\n${text}`);
    expect(failures.length, text).toBe(0);
    expect(stats.mutants).toBeGreaterThanOrEqual(300 * SCALE);
    // The fuzzer reaches both sides: forms that are read with findings, and files that are refused.
    expect(stats.ok).toBeGreaterThan(50);
    expect(stats.error).toBeGreaterThan(30);
  }, 180_000);
});
