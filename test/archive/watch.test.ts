import { mkdir, mkdtemp, readFile, readdir, appendFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Manifest } from '../../src/model/manifest.js';
import { pdfInfo } from '../helpers/pdf.js';
import { seedPath } from '../helpers/pipeline.js';
import { zipingLive } from '../helpers/spawn-cli.js';
import { loadWorkbook } from '../helpers/xlsx.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function outputFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && /\.(pdf|xlsx)$/.test(e.name)).map((e) => join(e.parentPath, e.name));
}

describe('ziping watch', () => {
  it('waits for a file copied in two halves, builds it once complete, never writes broken output, stops on Ctrl-C', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-watch-'));
    await mkdir(join(dir, 'inbox'));
    const live = zipingLive(['watch', 'inbox', '--out', 'out'], dir);
    try {
      await live.waitFor(/正在监视/, 20_000);
      const bytes = await readFile(seedPath);
      const half = Math.floor(bytes.length / 2);
      await writeFile(join(dir, 'inbox', '新表.xlsx'), bytes.subarray(0, half));
      // Longer than the watcher's stability wait: it sees a stable, incomplete file.
      await sleep(2500);
      expect(await outputFiles(join(dir, 'out'))).toEqual([]);
      await live.waitFor(/还没有写完整/, 5_000);
      await appendFile(join(dir, 'inbox', '新表.xlsx'), bytes.subarray(half));
      await live.waitFor(/重新生成 1 个/, 30_000);
      const files = await outputFiles(join(dir, 'out'));
      // The form's copies, its annotated copy (复核批注/), its department's 复核意见, the year's 汇总表 and report.
      expect(files.map((f) => f.split('/').pop()).sort()).toEqual(
        ['年度报告.pdf', '复核意见.xlsx', '机构编制管理事务经费.pdf', '机构编制管理事务经费.xlsx', '机构编制管理事务经费.xlsx', '汇总表.xlsx'].sort(),
      );
      for (const f of files.filter((x) => !/(汇总表\.xlsx|复核意见\.xlsx|年度报告\.pdf)$/.test(x))) {
        if (f.endsWith('.pdf')) expect(pdfInfo(await readFile(f)).Pages).toBe('2');
        else expect((await loadWorkbook(f)).worksheets[0]?.getCell('C4').value).toBe('机构编制管理事务经费');
      }
      const manifest = Manifest.parse(JSON.parse(await readFile(join(dir, 'out', 'manifest.json'), 'utf8')));
      expect(manifest.forms.map((f) => [f.source, f.status])).toEqual([['inbox/新表.xlsx', 'ok']]);

      // A bad file dropped in does not stop the watcher.
      await writeFile(join(dir, 'inbox', '坏表.xlsx'), 'not a workbook');
      await live.waitFor(/无法处理 1 份/, 30_000);
      live.child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => live.child.on('close', resolve));
      expect(code).toBe(0);
      expect(live.output()).toContain('已停止监视');
    } finally {
      if (live.child.exitCode === null) live.child.kill('SIGKILL');
    }
  });

  it.each([
    ['inside the watched folder', 'inbox', 'inbox/归档'],
    ['. from the folder that holds the watched inbox', '收件箱', '.'],
  ])(
    'with --out %s: a form dropped in is built, and its outputs trigger no rebuild',
    async (_, inbox, out) => {
      const dir = await mkdtemp(join(tmpdir(), 'ziping-watch-out-'));
      await mkdir(join(dir, inbox));
      const live = zipingLive(['watch', inbox, '--out', out], dir);
      try {
        await live.waitFor(/正在监视/, 20_000);
        await writeFile(join(dir, inbox, '新表.xlsx'), await readFile(seedPath));
        await live.waitFor(/重新生成 1 个/, 30_000);
        const manifest = Manifest.parse(JSON.parse(await readFile(join(dir, out, 'manifest.json'), 'utf8')));
        expect(manifest.forms.map((f) => [f.source, f.status])).toEqual([[`${inbox}/新表.xlsx`, 'ok']]);
        // Longer than the watcher's stability wait and debounce: a rebuild for the outputs would have started.
        await sleep(3000);
        expect(live.output().match(/开始生成/g)).toHaveLength(2);
        live.child.kill('SIGINT');
        expect(await new Promise<number | null>((resolve) => live.child.on('close', resolve))).toBe(0);
      } finally {
        if (live.child.exitCode === null) live.child.kill('SIGKILL');
      }
    },
    60_000,
  );
});
