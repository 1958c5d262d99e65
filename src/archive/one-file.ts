import { ArchiveError, runMessage, type RunMessage } from '../model/archive-messages.js';
import type { ArchiveFs } from './archive-fs.js';

/**
 * Errors that concern one file alone: open in Excel or a PDF reader (EBUSY, EPERM), a folder or a
 * link in its place or on its way, a name the system refuses. Any other (disk full, a read-only
 * disk, an I/O error) is the run's, and ends it.
 */
const FILE_LOCAL = new Set(['PATH_SYMLINK', 'PATH_OUTSIDE', 'FS_ENOTDIR', 'FS_EISDIR', 'FS_EEXIST', 'FS_ENAMETOOLONG', 'FS_EBUSY', 'FS_EPERM', 'FS_EACCES', 'FS_ELOOP']);

export const isFileLocal = (error: unknown): error is ArchiveError => error instanceof ArchiveError && FILE_LOCAL.has(error.code);

/**
 * Writes one file of the archive (`write` does it), so that a file that cannot be written stops
 * nothing else: its failure is said (`what` and path, why, and what to do) and gives null; the
 * caller writes the year's other files, and the form, all the same.
 */
export async function oneFile<T>(fs: ArchiveFs, path: string, what: string, messages: RunMessage[], write: () => Promise<T>): Promise<T | null> {
  try {
    return await write();
  } catch (error) {
    if (!isFileLocal(error)) throw error;
    messages.push(runMessage('OUTPUT_FILE_NOT_WRITTEN', { what, path: fs.shown(path), detail: `${error.code}：${error.message}` }));
    return null;
  }
}
