import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { isDeviceName } from '../archive/safe-name.js';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.pdf': 'application/pdf',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.xls': 'application/vnd.ms-excel',
  '.json': 'application/json; charset=utf-8',
};

/**
 * The archive's own pages carry one inline script (sorting, filtering) and inline styles; they
 * fetch nothing. A copy put in --out by hand gets no more than that either.
 */
const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

/** No file of the archive has a longer name than file systems keep (255 bytes), nor a path over 1,024 bytes (its names are cut to 90). */
const MAX_SEGMENT_BYTES = 255;
const MAX_PATH_BYTES = 1024;

/**
 * A segment of a `/files/…` path that may name a file of the archive: not empty, `.` or `..`; no
 * separator of any system (a `%2f` or `%5c` decoded), NUL, other controls or `:` (a drive, a
 * Windows stream); no leading dot (the archive's own records, lock and temporaries); no trailing
 * dot or space (Windows drops them, so `index.html.` would be another name for `index.html`); no
 * Windows device name (`CON.xlsx` opens the console there); and no longer than a name can be.
 */
function fileSegment(s: string): boolean {
  if (s === '' || s.startsWith('.') || /[. ]$/.test(s) || /[\\/:\u0000-\u001f\u007f]/.test(s)) return false;
  return !isDeviceName(s) && Buffer.byteLength(s) <= MAX_SEGMENT_BYTES;
}

/**
 * The file under `root` that a `/files/…` path names, or null: each segment decoded once and
 * checked (fileSegment), only the types the archive holds, and the real path (links resolved)
 * still inside the real root — nothing outside --out is ever read.
 */
export async function resolveArchiveFile(root: string, urlPath: string): Promise<string | null> {
  let segments: string[];
  try {
    segments = urlPath.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
  if (Buffer.byteLength(segments.join('/')) > MAX_PATH_BYTES || !segments.every(fileSegment)) return null;
  if (!(extname(segments.at(-1) ?? '').toLowerCase() in types)) return null;
  try {
    const realRoot = await realpath(root);
    const real = await realpath(join(realRoot, ...segments));
    if (!real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) return null;
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

/**
 * A Content-Disposition that keeps a Chinese file name in every browser: RFC 6266's `filename*`
 * in UTF-8, percent-encoded as RFC 5987 asks (which encodes `'()*` too, unlike
 * encodeURIComponent), and before it a plain ASCII `filename` for the few clients that read only
 * that: the name's ASCII letters and digits with its extension, or `download` and the extension
 * when nothing of the name is ASCII.
 */
export function contentDisposition(kind: 'attachment' | 'inline', name: string): string {
  const ext = extname(name);
  const stem = name
    .slice(0, name.length - ext.length)
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[_.]+|_+$/g, '');
  const fallback = `${stem || 'download'}${ext.replace(/[^A-Za-z0-9.]/g, '')}`;
  const encoded = encodeURIComponent(name).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Sends a file of the archive; `download` asks the browser to save it under its own (Chinese) name. */
export async function sendArchiveFile(res: ServerResponse, path: string, download: boolean): Promise<void> {
  const info = await stat(path);
  const name = path.slice(path.lastIndexOf(sep) + 1);
  const headers: Record<string, string | number> = {
    'Content-Type': types[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'X-Content-Type-Options': 'nosniff',
    // Budget files: not kept in the cache of a browser a whole office may share.
    'Cache-Control': 'no-store',
    'Content-Security-Policy': PAGE_POLICY,
  };
  // Shown in the browser, a PDF still keeps its name when the viewer saves it.
  headers['Content-Disposition'] = contentDisposition(download ? 'attachment' : 'inline', name);
  res.writeHead(200, headers);
  await new Promise<void>((resolve) => {
    const stream = createReadStream(path);
    stream.on('error', () => {
      res.destroy();
      resolve();
    });
    stream.on('end', () => resolve());
    stream.pipe(res);
  });
}
