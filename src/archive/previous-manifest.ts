import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Manifest } from '../model/manifest.js';

/** The manifest of the last build in `out`, or null when there is none or it cannot be trusted. */
export async function previousManifest(out: string): Promise<Manifest | null> {
  const text = await readFile(join(out, 'manifest.json'), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const parsed = Manifest.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
