import { runMessage, type RunMessage } from '../model/archive-messages.js';
import { oneFile } from './one-file.js';
import { formFiles, type Manifest } from '../model/manifest.js';
import { sha256Hex, type ArchiveFs } from './archive-fs.js';

/**
 * Every file the last manifest says the archive wrote (lower case, as Windows compares names): the
 * forms' copies and annotated copies, the outputs of removed inputs, each year's pages, report,
 * combined PDFs and review sheets. Anything else in the output folder is someone's, or was left by
 * a run whose manifest was never written.
 */
export function claimedPaths(previous: Manifest | null): Set<string> {
  const claimed = new Set<string>();
  for (const f of previous?.forms ?? []) for (const o of formFiles(f)) claimed.add(o.path.toLowerCase());
  for (const r of previous?.removed ?? []) for (const o of r.outputs) claimed.add(o.toLowerCase());
  for (const y of previous?.yearReports ?? []) {
    for (const p of [y.index, y.summary, ...(y.report ? [y.report.path] : [])]) claimed.add(p.toLowerCase());
    for (const c of [...(y.combined ?? []), ...(y.review ?? [])]) claimed.add(c.path.toLowerCase());
  }
  return claimed;
}

/**
 * What to do with a file the archive makes from its forms under a fixed name (a year's 年度报告.pdf,
 * a department's 复核意见.xlsx and 合并打印.pdf, a form's annotated copy), given whether the last
 * manifest records that path as the archive's:
 * - `write`: it is the archive's, or nothing is there (what else is there, a folder, is the write's to refuse);
 * - `same`: an unrecorded file that holds exactly these bytes, as a run killed before its manifest leaves it: taken back as it is;
 * - a message: an unrecorded file with other content is someone's own (an office's hand-made report,
 *   a unit's own review sheet, `--out .` over the user's folders): kept, nothing written there, and
 *   the message says where the archive's file would have gone and what to do.
 */
export async function placeOwnFile(fs: ArchiveFs, path: string, bytes: Uint8Array, recorded: boolean, what: string): Promise<'write' | 'same' | RunMessage> {
  if (recorded) return 'write';
  const found = await fs.hashOf(path);
  if (found.kind !== 'file') return 'write';
  if (found.sha256 === sha256Hex(bytes)) return 'same';
  return runMessage('OUTPUT_UNCLAIMED_KEPT', { path: fs.shown(path), what });
}

/**
 * Writes a file the archive makes from its forms as placeOwnFile decides, on its own (oneFile):
 * `written`, `same` (the file there was already these bytes: taken back), `kept` (someone's file
 * there, kept and said) or `failed` (it could not be written, said): the last two write nothing.
 */
export async function writeOwnFile(fs: ArchiveFs, path: string, bytes: Uint8Array, recorded: boolean, what: string, messages: RunMessage[]): Promise<'written' | 'same' | 'kept' | 'failed'> {
  const done = await oneFile(fs, path, what, messages, async () => {
    const placed = await placeOwnFile(fs, path, bytes, recorded, what);
    if (typeof placed !== 'string') {
      messages.push(placed);
      return 'kept' as const;
    }
    if (placed === 'same') return 'same' as const;
    await fs.write(path, bytes);
    return 'written' as const;
  });
  return done ?? 'failed';
}
