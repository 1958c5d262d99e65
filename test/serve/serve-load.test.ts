import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abandonUpload, driveLoad, loadFiles, loadProblems, type LoadFile, type LoadResult } from '../../src/bench/serve-load.js';
import { startServe, type LiveServe } from '../helpers/serve.js';

/**
 * Eight colleagues uploading 25 forms each to one serve at once (one in ten broken), and one
 * more whose browser is closed mid-upload. Bounded: the load must end within four minutes (the
 * driver gives up then), whatever the machine; how fast it is, is the bench's business
 * (`npm run bench -- --serve-load`), not this test's.
 */
const CLIENTS = 8;
const EACH = 25;

let dir = '';
let live: LiveServe;
let files: LoadFile[] = [];
let result: LoadResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ziping-serve-load-'));
  files = await loadFiles(join(dir, 'forms'), CLIENTS * EACH, 18);
  live = await startServe(['--out', join(dir, '归档')], dir);
  const abandoned = abandonUpload(live.url, '中途断开.xlsx', files[0]?.bytes ?? Buffer.alloc(0));
  result = await driveLoad(live.url, files, CLIENTS, 240_000);
  await abandoned;
}, 300_000);

afterAll(async () => {
  if (live) expect(await live.stop()).toBe(0);
});

describe('many uploads at once', () => {
  it('answers all 200, builds every good form once and refuses every broken one, and keeps every upload once', async () => {
    expect(files.filter((f) => !f.good)).toHaveLength(20);
    expect(result.statuses.size).toBe(200);
    expect([...result.statuses.values()].filter((s) => s >= 500)).toEqual([]);
    expect(await loadProblems(join(dir, '归档'), join(dir, '归档-上传的表格'), files, result)).toEqual([]);
    // Uploads that arrived while a build ran were built together.
    expect(result.largestBatch).toBeGreaterThan(1);
    for (const f of files.filter((x) => !x.good)) expect(result.views.get(f.name)?.forms[0]?.findings[0]?.code, f.name).toMatch(/^INGEST_/);
  });

  it('a browser closed mid-upload leaves nothing in the uploads folder, and the server goes on', async () => {
    const kept = await readdir(join(dir, '归档-上传的表格'));
    expect(kept).not.toContain('中途断开.xlsx');
    expect(kept.filter((k) => k.startsWith('.'))).toEqual([]);
    // It did reach the server, which said so and kept nothing.
    expect(live.output()).toContain('✗ UPLOAD_ABORTED：文件“中途断开.xlsx”上传到一半连接断开了');
    expect((await fetch(live.url)).status).toBe(200);
  });
});
