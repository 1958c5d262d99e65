import { randomBytes } from 'node:crypto';
import { lstatSync, rmSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fsError, withFsErrors, type WritePlace } from './fs-errors.js';

export const TEMP_PREFIX = '.ziping-tmp-';
/** Names stay under the 255-byte limit of common file systems with the prefix added. */
const MAX_TEMP_BASE_BYTES = 180;

function cutBytes(text: string, max: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of [...text].reverse()) {
    // Keep the end: the extension says what the temporary will become.
    const b = Buffer.byteLength(ch);
    if (bytes + b > max) break;
    out = ch + out;
    bytes += b;
  }
  return out;
}

/**
 * A temporary's name: `.ziping-tmp-<run id>-<n>-<name>`. The run id (16 hex) says whose it is, so
 * the next run in that folder knows a dead run's leftovers (ArchiveFs.sweep).
 */
export const tempName = (runId: string, seq: number, name: string): string => `${TEMP_PREFIX}${runId}-${seq}-${cutBytes(name, MAX_TEMP_BASE_BYTES)}`;

export interface ReplaceOptions {
  /** flush to disk before the rename (power loss): the manifest uses it, the many form files do not (it would cost more than rendering them) */
  sync?: boolean;
  /** the folder the command writes, as its messages name it */
  place?: WritePlace;
}

/**
 * The one way ziping replaces a file, in the archive (ArchiveFs.write) and outside it (init, the
 * bench, serve's uploads): the bytes go to `temp` in the target's folder, created exclusively (so it
 * never opens through a link or over another file), then it is renamed over `target` (a link at the
 * target itself is replaced, never followed). A run killed at any moment leaves the old file or the
 * new one, never half of one. On any failure the temporary is removed, the old file is untouched,
 * and the error is the user's message naming `shown` (the target, never the temporary). `temps`
 * holds the temporaries being written, for exit paths (removeTempsSync).
 */
export async function replaceFile(target: string, temp: string, data: Uint8Array | string, shown: string, temps: Set<string>, options: ReplaceOptions = {}): Promise<void> {
  temps.add(temp);
  let step: '写入' | '改名' = '写入';
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      if (options.sync) await handle.sync();
    } finally {
      await handle.close();
    }
    step = '改名';
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw fsError(error, step, shown, options.place);
  } finally {
    temps.delete(temp);
  }
}

/** Removes temporaries still open, synchronously: on exit and on Ctrl-C, when no promise will run again. */
export function removeTempsSync(temps: Set<string>): void {
  for (const t of temps) {
    try {
      if (lstatSync(t, { throwIfNoEntry: false })) rmSync(t, { force: true });
    } catch {
      // Exiting anyway; the next run sweeps what is left (it carries a dead run id).
    }
  }
  temps.clear();
}

/** Writes outside an archive (one process, no lock) carry this process's own run id. */
const processRun = { id: randomBytes(8).toString('hex'), seq: 0, temps: new Set<string>(), hooked: false };

/**
 * replaceFile for a file outside an archive (init's template, the bench's inputs, serve's uploads),
 * its folders made first; the temporary of a write cut short by an exit is removed.
 */
export async function writeAtomic(path: string, data: Uint8Array | string, options: ReplaceOptions = {}): Promise<void> {
  const dir = dirname(path);
  await withFsErrors('创建文件夹', dir, () => mkdir(dir, { recursive: true }), options.place);
  if (!processRun.hooked) {
    processRun.hooked = true;
    process.prependListener('exit', () => removeTempsSync(processRun.temps));
  }
  await replaceFile(path, join(dir, tempName(processRun.id, ++processRun.seq, basename(path))), data, path, processRun.temps, options);
}
