import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { relative } from 'node:path';
import { build } from '../archive/build.js';
import { limits } from '../ingest/xlsx/limits.js';
import { ArchiveError, messageLine } from '../model/archive-messages.js';
import { outputFiles } from '../model/manifest.js';
import type { ProfileChoice, ScoreMode } from '../model/profile.js';
import { visibleLine, visibleText } from '../model/display-text.js';
import { template } from '../template-files.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { writeZip } from '../zip/zip-file.js';
import { serveMessage, type ServeMessage } from './messages.js';
import { archiveView, FILES_PREFIX, noteViews, uploadForms, type UploadView } from './results.js';
import { resolveArchiveFile, sendArchiveFile } from './static-files.js';
import { readBody, storeUpload, uploadName, uploadsFor } from './uploads.js';

export interface ServeSettings {
  out: string;
  host: string;
  port: number;
  profile: ProfileChoice;
  mode: ScoreMode;
  typeset: Typesetter;
  namePattern?: string;
  /** how long one upload's build waits for another run holding --out's lock */
  waitMs?: number;
  /** largest upload accepted, bytes (the reader's own file limit by default) */
  uploadLimit?: number;
  /** one line per file built, for the console */
  log: (line: string) => void;
}

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

interface PageView {
  out: string;
  limitBytes: number;
  tooLarge: string;
  nonce: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const SESSIONS_KEPT = 100;
const megabytes = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}

function sendMessage(res: ServerResponse, status: number, message: ServeMessage): void {
  sendJson(res, status, { error: message });
}

const refusedView = (name: string, refused: { code: string; message: string }): UploadView => ({ name: visibleLine(name), stored: null, forms: [], notes: [], refused });

/**
 * `ziping serve`: a page on this machine where forms are dropped, built into --out like `ziping
 * build` does, and shown with their totals, grades and findings, with links to the copies; and the
 * archive already in --out, by year. Node's own http server; everything the page needs is in the
 * page (no CDN, works offline).
 *
 * Only the page itself may upload: a POST must come from the page's origin with its header (a
 * form on another web site cannot add one without a CORS preflight, which is never granted), and
 * on a loopback address the Host must be that address (DNS rebinding). Builds run one at a time
 * through one queue, so two uploads never write --out at once. (A `ziping build` run at the same
 * moment from the command line is kept apart by the lock on --out of issue 13, once that is in.)
 */
export async function startServer(settings: ServeSettings): Promise<RunningServer> {
  const limit = settings.uploadLimit ?? limits.fileBytes;
  const uploads = uploadsFor(settings.out);
  const loopback = LOOPBACK.has(settings.host);
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };
  // The outputs each page session produced, for its zip; the oldest sessions are forgotten.
  const sessions = new Map<string, Set<string>>();
  const remember = (session: string, paths: string[]): void => {
    const set = sessions.get(session) ?? new Set<string>();
    for (const p of paths) set.add(p);
    sessions.delete(session);
    sessions.set(session, set);
    while (sessions.size > SESSIONS_KEPT) sessions.delete(sessions.keys().next().value ?? '');
  };

  let origin = '';
  const allowedHost = (req: IncomingMessage): boolean => {
    if (!loopback) return true;
    const port = new URL(origin).port;
    return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(req.headers.host ?? '');
  };
  const fromPage = (req: IncomingMessage): boolean => req.headers['x-ziping'] === 'upload' && req.headers.origin === `http://${req.headers.host ?? ''}`;

  async function upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const given = url.searchParams.get('name') ?? '';
    const session = (url.searchParams.get('session') ?? '').replace(/[^A-Za-z0-9-]/g, '').slice(0, 64);
    const name = uploadName(given);
    const body = await readBody(req, limit);
    if (!body.ok) {
      if (body.reason === 'too-large') sendJson(res, 413, refusedView(given, serveMessage('UPLOAD_TOO_LARGE', { name: visibleLine(given), limit: megabytes(limit) })));
      return;
    }
    // Refusals the page can meet are answered 200 with the reason in the body: a browser logs every
    // 4xx answer as a console error. (A body over the limit is 413: the page checks sizes before sending.)
    if (!name) return sendJson(res, 200, refusedView(given, serveMessage('UPLOAD_NOT_SPREADSHEET', { name: visibleLine(given) })));
    if (body.bytes.length === 0) return sendJson(res, 200, refusedView(given, serveMessage('UPLOAD_EMPTY', { name: visibleLine(given) })));
    try {
      const view = await serial(async (): Promise<UploadView> => {
        const stored = await storeUpload(uploads, name, body.bytes);
        // Each build takes --out's lock: a `ziping build` or `watch` at the same moment waits for it, or this upload says who holds it.
        const result = await build([stored], {
          out: settings.out,
          profile: settings.profile,
          mode: settings.mode,
          typeset: settings.typeset,
          command: 'ziping serve',
          ...(settings.waitMs === undefined ? {} : { lockTimes: { waitMs: settings.waitMs } }),
          ...(settings.namePattern ? { namePattern: settings.namePattern } : {}),
        });
        if (session)
          remember(
            session,
            result.current.flatMap((f) => outputFiles(f.outputs).map((o) => o.path)),
          );
        for (const f of result.current) settings.log(`${f.status === 'error' ? '✗' : '✓'} ${given}${f.projectName ? ` → ${f.projectName}` : ''}${f.grade ? `(${f.grade})` : ''}`);
        return { name: visibleLine(given), stored: relative(uploads, stored).replace(/\\/g, '/'), forms: uploadForms(result), notes: noteViews(result.notes), refused: null };
      });
      sendJson(res, 200, view);
    } catch (error) {
      // The archive's own errors (the lock held by another run, a full disk, a file open in Excel)
      // are said as they are, with their code; anything else as UPLOAD_FAILED.
      if (error instanceof ArchiveError) {
        settings.log(`✗ ${given}：${messageLine(error)}`);
        return sendJson(res, 200, refusedView(given, { code: error.code, message: visibleText(error.message) }));
      }
      const detail = error instanceof Error ? (error.message.split('\n')[0]?.slice(0, 160) ?? '') : String(error);
      settings.log(`✗ ${given}：${detail}`);
      sendJson(res, 500, refusedView(given, serveMessage('UPLOAD_FAILED', { name: visibleLine(given), detail: visibleLine(detail) })));
    }
  }

  async function zip(res: ServerResponse, session: string): Promise<void> {
    const parts: Array<{ name: string; data: Uint8Array }> = [];
    for (const path of [...(sessions.get(session) ?? [])].sort()) {
      const file = await resolveArchiveFile(settings.out, path);
      if (file) parts.push({ name: path, data: await readFile(file) });
    }
    if (parts.length === 0) return sendMessage(res, 404, serveMessage('SERVE_NOT_FOUND', { path: '本次上传的文件' }));
    const bytes = writeZip(parts, true);
    const name = '绩效自评表-本次结果.zip';
    res.writeHead(200, {
      'Content-Type': 'application/zip',
      'Content-Length': bytes.length,
      'Content-Disposition': `attachment; filename="results.zip"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(bytes);
  }

  async function sendPage(res: ServerResponse): Promise<void> {
    const nonce = randomBytes(16).toString('base64');
    const html = (await template<PageView>('serve.hbs'))({
      out: visibleLine(settings.out),
      limitBytes: limit,
      // The page checks a file's size before sending it, and says it in the server's words.
      tooLarge: serveMessage('UPLOAD_TOO_LARGE', { name: '{name}', limit: megabytes(limit) }).message,
      nonce,
    });
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(html),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; frame-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    });
    res.end(html);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHost(req)) return sendMessage(res, 403, serveMessage('SERVE_FORBIDDEN'));
    const url = new URL(req.url ?? '/', origin);
    const method = req.method ?? 'GET';
    if (method === 'POST' && url.pathname === '/api/upload') {
      if (!fromPage(req)) {
        req.resume();
        return sendMessage(res, 403, serveMessage('SERVE_FORBIDDEN'));
      }
      return upload(req, res, url);
    }
    if (method !== 'GET' && method !== 'HEAD') {
      req.resume();
      return sendMessage(res, 405, serveMessage('UPLOAD_BAD_REQUEST', { detail: `不支持 ${visibleLine(method)}` }));
    }
    if (url.pathname === '/') return sendPage(res);
    if (url.pathname === '/api/archive') return sendJson(res, 200, await archiveView(settings.out));
    const zipped = /^\/api\/sessions\/([A-Za-z0-9-]{1,64})\/all\.zip$/.exec(url.pathname);
    if (zipped) return zip(res, zipped[1] ?? '');
    if (url.pathname.startsWith(FILES_PREFIX)) {
      const file = await resolveArchiveFile(settings.out, url.pathname.slice(FILES_PREFIX.length));
      if (file) return sendArchiveFile(res, file, url.searchParams.has('download'));
    }
    sendMessage(res, 404, serveMessage('SERVE_NOT_FOUND', { path: visibleLine(decodeURIComponentSafe(url.pathname)) }));
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      // Whatever one request meets, the server goes on answering the others.
      settings.log(`✗ ${req.method ?? ''} ${req.url ?? ''}：${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) sendMessage(res, 500, serveMessage('UPLOAD_FAILED', { name: visibleLine(req.url ?? ''), detail: '请求处理出错' }));
      else res.destroy();
    });
  });
  // A client that stops mid-request must not hold a socket for ever.
  server.requestTimeout = 5 * 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  // Listening on every interface (--host 0.0.0.0): this machine still reaches it at 127.0.0.1.
  const shown = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  origin = `http://${shown}:${address.port}`;
  return {
    url: `${origin}/`,
    server,
    // A build under way finishes (its files and the manifest complete, the lock released) before close resolves.
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await queue;
    },
  };
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
