import { ArchiveError, archiveError, type ArchiveCode } from '../model/archive-messages.js';
import { shownPath } from '../model/shown-path.js';

/** What the run was doing when the file system said no, as the message puts it before the path. */
export type FsAction = '读取' | '写入' | '创建文件夹' | '删除' | '改名' | '打开' | '列出文件夹' | '检查';

type FsCode = Exclude<Extract<ArchiveCode, `FS_${string}`>, 'FS_OTHER'>;

const known: Partial<Record<string, FsCode>> = {
  EACCES: 'FS_EACCES',
  EPERM: 'FS_EPERM',
  EBUSY: 'FS_EBUSY',
  ENOSPC: 'FS_ENOSPC',
  EDQUOT: 'FS_EDQUOT',
  EROFS: 'FS_EROFS',
  ENOTDIR: 'FS_ENOTDIR',
  EISDIR: 'FS_EISDIR',
  EEXIST: 'FS_EEXIST',
  ENOTEMPTY: 'FS_EEXIST',
  EMFILE: 'FS_EMFILE',
  ENFILE: 'FS_EMFILE',
  ENAMETOOLONG: 'FS_ENAMETOOLONG',
  ELOOP: 'FS_ELOOP',
  EIO: 'FS_EIO',
  ENOENT: 'FS_ENOENT',
};

/** The errno code of a Node system error (`ENOSPC`…), or null for anything else. */
export function errnoOf(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : null;
}

/**
 * The folder a command writes, as the advice names it: build, watch and serve write the output
 * folder (--out; serve's uploads sit beside it), init the folder named after it.
 */
export type WritePlace = 'out' | 'init';
const placeText: Record<WritePlace, string> = { out: '输出文件夹(--out)', init: '文件夹(ziping init 后面写的文件夹)' };

/**
 * A file-system error as the user's message: the path (as the user knows it: relative to the
 * output folder they named, with this system's separator), what was being done, and what to do, in the words of
 * the command it comes from (`place`). An error that is already a user message passes through unchanged.
 */
export function fsError(error: unknown, action: FsAction, path: string, place: WritePlace = 'out'): ArchiveError {
  if (error instanceof ArchiveError) return error;
  const errno = errnoOf(error);
  const shown = shownPath(path);
  const code = errno === null ? undefined : known[errno];
  const args = { action, path: shown, place: placeText[place] };
  if (code) return archiveError(code, args, 1, error);
  const detail = errno ?? (error instanceof Error ? error.message.split('\n')[0] : String(error)) ?? '';
  return archiveError('FS_OTHER', { ...args, errno: detail }, 1, error);
}

/** Runs `fn`, turning a file-system error into the user's message for `action` on `path`. */
export async function withFsErrors<T>(action: FsAction, path: string, fn: () => Promise<T>, place: WritePlace = 'out'): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw fsError(error, action, path, place);
  }
}
