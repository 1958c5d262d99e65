import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMP_PREFIX } from './write-atomic.js';

/** Removes temporaries left by a run that was killed mid-write; they are never complete files. */
export async function sweepTemporaries(out: string): Promise<number> {
  const entries = await readdir(out, { recursive: true, withFileTypes: true }).catch(() => []);
  let removed = 0;
  for (const e of entries) {
    if (e.isFile() && e.name.startsWith(TEMP_PREFIX)) {
      await rm(join(e.parentPath, e.name), { force: true });
      removed++;
    }
  }
  return removed;
}
