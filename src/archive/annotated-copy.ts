import { posix } from 'node:path';
import { archiveError, type RunMessage } from '../model/archive-messages.js';
import type { AnnotatedCopy, ManifestForm } from '../model/manifest.js';
import { ANNOTATED_FOLDER } from '../reports/review-sheets.js';
import { sha256Hex, type ArchiveFs } from './archive-fs.js';
import { writeOwnFile } from './own-files.js';
import { isInside } from './safe-name.js';

/** `<folder>/复核批注/<name>.xlsx` beside the form's own copies (`base` is their path without extension). */
export const annotatedPath = (base: string): string => posix.join(posix.dirname(base), ANNOTATED_FOLDER, `${posix.basename(base)}.xlsx`);

/**
 * Writes a form's annotated copy beside its copies, on its own: the form is written and counted
 * whatever becomes of it. `record` is what the manifest records; `current` whether that is the copy
 * of this form as it is now (else the form keeps no fingerprint, so the next run tries again).
 * - a file there that no manifest records (a unit's own notes) is kept and said: no record;
 * - a copy that cannot be written (open in Excel) is said; the one the last build wrote there keeps
 *   its record, so it stays the archive's to replace next time.
 */
export async function writeAnnotatedCopy(
  fs: ArchiveFs,
  base: string,
  bytes: Uint8Array,
  context: { claimed: Set<string>; previous: ManifestForm[]; messages: RunMessage[] },
): Promise<{ record: AnnotatedCopy | null; current: boolean }> {
  const path = annotatedPath(base);
  if (!isInside(fs.root, path)) throw archiveError('PATH_OUTSIDE', { path: fs.shown(path), out: fs.shown('') });
  const done = await writeOwnFile(fs, path, bytes, context.claimed.has(path.toLowerCase()), '批注副本', context.messages);
  if (done === 'written' || done === 'same') return { record: { path, sha256: sha256Hex(bytes) }, current: true };
  const earlier = done === 'failed' ? context.previous.find((f) => f.annotated?.path.toLowerCase() === path.toLowerCase())?.annotated : undefined;
  return { record: earlier ?? null, current: false };
}
