import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, rename } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { REPLACED_FOLDER, UPLOADS_FOLDER_SUFFIX } from '../archive/discover.js';
import { safeSegment } from '../archive/safe-name.js';
import { writeAtomic } from '../archive/write-atomic.js';
import { visibleLine } from '../model/display-text.js';
import { shownPath } from '../model/shown-path.js';
import { ServeError, serveMessage } from './messages.js';

/**
 * Where the page's uploads are kept: beside --out, named after it (归档 → 归档-上传的表格). They
 * must stay on disk, since the manifest knows forms by their source and a build treats a form
 * whose source is gone as removed; and not inside --out, whose files are outputs, never inputs
 * (a build refuses an input there: INPUT_INSIDE_OUT).
 */
export const UPLOAD_SUFFIX = UPLOADS_FOLDER_SUFFIX;

export function uploadsFor(out: string): string {
  const abs = path.resolve(out);
  return path.join(path.dirname(abs), `${path.basename(abs) || '归档'}${UPLOAD_SUFFIX}`);
}

/**
 * The name a browser gave an uploaded file, as one safe name: only its last segment, whichever
 * separator the sending system used (a Windows browser may send `C:\fakepath\表.xlsx`, a crafted
 * request `..\..\表.xlsx`), cleaned as output names are (no `:*?"<>|`, no device names, no
 * trailing dot), with its extension in lower case. Null when it is no spreadsheet.
 */
export function uploadName(given: string): string | null {
  const last = given.split(/[\\/]/).pop() ?? '';
  const m = /^(.*)\.(xlsx|xls)$/i.exec(last.trim());
  if (!m) return null;
  return `${safeSegment(m[1] ?? '', '上传的表格')}.${(m[2] ?? 'xlsx').toLowerCase()}`;
}

/** Whether `name` joined to `root` stays inside it, by the rules of the given path flavour (posix here, win32 on Windows). */
export function staysInside(root: string, name: string, flavour: path.PlatformPath = path): boolean {
  const r = flavour.resolve(root);
  const p = flavour.resolve(r, name);
  const rel = flavour.relative(r, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${flavour.sep}`) && !flavour.isAbsolute(rel);
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Keeps an upload in `folder` (see uploadsFor) and returns its path. Nothing is overwritten: many units
 * call their file 项目支出绩效自评表.xlsx, and a second one replacing the first would take the
 * first one's project out of the archive. The same name with the same bytes is the file already
 * there (an upload repeated); other bytes get the next free name: 表-2.xlsx, 表-3.xlsx…
 */
export async function storeUpload(folder: string, name: string, bytes: Buffer): Promise<string> {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = [name.slice(0, dot), name.slice(dot)];
  const digest = sha256(bytes);
  for (let n = 1; n < 10_000; n++) {
    const candidate = n === 1 ? name : `${stem}-${n}${ext}`;
    if (!staysInside(folder, candidate)) throw new ServeError(serveMessage('UPLOAD_NAME_UNSAFE', { name: visibleLine(name), folder: shownPath(folder) }));
    const target = path.join(folder, candidate);
    const existing = await readFile(target).catch(() => null);
    if (existing && sha256(existing) === digest) return target;
    if (existing) continue;
    await writeAtomic(target, bytes);
    return target;
  }
  throw new ServeError(serveMessage('UPLOAD_NO_FREE_NAME', { name: visibleLine(name), folder: shownPath(folder) }));
}

/**
 * An earlier upload that a corrected one replaces (both kept in `folder`, the uploads folder): moved,
 * never deleted, into its `已被更正替换` folder (under the next free name there), where no build
 * reads it. Returns where it went; null when `earlier` or `by` is not an upload of this folder (a
 * file of the user's elsewhere is never moved) or the move failed (then both stay inputs: a duplicate).
 */
export async function setAsideUpload(folder: string, earlier: string, by: string): Promise<string | null> {
  const root = path.resolve(folder);
  const here = (file: string): boolean => path.dirname(path.resolve(file)) === root;
  if (!here(earlier) || !here(by)) return null;
  const aside = path.join(root, REPLACED_FOLDER);
  const name = path.basename(earlier);
  const dot = name.lastIndexOf('.');
  try {
    await mkdir(aside, { recursive: true });
    for (let n = 1; n < 10_000; n++) {
      const target = path.join(aside, n === 1 ? name : `${name.slice(0, dot)}-${n}${name.slice(dot)}`);
      if (await lstat(target).catch(() => null)) continue;
      await rename(path.resolve(earlier), target);
      return target;
    }
  } catch {
    return null;
  }
  return null;
}

export type Body = { ok: true; bytes: Buffer } | { ok: false; reason: 'too-large' | 'aborted' };

/**
 * A request body of at most `limit` bytes. A larger one is read to its end and thrown away, so
 * the browser gets the answer that says why (a connection cut mid-upload shows only a network
 * error); past `4 × limit` the connection is cut all the same, so nobody can keep the server busy.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > limit;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
      else if (size > 4 * limit) {
        req.destroy();
        resolve({ ok: false, reason: 'too-large' });
      }
    });
    req.on('end', () => resolve(tooLarge ? { ok: false, reason: 'too-large' } : { ok: true, bytes: Buffer.concat(chunks) }));
    req.on('error', () => resolve({ ok: false, reason: tooLarge ? 'too-large' : 'aborted' }));
    req.on('aborted', () => resolve({ ok: false, reason: 'aborted' }));
  });
}
