import { posix } from 'node:path';
import type { RunMessage } from '../model/archive-messages.js';
import type { AnnotatedCopy } from '../model/manifest.js';
import { ANNOTATED_FOLDER } from '../reports/review-sheets.js';
import { archiveError } from '../model/archive-messages.js';
import { sha256Hex, type ArchiveFs } from './archive-fs.js';
import { placeOwnFile } from './own-files.js';
import { isInside } from './safe-name.js';

/** `<folder>/复核批注/<name>.xlsx` beside the form's own copies (`base` is their path without extension). */
export const annotatedPath = (base: string): string => posix.join(posix.dirname(base), ANNOTATED_FOLDER, `${posix.basename(base)}.xlsx`);

/**
 * Writes a form's annotated copy beside its copies and returns what the manifest records of it;
 * null when it was not written, said in `messages`: a file there that no manifest records (a
 * unit's own notes) is kept (see placeOwnFile).
 */
export async function writeAnnotatedCopy(fs: ArchiveFs, base: string, bytes: Uint8Array, claimed: Set<string>, messages: RunMessage[]): Promise<AnnotatedCopy | null> {
  const path = annotatedPath(base);
  if (!isInside(fs.root, path)) throw archiveError('PATH_OUTSIDE', { path: fs.shown(path), out: fs.shown('') });
  const placed = await placeOwnFile(fs, path, bytes, claimed.has(path.toLowerCase()), '批注副本');
  if (typeof placed !== 'string') {
    messages.push(placed);
    return null;
  }
  if (placed === 'write') await fs.write(path, bytes);
  return { path, sha256: sha256Hex(bytes) };
}
