import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedPath } from '../helpers/pipeline.js';
import { zipingLive } from '../helpers/spawn-cli.js';
import { filledTemplate } from '../helpers/template.js';

async function watching(args: string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'ziping-watch-lines-'));
  await mkdir(join(dir, 'inbox'));
  const live = zipingLive(['watch', 'inbox', '--out', 'out', ...args], dir);
  await live.waitFor(/正在监视/, 20_000);
  return { dir, live };
}

async function stop(live: Awaited<ReturnType<typeof watching>>['live']): Promise<number | null> {
  live.child.kill('SIGINT');
  return new Promise((resolve) => live.child.on('close', resolve));
}

describe('ziping watch prints each file’s result as it is rebuilt', () => {
  it('one line per form: project, total and grade, or why it failed', async () => {
    const { dir, live } = await watching([]);
    try {
      await copyFile(seedPath, join(dir, 'inbox', '机构编制.xlsx'));
      await live.waitFor(/已生成：inbox\/机构编制\.xlsx/, 30_000);
      expect(live.output()).toMatch(
        /✓ 已生成：inbox\/机构编制\.xlsx · 工作表“Sheet1” → 2021\/[^；]+\.xlsx、[^；]+\.pdf、[^；]+\.html；机构编制管理事务经费，总分 94\.64，等级 优；错误 0 条、警告 12 条/,
      );
      await writeFile(join(dir, 'inbox', '坏表.xlsx'), 'not a workbook');
      await live.waitFor(/✗ 无法处理：inbox\/坏表\.xlsx\(INGEST_FILE_UNREADABLE\)/, 30_000);
      // The unchanged file is not rebuilt, so not printed again.
      expect(live.output().match(/已生成：inbox\/机构编制\.xlsx/g)).toHaveLength(1);
    } finally {
      expect(await stop(live)).toBe(0);
    }
  });

  it('--quiet leaves out forms without problems, not the summary', async () => {
    const { dir, live } = await watching(['--quiet']);
    try {
      await filledTemplate(join(dir, 'init'), join(dir, 'clean.xlsx'), 2021, { costScore: 20 });
      await copyFile(join(dir, 'clean.xlsx'), join(dir, 'inbox', '无问题.xlsx'));
      await live.waitFor(/共 1 份：成功 1 份\(其中没有问题 1 份/, 30_000);
      expect(live.output()).not.toContain('已生成：inbox/无问题.xlsx');
    } finally {
      expect(await stop(live)).toBe(0);
    }
  });
});
