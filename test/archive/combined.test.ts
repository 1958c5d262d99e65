import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiveFs, sha256Hex } from '../../src/archive/archive-fs.js';
import { Manifest } from '../../src/model/manifest.js';
import { combinedGroups, writeCombinedPdfs } from '../../src/reports/combined-pdfs.js';
import { formWorkbook } from '../../src/pipeline/process.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { pdfInfo, pdfPages, pdfOutline } from '../helpers/pdf.js';
import { seedPath, typeset } from '../helpers/pipeline.js';
import { ziping } from '../helpers/spawn-cli.js';
import { syntheticForm } from '../helpers/synthetic.js';

const readManifest = async (dir: string) => Manifest.parse(JSON.parse(await readFile(join(dir, 'out', 'manifest.json'), 'utf8')));

describe('one PDF per department and year for printing (合并打印.pdf)', () => {
  it('is written for folders with two or more forms, linked, recorded, kept, restored and removed with them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-combined-'));
    await mkdir(join(dir, 'in'));
    // Three projects of 某某厅 (one of them named like the combined file), the seed alone in its department.
    const names = ['乙项目', '甲项目', '合并打印'];
    for (const [i, name] of names.entries()) await writeFile(join(dir, 'in', `${i}.xlsx`), Buffer.from(await formWorkbook(syntheticForm(20 + 40 * i, name), loadProfile('ningxia'), typeset)));
    await copyFile(seedPath, join(dir, 'in', 'seed.xlsx'));

    const first = await ziping(['build', 'in', '--out', 'out'], dir);
    expect(first.code).toBe(0);
    const folder = join(dir, 'out', '2021', '某某厅');
    const combinedPath = join(folder, '合并打印.pdf');
    const combined = await readFile(combinedPath);
    // The project called 合并打印 does not take the combined file's name.
    const m1 = await readManifest(dir);
    expect(m1.forms.find((f) => f.projectName === '合并打印')?.outputs?.pdf).toBe('2021/某某厅/_合并打印.pdf');

    // Forms in 项目名称 order (Chinese collation: 合 hé, 甲 jiǎ, 乙 yǐ), every page of each, a bookmark on each first page.
    const order = ['合并打印', '甲项目', '乙项目'];
    const pdfOf = (name: string) => join(dir, 'out', m1.forms.find((f) => f.projectName === name)?.outputs?.pdf ?? '');
    const own = await Promise.all(order.map(async (n) => pdfPages(await readFile(pdfOf(n)))));
    // 100, 60 and 20 indicator lines: the first form runs to more pages than the last.
    expect(own[0]?.length).toBeGreaterThan(own[2]?.length ?? 0);
    expect(pdfPages(combined)).toEqual(own.flat());
    expect(Number(pdfInfo(combined).Pages)).toBe(own.flat().length);
    const starts = own.map((_p, i) => 1 + own.slice(0, i).reduce((n, p) => n + p.length, 0));
    expect(await pdfOutline(combined)).toEqual(order.map((title, i) => ({ title, page: starts[i] })));
    expect(starts[2]).toBeGreaterThan(3);
    // Each form's pages are numbered within the form.
    expect(pdfPages(combined)[starts[1] ?? 0]).toMatch(/第\s*2\s*页，共\s*\d+\s*页/);

    // A department with one form has none; the manifest records the one there is, as on disk; the year page links it.
    const seedFolder = join(dir, 'out', '2021', '中国共产党宁夏回族自治区委员会机构编制委员会办公室');
    await expect(stat(join(seedFolder, '合并打印.pdf'))).rejects.toThrow();
    const year = m1.yearReports?.find((r) => r.year === '2021');
    expect(year?.combined).toEqual([{ path: '2021/某某厅/合并打印.pdf', sha256: sha256Hex(combined), forms: expect.any(String) }]);
    const page = await readFile(join(dir, 'out', '2021', 'index.html'), 'utf8');
    expect(page).toContain(`<a href="${encodeURIComponent('某某厅')}/${encodeURIComponent('合并打印')}.pdf">某某厅</a>(3 个项目)`);

    // Unchanged: not rewritten. Deleted by hand: written again, the same bytes.
    const mtime = (await stat(combinedPath)).mtimeMs;
    expect((await ziping(['build', 'in', '--out', 'out'], dir)).code).toBe(0);
    expect((await stat(combinedPath)).mtimeMs).toBe(mtime);
    await rm(combinedPath);
    expect((await ziping(['build', 'in', '--out', 'out'], dir)).code).toBe(0);
    expect((await readFile(combinedPath)).equals(combined)).toBe(true);

    // One form changed: the combined file follows.
    await writeFile(join(dir, 'in', '1.xlsx'), Buffer.from(await formWorkbook(syntheticForm(30, '甲项目'), loadProfile('ningxia'), typeset)));
    expect((await ziping(['build', 'in', '--out', 'out'], dir)).code).toBe(0);
    const changed = await readFile(combinedPath);
    expect(changed.equals(combined)).toBe(false);
    expect(pdfPages(changed)).toEqual((await Promise.all(order.map(async (n) => pdfPages(await readFile(pdfOf(n)))))).flat());

    // Down to one form in the folder (the others pruned): the combined file goes, and the run says so.
    await rm(join(dir, 'in', '0.xlsx'));
    await rm(join(dir, 'in', '2.xlsx'));
    const pruned = await ziping(['build', 'in', '--out', 'out', '--prune'], dir);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout + pruned.stderr).toContain('COMBINED_PDF_REMOVED');
    await expect(stat(combinedPath)).rejects.toThrow();
    expect((await readManifest(dir)).yearReports?.find((r) => r.year === '2021')?.combined).toBeUndefined();
  }, 120_000);

  it('is made only for a folder of one year and one department, whatever the name pattern', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-combined-pattern-'));
    await mkdir(join(dir, 'in'));
    const form = (name: string, year: number, department: string) => {
      const f = syntheticForm(6, name);
      f.year = { value: year, text: `(${year}年度)`, cell: null };
      f.department = { text: department, cell: null };
      return formWorkbook(f, loadProfile('ningxia'), typeset);
    };
    const forms = [
      ['第12号项目', 2021, '甲厅'],
      ['第6号项目', 2021, '甲厅'],
      ['丙项目', 2022, '甲厅'],
      ['丁项目', 2022, '乙厅'],
    ] as const;
    for (const [i, [name, year, department]] of forms.entries()) await writeFile(join(dir, 'in', `${i}.xlsx`), Buffer.from(await form(name, year, department)));

    // {{年度}}/{{项目名称}}: 2021's folder holds one department (combined, 第6号 before 第12号); 2022's mixes two (none).
    await writeFile(join(dir, 'ziping.config.json'), JSON.stringify({ names: '{{年度}}/{{项目名称}}' }));
    expect((await ziping(['build', 'in', '--out', 'out'], dir)).code).toBe(0);
    const m = await readManifest(dir);
    expect(m.yearReports?.flatMap((r) => (r.combined ?? []).map((c) => c.path))).toEqual(['2021/合并打印.pdf']);
    expect((await pdfOutline(await readFile(join(dir, 'out', '2021', '合并打印.pdf')))).map((b) => b.title)).toEqual(['第6号项目', '第12号项目']);
    await expect(stat(join(dir, 'out', '2022', '合并打印.pdf'))).rejects.toThrow();

    // {{项目名称}}: every PDF at the top of the archive, two years mixed: no combined file, and 2021's goes.
    await writeFile(join(dir, 'ziping.config.json'), JSON.stringify({ names: '{{项目名称}}' }));
    const flat = await ziping(['build', 'in', '--out', 'out'], dir);
    expect(flat.code).toBe(0);
    expect((await readManifest(dir)).yearReports?.some((r) => r.combined)).toBe(false);
    await expect(stat(join(dir, 'out', '合并打印.pdf'))).rejects.toThrow();
    await expect(stat(join(dir, 'out', '2021', '合并打印.pdf'))).rejects.toThrow();
  }, 120_000);

  it('waits for the next build when a form’s PDF changes after the build checked it, keeping what was written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-combined-moved-'));
    await mkdir(join(dir, 'in'));
    for (const [i, name] of ['甲项目', '乙项目'].entries())
      await writeFile(join(dir, 'in', `${i}.xlsx`), Buffer.from(await formWorkbook(syntheticForm(10 + i, name), loadProfile('ningxia'), typeset)));
    expect((await ziping(['build', 'in', '--out', 'out'], dir)).code).toBe(0);
    const manifest = await readManifest(dir);
    const recorded = manifest.yearReports?.flatMap((r) => r.combined ?? []) ?? [];
    expect(recorded).toHaveLength(1);
    const combinedPath = join(dir, 'out', recorded[0]?.path ?? '');
    const before = await readFile(combinedPath);
    // A form's PDF replaced between the build's check and the combining (another program wrote it).
    const first = manifest.forms.find((f) => f.projectName === '乙项目')?.outputs?.pdf ?? '';
    await writeFile(join(dir, 'out', first), Buffer.from('%PDF-1.4\n'));
    const fs = new ArchiveFs(join(dir, 'out'), 'out', '0123456789abcdef');
    const groups = combinedGroups(manifest.forms);
    // Asked to write it again (its record's digest no longer matches), it says which form is missing and keeps the record.
    const result = await writeCombinedPdfs(
      fs,
      groups,
      recorded.map((c) => ({ ...c, forms: 'changed' })),
      typeset,
    );
    expect(result.messages.map((m) => m.code)).toEqual(['COMBINED_PDF_SKIPPED']);
    expect(result.messages[0]?.message).toContain(`out/${first}`);
    expect(result.combined).toEqual([{ ...recorded[0], forms: 'changed' }]);
    expect(result.written).toEqual([]);
    expect((await readFile(combinedPath)).equals(before)).toBe(true);
  }, 120_000);
});
