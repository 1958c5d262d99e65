import { mkdir, realpath, stat } from 'node:fs/promises';
import { archiveError, type RunMessage } from '../model/archive-messages.js';
import { shownPath } from '../model/shown-path.js';
import { ArchiveFs } from './archive-fs.js';
import { fsError } from './fs-errors.js';
import { acquireLock, type LockTimes, type OutLock } from './lock.js';

/** An output folder opened for writing: its lock held, its file access bound to this run. */
export interface Archive {
  fs: ArchiveFs;
  lock: OutLock;
  /** temporaries of dead runs removed when it was opened */
  swept: number;
  /** removes this run's temporaries and releases the lock */
  close(): Promise<void>;
  /** the same, synchronously, for exit paths (Ctrl-C) where no promise runs again */
  closeSync(): void;
}

export interface OpenOptions {
  /** `ziping build`, `ziping watch`: shown to a run that finds the folder in use */
  command: string;
  lockTimes?: Partial<LockTimes>;
  onMessage?: (m: RunMessage) => void;
}

/**
 * Opens `out` for one run: it must be a folder (or not exist yet: it is made), its lock is taken
 * (waiting for a live run, taking over a dead one), and only then are temporaries of dead runs
 * swept: a run never touches the folder before it holds the lock, so it cannot delete a live
 * run's temporaries.
 */
export async function openArchive(out: string, options: OpenOptions): Promise<Archive> {
  const info = await stat(out).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw fsError(error, '检查', out);
  });
  if (info && !info.isDirectory()) throw archiveError('OUT_IS_FILE', { path: shownPath(out) }, 2);
  if (!info) {
    await mkdir(out, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOTDIR' || error.code === 'EEXIST' ? archiveError('OUT_IS_FILE', { path: shownPath(out) }, 2) : fsError(error, '创建文件夹', out);
    });
  }
  // The folder named may itself be a link (an archive kept on another disk): its target is the root.
  const root = await realpath(out).catch((error: unknown) => {
    throw fsError(error, '检查', out);
  });
  const lock = await acquireLock(root, {
    command: options.command,
    shownOut: shownPath(out),
    ...(options.lockTimes ? { times: options.lockTimes } : {}),
    ...(options.onMessage ? { onMessage: options.onMessage } : {}),
  });
  const fs = new ArchiveFs(root, out, lock.runId);
  const exitHook = (): void => fs.removeTempsSync();
  // Registered after the lock's own exit hook would release it; temporaries must go first, so prepend.
  process.prependListener('exit', exitHook);
  let closed = false;
  const finish = (): void => {
    closed = true;
    process.off('exit', exitHook);
    fs.removeTempsSync();
  };
  let swept = 0;
  try {
    swept = await fs.sweep();
  } catch (error) {
    finish();
    await lock.release();
    throw error;
  }
  return {
    fs,
    lock,
    swept,
    close: async () => {
      if (closed) return;
      finish();
      await lock.release();
    },
    closeSync: () => {
      if (closed) return;
      finish();
      lock.releaseSync();
    },
  };
}
