import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import fg from 'fast-glob';
import { runMessage, type RunMessage } from '../model/archive-messages.js';
import { recordedPath, shownPath } from '../model/shown-path.js';
import { errnoOf } from './fs-errors.js';

/** Office and WPS leave `~$name.xlsx` lock files and `.~name` temporaries beside open workbooks. */
export function isIgnorable(path: string): boolean {
  const name = basename(path);
  return name.startsWith('~$') || name.startsWith('.~') || name.startsWith('.') || /\.(tmp|crdownload|part)$/i.test(name) || name.startsWith('.ziping-tmp-');
}

const spreadsheet = /\.xlsx?$/i;

/**
 * Where serve keeps an upload that a corrected one replaced (inside the uploads folder): kept, never
 * deleted, and never an input again, whoever builds that folder. Only there: a folder of the same
 * name anywhere else is someone's own and read like any other.
 */
export const REPLACED_FOLDER = '已被更正替换';
/** The end of the uploads folder's name (`归档-上传的表格`, serve/uploads.ts). */
export const UPLOADS_FOLDER_SUFFIX = '-上传的表格';

/** Whether `path` (either separator) lies in an uploads folder's 已被更正替换, at any depth of the input. */
export function isReplacedUpload(path: string): boolean {
  const parts = resolve(path).split(/[\\/]/);
  return parts.some((part, i) => part === REPLACED_FOLDER && i > 0 && (parts[i - 1] ?? '').endsWith(UPLOADS_FOLDER_SUFFIX));
}

export interface Discovery {
  files: string[];
  /** inputs that match nothing (a typo) */
  missing: string[];
  /** folders that hold no spreadsheet (yet) */
  empty: string[];
  /** folders that could not be read, spreadsheets that are not regular files */
  problems: RunMessage[];
}

/** A folder by identity (device and inode), as a walk meets it. */
export interface FolderId {
  dev: number;
  ino: number;
}

export interface DiscoverOptions {
  /** folders never entered by a walk (the output folder, when it lies inside an input: its outputs are not inputs) */
  exclude?: FolderId[];
  /** a glob's matches that are not inputs, by real path (what the archive wrote: a glob may reach into it) */
  written?: (real: string) => boolean;
}

const reasonOf = (error: unknown): string => {
  const errno = errnoOf(error);
  return errno === 'EACCES' || errno === 'EPERM' ? '没有读取权限' : (errno ?? String(error));
};

/**
 * The spreadsheets under one folder, walked by hand rather than globbed: a folder it may not read
 * is reported and the walk goes on; the excluded folders are never entered; links are not
 * followed; only regular files are taken (a FIFO named like a workbook would block the read
 * forever), and a spreadsheet name on anything else is reported. Paths are spelled as fast-glob
 * spelled them before (`input/sub/name.xlsx`), since the manifest knows forms by them.
 */
async function walkFolder(input: string, options: DiscoverOptions, problems: RunMessage[]): Promise<string[]> {
  const trimmed = recordedPath(input).replace(/(.)\/+$/, '$1');
  const prefix = trimmed === '.' || trimmed === './' ? '' : trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
  const excluded = options.exclude ?? [];
  const found: string[] = [];
  const visit = async (dir: string, rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      problems.push(runMessage('INPUT_DIR_UNREADABLE', { path: shownPath(rel === '' ? trimmed : `${prefix}${rel}`), reason: reasonOf(error) }));
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.name.startsWith('.')) continue;
      const childRel = rel === '' ? e.name : `${rel}/${e.name}`;
      const abs = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name === REPLACED_FOLDER && isReplacedUpload(abs)) continue;
        const info = await lstat(abs).catch(() => null);
        if (info && excluded.some((x) => x.dev === info.dev && x.ino === info.ino)) continue;
        await visit(abs, childRel);
      } else if (e.isFile()) {
        if (spreadsheet.test(e.name) && !isIgnorable(e.name)) found.push(`${prefix}${childRel}`);
      } else if (!e.isSymbolicLink() && spreadsheet.test(e.name)) {
        const kind = e.isFIFO() ? '命名管道 FIFO' : e.isSocket() ? '套接字' : e.isBlockDevice() || e.isCharacterDevice() ? '设备文件' : '特殊文件';
        problems.push(runMessage('INPUT_NOT_REGULAR', { path: shownPath(`${prefix}${childRel}`), kind }));
      }
    }
  };
  await visit(input, '');
  return found;
}

/**
 * Every spreadsheet named by the inputs (files, folders, globs), sorted so runs are repeatable.
 * Inputs that match nothing are returned in `missing` so the user hears about a typo.
 */
export async function discover(inputs: string[], options: DiscoverOptions = {}): Promise<Discovery> {
  const files = new Set<string>();
  const missing: string[] = [];
  const empty: string[] = [];
  const problems: RunMessage[] = [];
  for (const input of inputs) {
    let found: string[] = [];
    const info = await stat(input).catch(() => null);
    if (info?.isDirectory()) {
      found = await walkFolder(input, options, problems);
    } else if (info?.isFile()) {
      found = [input];
    } else if (info) {
      problems.push(runMessage('INPUT_NOT_REGULAR', { path: shownPath(input), kind: info.isFIFO() ? '命名管道 FIFO' : '特殊文件' }));
      continue;
    } else if (fg.isDynamicPattern(input)) {
      // A glob may reach into the output folder: what the archive wrote there is not an input.
      const matched = await fg(input, { dot: false, onlyFiles: true, suppressErrors: true });
      for (const m of matched) {
        const real = await realpath(m).catch(() => null);
        if (real !== null && !options.written?.(real) && !isReplacedUpload(m)) found.push(m);
      }
    }
    const kept = found.filter((f) => !isIgnorable(f));
    if (info?.isDirectory() && kept.length === 0) empty.push(input);
    else if (found.length === 0 && !info) missing.push(input);
    for (const f of kept) files.add(f);
  }
  return { files: [...files].sort(), missing, empty, problems };
}
