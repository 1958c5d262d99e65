import { copyFile, mkdir, mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fg from 'fast-glob';
import { describe, expect, it } from 'vitest';
import { Manifest, type ManifestForm } from '../../src/model/manifest.js';
import { compareRevisions, findingKeys, revisionText } from '../../src/model/revision.js';
import { fileLine, revisionOf } from '../../src/cli/report-text.js';
import { runCli } from '../helpers/cli.js';
import { seedPath } from '../helpers/pipeline.js';
import { loadWorkbook } from '../helpers/xlsx.js';

const readManifest = async (out: string): Promise<Manifest> => Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
const cellsOf = (f: ManifestForm, code: string): string[] => f.findings.filter((x) => x.code === code).map((x) => x.cell ?? '');

/**
 * A unit sends its form, gets its findings back, corrects two scores and fills in one reason, and
 * sends the corrected file (same name, same place); the office builds again. Then once more with
 * nothing changed.
 */
describe('a corrected file, followed to its fix', () => {
  it('says what was corrected, what is still open and what is new, keeps the earlier result, and says nothing the third time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-resubmit-'));
    const inbox = join(dir, '收件箱');
    const out = join(dir, '归档');
    await mkdir(inbox);
    const form = join(inbox, '机构编制.xlsx');
    await copyFile(seedPath, form);

    const first = await runCli(['build', inbox, '--out', out]);
    expect(first.code).toBe(0);
    expect(first.out).not.toContain('更正后重新提交');
    const before = (await readManifest(out)).forms[0];
    if (!before) throw new Error('the first build wrote no form');
    expect(before.history).toBeUndefined();
    expect(cellsOf(before, 'SCORE_MISMATCH')).toContain('Sheet1!H26');
    expect(cellsOf(before, 'SCORE_MISMATCH')).not.toContain('Sheet1!H30');
    expect(cellsOf(before, 'DEVIATION_REASON_MISSING')).toContain('Sheet1!I14');

    // The correction: H26 to the score the rules give, a reason for I14, and H30 (right before) now wrong.
    const wb = await loadWorkbook(form);
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('no sheet');
    ws.getCell('H26').value = 1;
    ws.getCell('I14').value = '调研任务增加，租车里程超出计划';
    ws.getCell('H30').value = 0.2;
    await wb.xlsx.writeFile(form);

    const second = await runCli(['build', inbox, '--out', out]);
    expect(second.code).toBe(0);
    const manifest = await readManifest(out);
    const after = manifest.forms[0];
    if (!after) throw new Error('the second build wrote no form');
    const change = compareRevisions(findingKeys(before.findings), findingKeys(after.findings));
    const fixed = change.fixed.map((k) => k.cell);
    const added = change.added.map((k) => k.cell);
    expect(fixed).toEqual(expect.arrayContaining(['Sheet1!I14', 'Sheet1!H26']));
    expect(added).toContain('Sheet1!H30');
    expect(change.still.map((k) => k.cell)).toEqual(expect.arrayContaining(['Sheet1!H27', 'Sheet1!I20']));
    const text = revisionText(change);
    // `已更正 2 处(I14 H26)，仍有 10 处(…)，新增 …(… H30 …)`: cells in reading order.
    expect(text).toMatch(/^已更正 \d+ 处\([^)]*I14 [^)]*H26[^)]*\)，仍有 \d+ 处\([^)]*\)，新增 \d+ 处\([^)]*H30[^)]*\)$/);
    expect(second.out).toContain('更正后重新提交的表格(1 份)：');
    expect(second.out).toContain(`↻ ${after.source} · 工作表“Sheet1”：${text}`);
    // watch says it on the form's own line.
    expect(fileLine(after, [], revisionOf([{ source: after.source, sheet: after.sheet, text }], after))).toMatch(new RegExp(`；${text.replace(/[()]/g, '\\$&')}$`));

    // The manifest keeps the first result: when, which bytes, its total and each finding's code and cell.
    expect(after.history).toHaveLength(1);
    const [earlier] = after.history ?? [];
    expect(earlier?.sourceSha256).toBe(before.sourceSha256);
    expect(earlier?.sourceSha256).not.toBe(after.sourceSha256);
    expect(earlier?.at).toBe(before.builtAt);
    expect(earlier?.total).toBe(before.total);
    expect(earlier?.findings).toEqual(before.findings.map((f) => ({ code: f.code, cell: f.cell ?? null, severity: f.severity })));

    // The year index: revised once, and the findings open now.
    const index = await readFile(join(out, '2021', 'index.html'), 'utf8');
    expect(index).toContain(`已修改 1 次，现有问题 ${after.findings.length} 条`);

    // A third build with nothing changed says nothing new and rewrites nothing.
    const files = (await fg('**/*', { cwd: out, dot: false })).filter((f) => f !== 'manifest.json').sort();
    const times = await Promise.all(files.map(async (f) => (await stat(join(out, f))).mtimeMs));
    const third = await runCli(['build', inbox, '--out', out]);
    expect(third.code).toBe(0);
    expect(third.out).not.toContain('更正后重新提交');
    expect(third.out).toContain('未变化跳过 1 个');
    expect((await fg('**/*', { cwd: out, dot: false })).filter((f) => f !== 'manifest.json').sort()).toEqual(files);
    expect(await Promise.all(files.map(async (f) => (await stat(join(out, f))).mtimeMs))).toEqual(times);
    expect((await readManifest(out)).forms[0]?.history).toEqual(after.history);
  }, 120_000);

  it('a form whose findings all went away says so', () => {
    const w = 'warning' as const;
    // A 提示 left over is nothing to correct: the form says all went away.
    const before = findingKeys([
      { code: 'SCORE_MISMATCH', cell: 'Sheet1!H26', severity: w },
      { code: 'DEVIATION_REASON_MISSING', cell: 'Sheet1!I14', severity: w },
    ]);
    const after = findingKeys([{ code: 'INGEST_FORMULA_EVALUATED', cell: 'Sheet1!G7', severity: 'info' }]);
    expect(revisionText(compareRevisions(before, after))).toBe('已全部更正 2 处(I14 H26)，现在没有问题');
    // The same finding twice is two places; a finding without a cell is named by its code; H9 comes before H10.
    const r = compareRevisions(
      findingKeys([
        { code: 'TOTAL_UNKNOWN', cell: null, severity: 'error' },
        { code: 'SCORE_MISMATCH', cell: 'Sheet1!H10', severity: w },
      ]),
      findingKeys([
        { code: 'SCORE_MISMATCH', cell: 'Sheet1!H10', severity: w },
        { code: 'SCORE_MISMATCH', cell: 'Sheet1!H9', severity: w },
        { code: 'DUPLICATE_FORM', cell: 'Sheet1!C4', severity: w },
      ]),
    );
    expect(revisionText(r)).toBe('已更正 1 处(TOTAL_UNKNOWN)，仍有 1 处(H10)，新增 1 处(H9)');
  });
});
