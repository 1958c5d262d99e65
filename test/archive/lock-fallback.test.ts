/**
 * The lock on a file system without hard links (src/archive/lock.ts, createWithContent): FAT32 and
 * exFAT drives (USB sticks) under Windows fail `link` with EISDIR, Linux vfat with EPERM, network
 * shares with other codes. Whatever the code, the lock is taken the `wx` way, with its content,
 * and no file of the attempt is left behind.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { acquireLock, LOCK_FILE } from '../../src/archive/lock.js';

vi.mock('node:fs/promises', async (original) => {
  const actual = await original<typeof fsp>();
  return { ...actual, link: vi.fn(actual.link) };
});

const quick = { waitMs: 200, pollMs: 20, heartbeatMs: 60_000, staleMs: 10 * 60_000, unreadableMs: 30_000 };

describe('the lock where hard links fail', () => {
  it.each(['EISDIR', 'EPERM', 'EACCES', 'UNKNOWN'])('link fails with %s: taken all the same, with its content, nothing else left', async (code) => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-lock-nolink-'));
    vi.mocked(fsp.link).mockRejectedValue(Object.assign(new Error(`link: ${code}`), { code }));
    try {
      const lock = await acquireLock(dir, { command: 'ziping build', shownOut: 'out', times: quick });
      expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, command: 'ziping build' });
      expect(await readdir(dir)).toEqual([LOCK_FILE]);
      // A second run still waits for it and is refused: the wx way is exclusive too.
      await expect(acquireLock(dir, { command: 'ziping build', shownOut: 'out', times: quick })).rejects.toMatchObject({ code: 'OUT_LOCKED' });
      await lock.release();
      expect(await readdir(dir)).toEqual([]);
    } finally {
      vi.mocked(fsp.link).mockReset();
    }
  });
});
