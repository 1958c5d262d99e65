/**
 * Which files a folder input yields (src/archive/discover.ts): the uploads that serve set aside
 * under 已被更正替换 are no input, and only those.
 */
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discover, REPLACED_FOLDER, UPLOADS_FOLDER_SUFFIX } from '../../src/archive/discover.js';
import { seedPath } from '../helpers/pipeline.js';

async function folderWithReplaced(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ziping-discover-'));
  const root = join(dir, name);
  await mkdir(join(root, REPLACED_FOLDER), { recursive: true });
  await copyFile(seedPath, join(root, '新.xlsx'));
  await copyFile(seedPath, join(root, REPLACED_FOLDER, '旧.xlsx'));
  return root;
}

describe('discovery', () => {
  it('leaves out the uploads serve replaced, in the uploads folder only', async () => {
    const uploads = await folderWithReplaced(`归档${UPLOADS_FOLDER_SUFFIX}`);
    expect((await discover([uploads])).files.map((f) => f.split('/').pop())).toEqual(['新.xlsx']);
  });

  it('reads a folder of that name anywhere else, as someone’s own', async () => {
    const inbox = await folderWithReplaced('收件箱');
    expect((await discover([inbox])).files.map((f) => f.split('/').slice(-2).join('/'))).toEqual([`收件箱/新.xlsx`, `${REPLACED_FOLDER}/旧.xlsx`].sort());
  });

  it('leaves them out too when a folder above the uploads folder is built, or a glob reaches into it', async () => {
    const uploads = await folderWithReplaced(`归档${UPLOADS_FOLDER_SUFFIX}`);
    const parent = join(uploads, '..');
    expect((await discover([parent])).files.map((f) => f.split('/').pop())).toEqual(['新.xlsx']);
    expect((await discover([`${parent}/**/*.xlsx`])).files.map((f) => f.split('/').pop())).toEqual(['新.xlsx']);
  });
});
