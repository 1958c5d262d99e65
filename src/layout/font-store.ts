import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type * as fontkit from 'fontkit';
import { facePath, type FaceName } from './fonts.js';

const require = createRequire(import.meta.url);

interface FontkitModule {
  create(buffer: Uint8Array, family?: string): unknown;
}

/**
 * One copy of each face per thread: its bytes, read once, and its fontkit parse, made once. The
 * layout measures text with it and pdfkit embeds from it — through the same fontkit module pdfkit
 * loads, so pdfkit's per-document `fontkit.create` (about 35 ms a form for three CJK faces) is
 * answered from here instead of parsing again.
 */
const pdfkitDir = dirname(require.resolve('pdfkit'));
const fontkitPath = require.resolve('fontkit', { paths: [pdfkitDir] });
const realFontkit = require(fontkitPath) as FontkitModule & Record<string, unknown>;

let reuse = true;
const parsed = new WeakMap<Uint8Array, Map<string, unknown>>();
const bytes = new Map<string, Buffer>();

/** The plain path (a fresh parse per document, as pdfkit does by itself), for comparison tests. */
export function setFontReuse(on: boolean): void {
  reuse = on;
}

function parse(buffer: Uint8Array, family?: string): unknown {
  if (!reuse) return realFontkit.create(buffer, family);
  const byFamily = parsed.get(buffer) ?? new Map<string, unknown>();
  parsed.set(buffer, byFamily);
  const key = family ?? '';
  if (!byFamily.has(key)) byFamily.set(key, realFontkit.create(buffer, family));
  return byFamily.get(key);
}

/** Makes pdfkit's `require('fontkit')` return a fontkit whose `create` goes through `parse`. */
export function installSharedFontkit(): void {
  const cached = require.cache[fontkitPath];
  if (!cached || (cached.exports as { zipingShared?: boolean }).zipingShared) return;
  cached.exports = { ...realFontkit, zipingShared: true, create: parse };
}

export function faceBytes(face: FaceName): Buffer {
  const path = facePath(face);
  let b = bytes.get(path);
  if (!b) {
    b = readFileSync(path);
    bytes.set(path, b);
  }
  return b;
}

export function faceFont(face: FaceName): fontkit.Font {
  const buffer = faceBytes(face);
  const font = reuse ? parse(buffer) : (parsed.get(buffer)?.get('') ?? parse(buffer));
  return font as fontkit.Font;
}
