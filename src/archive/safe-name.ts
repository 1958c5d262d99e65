import { resolve, sep } from 'node:path';

// Windows takes `NUL .txt` for the device too: it drops the extension, then trailing spaces.
const reserved = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)\s*(\..*)?$/i;
/** Whether Windows takes a file name for a device (CON.xlsx is the console, whatever the extension). */
export const isDeviceName = (name: string): boolean => reserved.test(name);
/** Names the archive itself uses beside the forms; a form's folder or file may not take them. */
const archiveNames = /^(index\.html|汇总表\.xlsx|年度报告\.pdf|manifest\.json)$/i;
/**
 * 90 bytes (30 Chinese characters) per folder or file name keeps out/<年度>/<部门>/<项目>.pdf well
 * under Windows' 260-character path limit; longer names are cut, and clashes get a suffix.
 */
const MAX_SEGMENT_BYTES = 90;

function truncateBytes(text: string, max: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const b = Buffer.byteLength(ch);
    if (bytes + b > max) break;
    out += ch;
    bytes += b;
  }
  return out;
}

/**
 * One path segment that is valid on Windows and POSIX alike: no separators or `:*?"<>|`, no
 * control characters, no leading or trailing dot, no trailing space, no device names (CON, NUL…),
 * no `.`/`..`, and short enough that folder + name stay under common limits.
 */
export function safeSegment(text: string, fallback = '未命名'): string {
  let s = text
    .normalize('NFC')
    // Controls, and the invisible direction marks and overrides: U+202E in a name makes
    // “…\u202Efdp.exe” read as “…exe.pdf” in a file manager.
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[<>:"/\\|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim();
  s = truncateBytes(s, MAX_SEGMENT_BYTES)
    .replace(/[. ]+$/, '')
    .trim();
  if (s === '' || /^\.+$/.test(s)) s = fallback;
  // A leading dot would hide the file and could look like the archive's own dot names (its lock,
  // its temporaries `.ziping-tmp-…`, its records): outputs never start with one.
  if (reserved.test(s) || archiveNames.test(s) || s.startsWith('.')) s = `_${s}`;
  return s;
}

/** True when `path` lies inside `root` (after resolving `..`). */
export function isInside(root: string, path: string): boolean {
  const r = resolve(root);
  const p = resolve(root, path);
  return p === r || p.startsWith(r.endsWith(sep) ? r : r + sep);
}
