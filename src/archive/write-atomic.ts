import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const TEMP_PREFIX = '.ziping-tmp-';

/**
 * Writes to a temporary name in the same folder, then renames into place: a run killed at any
 * moment leaves the old file or the new one, never half of one. Leftover temporaries are swept by
 * the next build. `sync` also flushes to disk first (power loss); the manifest uses it, the many
 * form files do not (it would cost more than rendering them).
 */
export async function writeAtomic(path: string, data: Buffer | Uint8Array | string, options: { sync?: boolean } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `${TEMP_PREFIX}${randomBytes(6).toString('hex')}-${basename(path)}`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    if (options.sync) await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
