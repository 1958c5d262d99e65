import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';

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

/**
 * The file under `root` that a `/files/…` path names, or null: each segment decoded once, no
 * empty, `.`, `..`, NUL or separator inside a segment, only the types the archive holds, and the
 * real path (links resolved) still inside the real root — nothing outside --out is ever read.
 */
export async function resolveArchiveFile(root: string, urlPath: string): Promise<string | null> {
  let segments: string[];
  try {
    segments = urlPath.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
  if (segments.some((s) => s === '' || s === '.' || s === '..' || /[\\/\0:]/.test(s))) return null;
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

/** Sends a file of the archive; `download` asks the browser to save it under its own (Chinese) name. */
export async function sendArchiveFile(res: ServerResponse, path: string, download: boolean): Promise<void> {
  const info = await stat(path);
  const name = path.slice(path.lastIndexOf(sep) + 1);
  const headers: Record<string, string | number> = {
    'Content-Type': types[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
    'Content-Security-Policy': PAGE_POLICY,
  };
  // RFC 6266: an ASCII fallback, and the UTF-8 name every current browser uses.
  if (download) headers['Content-Disposition'] = `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
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
