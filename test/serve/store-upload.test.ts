import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeUpload } from '../../src/serve/uploads.js';

/** What an upload that cannot be kept says: a stable code and Chinese words, as every message the page shows. */
async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await p.then(
    () => null,
    (e: unknown) => e as { code?: string; message?: string },
  );
  return { code: error?.code ?? '', message: error?.message ?? '' };
}

describe('keeping an upload (storeUpload)', () => {
  it('keeps a same-named upload with other bytes beside the first, and the same bytes as the file already there', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ziping-store-'));
    const first = await storeUpload(folder, '表.xlsx', Buffer.from('a'));
    expect(await storeUpload(folder, '表.xlsx', Buffer.from('a'))).toBe(first);
    expect(await storeUpload(folder, '表.xlsx', Buffer.from('b'))).toBe(join(folder, '表-2.xlsx'));
  });

  it('refuses a name that would leave the folder, in Chinese with a code', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ziping-store-'));
    const r = await refusal(storeUpload(folder, '../外面.xlsx', Buffer.from('a')));
    expect(r.code).toBe('UPLOAD_NAME_UNSAFE');
    expect(r.message).toContain('“../外面.xlsx”');
    expect(r.message).toMatch(/[\u4e00-\u9fff]/);
    expect(r.message).not.toMatch(/leaves the folder/);
    expect(await readdir(join(folder, '..'))).not.toContain('外面.xlsx');
  });

  it('says so in Chinese when every numbered name is taken', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ziping-store-'));
    await writeFile(join(folder, '表.xlsx'), 'x');
    for (let n = 2; n < 10_000; n++) await writeFile(join(folder, `表-${n}.xlsx`), 'x');
    const r = await refusal(storeUpload(folder, '表.xlsx', Buffer.from('new')));
    expect(r.code).toBe('UPLOAD_NO_FREE_NAME');
    expect(r.message).toContain('“表.xlsx”');
    expect(r.message).toContain(folder);
    expect(r.message).not.toMatch(/no free name/);
  }, 60_000);

  it('says a file-system problem with the uploads folder in Chinese, by its code', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-store-'));
    // A file where the uploads folder should be.
    await writeFile(join(dir, '归档-上传的表格'), 'not a folder');
    const r = await refusal(storeUpload(join(dir, '归档-上传的表格'), '表.xlsx', Buffer.from('a')));
    expect(r.code).toBe('FS_EEXIST');
    expect(r.message).toContain('归档-上传的表格');
    expect(r.message).toContain('请把同名的文件或文件夹移走后重试');
  });
});
