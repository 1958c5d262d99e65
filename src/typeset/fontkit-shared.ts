import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);

interface FontkitModule {
  create(buffer: Uint8Array, family?: string): unknown;
}

/**
 * The fontkit module pdfkit loads, with `create` answered from one parse per font buffer: pdfkit
 * parses every font anew for each document (about 35 ms a form for three CJK faces), while the
 * typesetter has already parsed the same bytes to measure text. Keyed by the Buffer object, so a
 * parse lives as long as the typesetter that holds its bytes.
 */
const pdfkitDir = dirname(require.resolve('pdfkit'));
const fontkitPath = require.resolve('fontkit', { paths: [pdfkitDir] });
const realFontkit = require(fontkitPath) as FontkitModule & Record<string, unknown>;

let reuse = true;
const parsed = new WeakMap<Uint8Array, Map<string, unknown>>();

/** The plain path (a fresh parse per document, as pdfkit does by itself), for comparison tests. */
export function setFontReuse(on: boolean): void {
  reuse = on;
}

export function parseFont(buffer: Uint8Array, family?: string): unknown {
  const byFamily = parsed.get(buffer) ?? new Map<string, unknown>();
  parsed.set(buffer, byFamily);
  const key = family ?? '';
  if (!byFamily.has(key)) byFamily.set(key, realFontkit.create(buffer, family));
  return byFamily.get(key);
}

/** Makes pdfkit's `require('fontkit')` return a fontkit whose `create` goes through `parseFont`. */
export function installSharedFontkit(): void {
  const cached = require.cache[fontkitPath];
  if (!cached || (cached.exports as { zipingShared?: boolean }).zipingShared) return;
  const create = (buffer: Uint8Array, family?: string): unknown => (reuse ? parseFont(buffer, family) : realFontkit.create(buffer, family));
  cached.exports = { ...realFontkit, zipingShared: true, create };
}
