import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, mkdir, readFile, readdir, readlink, realpath, rename, rm, rmdir, statfs } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import { archiveError } from '../model/archive-messages.js';
import { shownJoin } from '../model/shown-path.js';
import { fsError, withFsErrors } from './fs-errors.js';
import { isInside } from './safe-name.js';
import { removeTempsSync, replaceFile, tempName, type ReplaceOptions } from './write-atomic.js';

/**
 * Temporaries of this tool: `.ziping-tmp-<run id>-<n>-<name>`. Outputs never start with a dot
 * (safeSegment), so no output can look like one; the run id says whose it is.
 */
const TEMP = /^\.ziping-tmp-([0-9a-f]{16})-\d+-/;
/** Temporaries of versions before the lock (`.ziping-tmp-<12 hex>-<name>`): no run id to ask about. */
const LEGACY_TEMP = /^\.ziping-tmp-[0-9a-f]{12}-/;
/** A legacy temporary this old cannot belong to a write still going on. */
const LEGACY_TEMP_AGE_MS = 10 * 60_000;
export type EntryKind = 'file' | 'dir' | 'symlink' | 'other' | 'missing';

const kindOf = (s: Stats | null): EntryKind => (s === null ? 'missing' : s.isSymbolicLink() ? 'symlink' : s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other');

export const sha256Hex = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/** JSON with keys sorted: the same value gives the same text whichever way its objects were built (parsed by zod or made fresh). */
export function canonicalJson(value: unknown): string {
  // Built by concatenation, not entries/sort/map/join: a rerun over 1,000 forms hashes megabytes of it.
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) text += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${text}]`;
  }
  const object = value as Record<string, unknown>;
  let text = '{';
  let first = true;
  // Object.keys().sort() orders by UTF-16 code units, as `<` does.
  for (const key of Object.keys(object).sort()) {
    const v = object[key];
    if (v === undefined) continue;
    text += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${text}}`;
}

/**
 * The output folder as the archive writes it: every path is relative to it (`/` separators), every
 * write goes to a temporary of this run and is renamed into place, and no write follows a symbolic
 * link: each folder on the way is checked with lstat (a link is refused, never followed) and the
 * real path of the folder written into must lie inside the output folder's real path.
 */
export class ArchiveFs {
  private seq = 0;
  /**
   * Folders this run has checked (or made) and found to be real folders inside the output folder:
   * a run writes thousands of files into a few dozen folders, and the walk down with lstat and
   * realpath need not be repeated for each. Cleared when this run removes folders.
   */
  private readonly checked = new Set<string>();
  /** temporaries this run has open, removed on any exit (see removeTempsSync) */
  private readonly temps = new Set<string>();

  /**
   * @param root real path of the output folder
   * @param shownRoot the output folder as the user named it, for messages
   * @param runId this run's id (16 hex), carried by its temporaries and its lock
   */
  constructor(
    readonly root: string,
    readonly shownRoot: string,
    readonly runId: string,
  ) {}

  abs(rel: string): string {
    return rel === '' ? this.root : join(this.root, ...rel.split('/'));
  }

  /** How a path inside the output folder is named in messages: under the folder as the user named it, with this system's separator. */
  shown(rel: string): string {
    return shownJoin(this.shownRoot, rel);
  }

  private async lstatOrNull(abs: string, rel: string): Promise<Stats | null> {
    try {
      return await lstat(abs);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw fsError(error, '检查', this.shown(rel));
    }
  }

  private async refuseLink(rel: string): Promise<never> {
    const target = await readlink(this.abs(rel)).catch(() => '?');
    throw archiveError('PATH_SYMLINK', { path: this.shown(rel), target });
  }

  /**
   * Checks each folder of `relDir` from the root down: a symbolic link is refused, a file in the
   * way is an ENOTDIR message; with `create`, missing folders are made one by one (never
   * `mkdir -p`, which follows links). Returns false when a folder is missing and `create` is off.
   */
  async checkDir(relDir: string, create: boolean): Promise<boolean> {
    if (this.checked.has(relDir)) return true;
    const parts = relDir === '' ? [] : relDir.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const rel = parts.slice(0, i).join('/');
      const abs = this.abs(rel);
      let info = await this.lstatOrNull(abs, rel);
      if (info === null) {
        if (!create) return false;
        await mkdir(abs).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw fsError(error, '创建文件夹', this.shown(rel));
        });
        info = await this.lstatOrNull(abs, rel);
      }
      const kind = kindOf(info);
      if (kind === 'symlink') await this.refuseLink(rel);
      if (kind !== 'dir') throw archiveError('FS_ENOTDIR', { action: '创建文件夹', path: this.shown(rel) });
    }
    // Belt and braces: whatever the checks above missed (a race, a mount), the folder's real path decides.
    const real = await withFsErrors('检查', this.shown(relDir), () => realpath(this.abs(relDir)));
    if (!isInside(this.root, real)) throw archiveError('PATH_OUTSIDE', { path: this.shown(relDir), out: this.shown('') });
    this.checked.add(relDir);
    return true;
  }

  /** What is at `rel`, without following a link there or on the way (a link on the way is refused). */
  async kind(rel: string): Promise<EntryKind> {
    if (!(await this.checkDir(posix.dirname(rel) === '.' ? '' : posix.dirname(rel), false))) return 'missing';
    return kindOf(await this.lstatOrNull(this.abs(rel), rel));
  }

  /** What is at `rel` and, for a regular file, its sha256. */
  async hashOf(rel: string): Promise<{ kind: EntryKind; sha256: string | null }> {
    const kind = await this.kind(rel);
    if (kind !== 'file') return { kind, sha256: null };
    return { kind, sha256: await withFsErrors('读取', this.shown(rel), async () => sha256Hex(await readFile(this.abs(rel)))) };
  }

  /** sha256 of a regular file at `rel`; null when it is missing or not a regular file. */
  async hash(rel: string): Promise<string | null> {
    return (await this.hashOf(rel)).sha256;
  }

  async readText(rel: string): Promise<string | null> {
    if ((await this.kind(rel)) !== 'file') return null;
    return withFsErrors('读取', this.shown(rel), () => readFile(this.abs(rel), 'utf8'));
  }

  async readBytes(rel: string): Promise<Buffer | null> {
    if ((await this.kind(rel)) !== 'file') return null;
    return withFsErrors('读取', this.shown(rel), () => readFile(this.abs(rel)));
  }

  /**
   * Writes `data` to `rel` (see replaceFile: a temporary of this run in the same folder, renamed
   * over the target), after the folders on the way are checked (never a link) or made.
   */
  async write(rel: string, data: Uint8Array | string, options: Pick<ReplaceOptions, 'sync'> = {}): Promise<void> {
    const dir = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
    await this.checkDir(dir, true);
    if ((await this.kind(rel)) === 'dir') throw archiveError('FS_EISDIR', { action: '写入', path: this.shown(rel) });
    const temp = tempName(this.runId, ++this.seq, posix.basename(rel));
    await replaceFile(this.abs(rel), this.abs(dir === '' ? temp : `${dir}/${temp}`), data, this.shown(rel), this.temps, options);
  }

  /** Removes a file (or a link) at `rel`; a folder is left alone. Returns whether something went. */
  async remove(rel: string): Promise<boolean> {
    const kind = await this.kind(rel);
    if (kind === 'missing' || kind === 'dir') return false;
    await withFsErrors('删除', this.shown(rel), () => rm(this.abs(rel), { force: true }));
    return true;
  }

  /**
   * Removes the folders above `rel` that are now empty (after pruning), up to but not including
   * the output folder itself; stops at the first that still holds something.
   */
  async removeEmptyDirs(rel: string): Promise<void> {
    this.checked.clear();
    for (let dir = posix.dirname(rel); dir !== '.' && dir !== ''; dir = posix.dirname(dir)) {
      if ((await this.kind(dir).catch(() => 'other' as const)) !== 'dir') return;
      try {
        await rmdir(this.abs(dir));
      } catch {
        return;
      }
    }
  }

  /** Bytes free for this user on the output folder's disk; null where the system does not say. */
  async freeBytes(): Promise<number | null> {
    try {
      const s = await statfs(this.root);
      return s.bavail * s.bsize;
    } catch {
      return null;
    }
  }

  /** Renames within the output folder (the damaged manifest is set aside, never deleted). */
  async move(from: string, to: string): Promise<void> {
    this.checked.clear();
    await this.checkDir(posix.dirname(to) === '.' ? '' : posix.dirname(to), true);
    if ((await this.kind(to)) !== 'missing') throw archiveError('FS_EEXIST', { action: '改名', path: this.shown(to) });
    await withFsErrors('改名', this.shown(from), () => rename(this.abs(from), this.abs(to)));
  }

  /**
   * Every entry under `relDir` (default: the whole output folder), found without following links:
   * regular files and what else lies there, as relative paths, leaving out what `skip` says (and
   * all below it). Unreadable folders are reported, not fatal: the caller decides.
   */
  async walk(relDir = '', skip: (rel: string) => boolean = () => false): Promise<{ files: string[]; others: Array<{ path: string; kind: EntryKind }>; unreadable: string[] }> {
    const files: string[] = [];
    const others: Array<{ path: string; kind: EntryKind }> = [];
    const unreadable: string[] = [];
    const visit = async (rel: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(this.abs(rel), { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') unreadable.push(rel);
        return;
      }
      for (const e of entries) {
        const path = rel === '' ? e.name : `${rel}/${e.name}`;
        if (skip(path)) continue;
        if (e.isDirectory()) await visit(path);
        else if (e.isFile()) files.push(path);
        else others.push({ path, kind: e.isSymbolicLink() ? 'symlink' : 'other' });
      }
    };
    await visit(relDir);
    return { files: files.sort(), others, unreadable };
  }

  /**
   * Removes temporaries that no live run is writing: every temporary of another run id (this run
   * holds the lock, so a run with another id is dead, or has lost the lock and will not commit),
   * and legacy temporaries old enough to be abandoned. Files that only look alike (no run id in
   * the name) are left alone.
   */
  async sweep(): Promise<number> {
    const { files } = await this.walk();
    let removed = 0;
    for (const rel of files) {
      const name = posix.basename(rel);
      const run = TEMP.exec(name)?.[1];
      let stale = run !== undefined && run !== this.runId;
      if (!stale && run === undefined && LEGACY_TEMP.test(name)) {
        const info = await lstat(this.abs(rel)).catch(() => null);
        stale = info !== null && Date.now() - info.mtimeMs > LEGACY_TEMP_AGE_MS;
      }
      if (stale && (await this.remove(rel).catch(() => false))) removed++;
    }
    return removed;
  }

  /** Temporaries of this run still on disk (none after a clean run): for tests and the exit path. */
  openTemps(): string[] {
    return [...this.temps];
  }

  /**
   * Removes this run's open temporaries, synchronously: called on exit and on Ctrl-C, when no
   * promise will run again.
   */
  removeTempsSync(): void {
    removeTempsSync(this.temps);
  }
}

/** A relative output path as a path of this system (for messages about files on disk). */
export const systemPath = (rel: string): string => rel.split('/').join(sep);
