import { isAbsolute, relative, sep } from 'node:path';
import { outputFiles, type Manifest } from '../model/manifest.js';
import { ROOT_INDEX_FILE } from '../reports/archive-index.js';
import { UNKNOWN_YEAR } from '../reports/year-folder.js';
import { LOCK_FILE } from './lock.js';
import { MANIFEST_FILE, RECORDS_DIR } from './manifest-file.js';
import { TEMP_PREFIX } from './write-atomic.js';

/**
 * What the archive writes in its output folder, by top-level entry: its manifest (and the damaged
 * copies it sets aside), its lock, its records, its own page, the year folders (a year's pages are
 * always at <年度>/), and the folder of every output it has recorded (a name pattern may file forms
 * outside the year folders). Nothing else there is the archive's: an inbox beside the year folders
 * is an input like any other, and the user's files stay as they are.
 */
export class ArchiveAreas {
  private readonly names = new Set<string>();

  /**
   * @param root real path of the output folder
   * @param previous the manifest as the run found it (what it recorded writing)
   */
  constructor(
    readonly root: string,
    previous: Manifest | null,
  ) {
    const recorded = [
      ...(previous?.forms ?? []).flatMap((f) => outputFiles(f.outputs).map((o) => o.path)),
      ...(previous?.removed ?? []).flatMap((r) => r.outputs),
      ...(previous?.yearReports ?? []).flatMap((y) => [y.index, y.summary, ...(y.combined ?? []).map((c) => c.path)]),
    ];
    for (const name of [MANIFEST_FILE, LOCK_FILE, ROOT_INDEX_FILE, RECORDS_DIR.split('/')[0] ?? '', UNKNOWN_YEAR, ...recorded.map((p) => p.split('/')[0] ?? '')]) this.names.add(name.toLowerCase());
  }

  /** Whether a real path is the output folder itself or lies in what the archive writes there. */
  owns(real: string): boolean {
    const rel = relative(this.root, real);
    if (rel === '') return true;
    if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return false;
    // Windows and macOS compare names without case; an entry the archive owns in any case is its.
    const first = (rel.split(sep)[0] ?? '').toLowerCase();
    return this.names.has(first) || /^\d+$/.test(first) || first.startsWith(`${MANIFEST_FILE}.`) || first.startsWith(TEMP_PREFIX);
  }
}
