import type { ArchiveFs } from '../archive/archive-fs.js';
import { runMessage, type RunMessage } from '../model/archive-messages.js';

/**
 * Removes files a department folder had from the last build (a combined PDF, a 复核意见.xlsx) that
 * no longer belong there: only files this tool wrote (the previous manifest says which, with their
 * sha256) and only while they still hold what it wrote; the folder goes too when left empty.
 */
export async function removeWritten(fs: ArchiveFs, previous: Array<{ path: string; sha256: string }>, kept: Set<string>, code: 'COMBINED_PDF_REMOVED' | 'REVIEW_SHEET_REMOVED'): Promise<RunMessage[]> {
  const messages: RunMessage[] = [];
  for (const old of previous) {
    if (kept.has(old.path) || (await fs.hash(old.path)) !== old.sha256) continue;
    if (await fs.remove(old.path)) {
      messages.push(runMessage(code, { path: fs.shown(old.path) }));
      await fs.removeEmptyDirs(old.path);
    }
  }
  return messages;
}
