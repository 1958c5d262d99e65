import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { link, open, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { archiveError, type RunMessage, runMessage } from '../model/archive-messages.js';
import { shownJoin } from '../model/shown-path.js';
import { generator } from '../version.js';
import { fsError } from './fs-errors.js';

/** In the output folder; a dot name, so no output (safeSegment never starts one with a dot) can take it. */
export const LOCK_FILE = '.ziping-lock';

/** What a lock file holds: enough to tell whether its run is alive, and to tell the user who it is. */
export const LockInfo = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  /** ISO time the run took the lock */
  started: z.string(),
  runId: z.string().regex(/^[0-9a-f]{16}$/),
  command: z.string(),
  generator: z.string(),
});
export type LockInfo = z.infer<typeof LockInfo>;

export interface LockTimes {
  /** how long a run waits for a live lock before it gives up (exit 2) */
  waitMs: number;
  /** how often it looks again while waiting */
  pollMs: number;
  /** a holder refreshes its lock file's mtime this often… */
  heartbeatMs: number;
  /** …so one not refreshed for this long is dead, whatever its host (a run on another machine, a reused pid) */
  staleMs: number;
  /** a lock file with no readable content (its run died between creating and writing it) is dead after this */
  unreadableMs: number;
}

export const DEFAULT_LOCK_TIMES: LockTimes = { waitMs: 10_000, pollMs: 250, heartbeatMs: 30_000, staleMs: 10 * 60_000, unreadableMs: 30_000 };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** How a lock's run is named to the user. */
export function holderText(info: LockInfo | null): string {
  if (!info) return '锁文件内容无法识别';
  const started = new Date(info.started);
  const when = Number.isNaN(started.getTime()) ? info.started : started.toLocaleString('zh-CN', { hour12: false });
  return `${info.command}，进程 ${info.pid}，主机 ${info.host}，${when} 开始`;
}

interface Held {
  raw: string;
  info: LockInfo | null;
  mtimeMs: number;
}

async function readHeld(path: string): Promise<Held | null> {
  try {
    const [raw, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    let parsed: LockInfo | null = null;
    try {
      const r = LockInfo.safeParse(JSON.parse(raw));
      parsed = r.success ? r.data : null;
    } catch {
      parsed = null;
    }
    return { raw, info: parsed, mtimeMs: info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Run ids of the locks this process holds: a lock with our own pid is alive only if it is one of them. */
const heldHere = new Set<string>();

/** Whether process `pid` exists on this machine (EPERM: it does, under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why a held lock is dead, or null while it may be alive. */
function staleness(held: Held, times: LockTimes, now: number): string | null {
  const age = now - held.mtimeMs;
  const minutes = Math.round(times.staleMs / 60_000);
  if (!held.info) return age > times.unreadableMs ? `锁文件内容无法识别，且 ${Math.round(age / 1000)} 秒没有更新` : null;
  if (held.info.host === hostname()) {
    if (held.info.pid === process.pid) return heldHere.has(held.info.runId) ? null : `进程号 ${held.info.pid} 现在属于本次运行，原来的运行已不存在`;
    if (!alive(held.info.pid)) return `进程 ${held.info.pid} 已不存在`;
    // A live pid whose lock has not been refreshed: the pid was reused by another program.
    return age > times.staleMs ? `超过 ${minutes} 分钟没有更新，进程号已被其他程序使用` : null;
  }
  return age > times.staleMs ? `另一台主机上的运行超过 ${minutes} 分钟没有更新锁` : null;
}

/**
 * The lock on one output folder, held by this run from `acquireLock` until `release`. While held
 * it is refreshed (mtime) every heartbeat and checked to be still this run's: a run whose lock was
 * taken over (it looked dead to another run) learns so and must not commit its manifest.
 */
export class OutLock {
  private timer: NodeJS.Timeout | undefined;
  private lostTo: string | null = null;
  private released = false;
  private readonly onExit = (): void => this.releaseSync();

  constructor(
    readonly path: string,
    readonly info: LockInfo,
    private readonly shownOut: string,
    heartbeatMs: number,
  ) {
    heldHere.add(info.runId);
    this.timer = setInterval(() => void this.beat(), heartbeatMs);
    this.timer.unref();
    // Released on any exit: normal end, process.exit after Ctrl-C, an uncaught error.
    process.on('exit', this.onExit);
  }

  get runId(): string {
    return this.info.runId;
  }

  private async beat(): Promise<void> {
    const held = await readHeld(this.path).catch(() => null);
    if (held?.info?.runId !== this.info.runId) {
      this.lostTo = held ? holderText(held.info) : '锁文件已被删除';
      return;
    }
    const now = new Date();
    await utimes(this.path, now, now).catch(() => undefined);
  }

  /** Throws OUT_LOCK_LOST unless the lock file on disk is still this run's. */
  async assertHeld(): Promise<void> {
    const held = await readHeld(this.path).catch(() => null);
    if (held?.info?.runId !== this.info.runId) this.lostTo = held ? holderText(held.info) : '锁文件已被删除';
    if (this.lostTo !== null) throw archiveError('OUT_LOCK_LOST', { out: this.shownOut, holder: this.lostTo });
  }

  private stop(): void {
    this.released = true;
    heldHere.delete(this.info.runId);
    clearInterval(this.timer);
    process.off('exit', this.onExit);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.stop();
    const held = await readHeld(this.path).catch(() => null);
    if (held?.info?.runId === this.info.runId) await rm(this.path, { force: true }).catch(() => undefined);
  }

  /** For exit paths where no promise runs again. Removes the file only if it is still this run's. */
  releaseSync(): void {
    if (this.released) return;
    this.stop();
    try {
      const raw = readFileSync(this.path, 'utf8');
      const parsed = LockInfo.safeParse(JSON.parse(raw));
      if (parsed.success && parsed.data.runId === this.info.runId) rmSync(this.path, { force: true });
    } catch {
      // Gone or unreadable: nothing of ours to remove.
    }
  }
}

/**
 * Takes a dead lock out of the way. Several waiting runs may judge the same lock dead at once;
 * only the one holding the take-over guard (`.ziping-lock.takeover`, created `wx`) may remove it,
 * and only after reading it again under the guard: a lock can only be created where none exists
 * and only a guard holder removes another run's lock, so what it read is what it removes, never a
 * live lock created meanwhile. A guard left by a run that died in these few milliseconds is
 * removed once it is older than `unreadableMs`.
 */
async function takeOver(path: string, held: Held, times: LockTimes): Promise<boolean> {
  const guard = `${path}.takeover`;
  let handle;
  try {
    handle = await open(guard, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fsError(error, '写入', guard);
    const info = await stat(guard).catch(() => null);
    if (info && Date.now() - info.mtimeMs > times.unreadableMs) await rm(guard, { force: true }).catch(() => undefined);
    return false;
  }
  try {
    await handle.close();
    const now = await readFile(path, 'utf8').catch(() => null);
    if (now !== held.raw) return false;
    await rm(path, { force: true });
    return true;
  } finally {
    await rm(guard, { force: true }).catch(() => undefined);
  }
}

/** How long a waiting run looks again at a lock file it cannot read yet before saying it waits. */
const FRESH_UNREADABLE_MS = 1000;

/**
 * Creates `path` holding `content`, or returns false if it exists. The content is written to a
 * file of this run's own first and then hard-linked to `path`: `link` fails where `path` exists,
 * so of several runs exactly one succeeds, and no other run ever sees the lock empty (a file
 * created `wx` and then written is empty in between, and a run looking then could not say whose
 * it is). File systems without hard links (some network shares, FAT) get the `wx` way.
 */
async function createWithContent(path: string, content: string, shown: string): Promise<boolean> {
  const own = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  let linked: boolean | null = null;
  try {
    await writeFile(own, content, { flag: 'wx' });
    try {
      await link(own, path);
      linked = true;
    } catch (error) {
      // Any other failure is a file system without hard links, whatever it is called (Windows says
      // EISDIR for FAT32 and exFAT, Linux EPERM): the wx way below, which says a real error if there is one.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') linked = false;
    }
  } catch (error) {
    await rm(own, { force: true }).catch(() => undefined);
    throw fsError(error, '写入', shown);
  }
  await rm(own, { force: true }).catch(() => undefined);
  if (linked !== null) return linked;
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fsError(error, '写入', shown);
  }
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(path, { force: true }).catch(() => undefined);
    throw fsError(error, '写入', shown);
  }
  await handle.close();
  return true;
}

export interface AcquireOptions {
  /** the command, for the other run's message (`ziping build`) */
  command: string;
  /** the output folder as the user named it */
  shownOut: string;
  times?: Partial<LockTimes>;
  /** waiting and take-over messages, said while it happens */
  onMessage?: (m: RunMessage) => void;
}

/**
 * Takes the lock of the output folder `outDir` (a real path): creates `.ziping-lock` exclusively
 * (createWithContent: of several runs exactly one succeeds) holding this run's pid, host, start
 * time and id.
 * A lock of a live run is waited for up to `waitMs`, then the run is refused (OUT_LOCKED, exit 2);
 * a dead one (its pid gone on this host, or not refreshed for `staleMs`) is taken over, said so.
 */
export async function acquireLock(outDir: string, options: AcquireOptions): Promise<OutLock> {
  const times = { ...DEFAULT_LOCK_TIMES, ...options.times };
  const path = join(outDir, LOCK_FILE);
  const info: LockInfo = {
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
    runId: randomBytes(8).toString('hex'),
    command: options.command,
    generator,
  };
  const started = Date.now();
  let announced = false;
  for (;;) {
    if (await createWithContent(path, `${JSON.stringify(info)}\n`, shownJoin(options.shownOut, LOCK_FILE))) {
      return new OutLock(path, info, options.shownOut, times.heartbeatMs);
    }
    // A lock this run cannot read is someone's: waited for like a live one, never taken over.
    const held = await readHeld(path).catch((): Held => ({ raw: '', info: null, mtimeMs: Date.now() }));
    if (held === null) continue; // released between our two looks: try again at once
    // A lock file without content yet is a run between creating and writing it (where the file
    // system cannot link): looked at again shortly, so the waiting message can name that run.
    if (!held.info && !announced && Date.now() - started < Math.min(FRESH_UNREADABLE_MS, times.waitMs)) {
      await sleep(20);
      continue;
    }
    const why = staleness(held, times, Date.now());
    if (why !== null) {
      if (await takeOver(path, held, times)) options.onMessage?.(runMessage('OUT_LOCK_STALE', { out: options.shownOut, holder: holderText(held.info), why }));
      // Another run holds the guard: let it finish before looking again.
      else await sleep(times.pollMs);
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= times.waitMs) {
      throw archiveError('OUT_LOCKED', { out: options.shownOut, holder: holderText(held.info), waited: (waited / 1000).toFixed(1), lock: shownJoin(options.shownOut, LOCK_FILE) }, 2);
    }
    if (!announced) {
      options.onMessage?.(runMessage('OUT_LOCK_WAITING', { out: options.shownOut, holder: holderText(held.info), seconds: (times.waitMs / 1000).toFixed(0) }));
      announced = true;
    }
    await sleep(Math.min(times.pollMs, times.waitMs - waited));
  }
}
