import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding ziping's package.json, found by walking up from this module: the sources
 * (src/), the bundle (dist/) and an installed copy (node_modules/ziping/dist/) sit at different
 * depths, and fonts/, templates/ and profiles are found from here in all three.
 */
function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'ziping') return dir;
    if (dirname(dir) === dir) throw new Error(`ziping: package.json not found above ${start}`);
  }
}

export const packageRoot = findRoot(dirname(fileURLToPath(import.meta.url)));
export const packageJson = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { name: string; version: string };
