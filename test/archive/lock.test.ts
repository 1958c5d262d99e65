/**
 * The lock on --out (src/archive/lock.ts): who waits, who is refused, which locks are dead and
 * taken over. lock-race.test.ts (slow set) races real processes for it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, LOCK_FILE, type LockInfo } from '../../src/archive/lock.js';
import { ArchiveError, type RunMessage } from '../../src/model/archive-messages.js';

const quick = { waitMs: 300, pollMs: 20, heartbeatMs: 60_000, staleMs: 10 * 60_000, unreadableMs: 30_000 };
const lockOf = (over: Partial<LockInfo>): LockInfo => ({
  pid: process.pid,
  host: hostname(),
  started: new Date().toISOString(),
  runId: '0123456789abcdef',
  command: 'ziping build',
  generator: 'ziping 0.1.0',
  ...over,
});

/** A process that is alive for the test, and the pid of one that is gone. */
async function livePid(): Promise<{ pid: number; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  await new Promise((r) => child.once('spawn', r));
  return { pid: child.pid ?? 0, stop: () => child.kill('SIGKILL') };
}
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid ?? 0;
  await new Promise((r) => child.once('close', r));
  return pid;
}

async function tryAcquire(dir: string, times = quick): Promise<{ error: ArchiveError | null; messages: RunMessage[]; release: () => Promise<void> }> {
  const messages: RunMessage[] = [];
  try {
    const lock = await acquireLock(dir, { command: 'ziping build', shownOut: 'out', times, onMessage: (m) => messages.push(m) });
    return { error: null, messages, release: () => lock.release() };
  } catch (error) {
    if (!(error instanceof ArchiveError)) throw error;
    return { error, messages, release: async () => undefined };
  }
}

describe('the lock on --out', () => {
  it('a live run on this host: waited for, then refused with OUT_LOCKED (exit 2) naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-lock-'));
    const live = await livePid();
    try {
      await writeFile(join(dir, LOCK_FILE), JSON.stringify(lockOf({ pid: live.pid })));
      const started = Date.now();
      const r = await tryAcquire(dir);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(r.error?.code).toBe('OUT_LOCKED');
      expect(r.error?.exitCode).toBe(2);
      expect(r.error?.message).toContain(`进程 ${live.pid}，主机 ${hostname()}`);
      expect(r.messages.map((m) => m.code)).toEqual(['OUT_LOCK_WAITING']);
    } finally {
      live.stop();
    }
  });

  it('a dead run on this host is taken over at once, and said so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-lock-'));
    const pid = await deadPid();
    await writeFile(join(dir, LOCK_FILE), JSON.stringify(lockOf({ pid })));
    const r = await tryAcquire(dir);
    expect(r.error).toBeNull();
    expect(r.messages.map((m) => m.code)).toEqual(['OUT_LOCK_STALE']);
    expect(r.messages[0]?.message).toContain(`进程 ${pid} 已不存在`);
    const now = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')) as LockInfo;
    expect(now.pid).toBe(process.pid);
    await r.release();
  });

  it('a run on another host: alive while it refreshes its lock, dead once it has not for 10 minutes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-lock-'));
    await writeFile(join(dir, LOCK_FILE), JSON.stringify(lockOf({ host: 'another-host', pid: 1 })));
    expect((await tryAcquire(dir)).error?.code).toBe('OUT_LOCKED');
    const old = new Date(Date.now() - 11 * 60_000);
    await utimes(join(dir, LOCK_FILE), old, old);
    const r = await tryAcquire(dir);
    expect(r.error).toBeNull();
    expect(r.messages[0]?.message).toContain('另一台主机上的运行超过 10 分钟没有更新锁');
    await r.release();
  });

  it('a lock file without readable content: fresh, it is a run that is writing it; old, a run that died doing so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-lock-'));
    await writeFile(join(dir, LOCK_FILE), '');
    expect((await tryAcquire(dir)).error?.code).toBe('OUT_LOCKED');
    const old = new Date(Date.now() - 60_000);
    await utimes(join(dir, LOCK_FILE), old, old);
    const r = await tryAcquire(dir);
    expect(r.error).toBeNull();
    await r.release();
  });

  it('a run that finds the lock before its holder has written it names the holder once written, and never sees it empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-lock-'));
    const live = await livePid();
    try {
      await writeFile(join(dir, LOCK_FILE), '');
      setTimeout(() => void writeFile(join(dir, LOCK_FILE), JSON.stringify(lockOf({ pid: live.pid }))), 100);
      const r = await tryAcquire(dir, { ...quick, waitMs: 600 });
      expect(r.error?.code).toBe('OUT_LOCKED');
      expect(r.messages.map((m) => m.code)).toEqual(['OUT_LOCK_WAITING']);
      expect(r.messages[0]?.message).toContain(`进程 ${live.pid}`);
      expect(r.messages[0]?.message).not.toContain('无法识别');
    } finally {
      live.stop();
    }
    // Its own lock is on disk with its content from the first moment: no empty file, no leftovers.
    const dir2 = await mkdtemp(join(tmpdir(), 'ziping-lock-'));
    const own = await tryAcquire(dir2);
    expect(JSON.parse(await readFile(join(dir2, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, command: 'ziping build' });
    expect(await readdir(dir2)).toEqual([LOCK_FILE]);
    await own.release();
  });

  it('in one process: a second acquisition waits for the first (same pid is not taken for dead)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-lock-'));
    const first = await tryAcquire(dir);
    expect(first.error).toBeNull();
    expect((await tryAcquire(dir)).error?.code).toBe('OUT_LOCKED');
    await first.release();
    const third = await tryAcquire(dir);
    expect(third.error).toBeNull();
    await third.release();
  });

  it('a run whose lock was taken over learns it (OUT_LOCK_LOST) and does not remove the new one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-lock-'));
    const lock = await acquireLock(dir, { command: 'ziping build', shownOut: 'out', times: quick });
    const other = lockOf({ host: 'another-host', runId: 'fedcba9876543210' });
    await writeFile(join(dir, LOCK_FILE), JSON.stringify(other));
    await expect(lock.assertHeld()).rejects.toMatchObject({ code: 'OUT_LOCK_LOST' });
    await lock.release();
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toEqual(other);
  });
});
