import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path, { relative } from 'node:path';
import { ArchiveError, type RunMessage } from '../model/archive-messages.js';
import { build } from '../archive/build.js';
import type { FormRevision } from '../archive/revisions.js';
import { limits } from '../ingest/xlsx/limits.js';
import { outputFiles, type ManifestForm } from '../model/manifest.js';
import type { Finding } from '../model/finding.js';
import type { ProfileChoice, ScoreMode } from '../model/profile.js';
import { visibleLine, visibleText } from '../model/display-text.js';
import { shownPath } from '../model/shown-path.js';
import { template } from '../template-files.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { writeZip } from '../zip/zip-file.js';
import { accessPolicy, hostOf, isLoopbackAddress, newToken, outsideAddresses } from './access.js';
import { batcher } from './batches.js';
import { messageLine as serveLine, ServeError, serveMessage, type ServeMessage } from './messages.js';
import { archiveView, FILES_PREFIX, noteViews, uploadForms, type UploadView } from './results.js';
import { contentDisposition, resolveArchiveFile, sendArchiveFile } from './static-files.js';
import { ticketBook } from './tickets.js';
import { readBody, setAsideUpload, storeUpload, uploadName, uploadsFor } from './uploads.js';

export interface ServeSettings {
  out: string;
  host: string;
  port: number;
  profile: ProfileChoice;
  mode: ScoreMode;
  typeset: Typesetter;
  namePattern?: string;
  /**
   * The secret every request must carry: a fixed one (--token 值, serveToken), `true` for a new
   * random one even on this machine's own address (--token alone), or left out: a random one when
   * the server listens where other computers can reach it, none when only this machine can.
   */
  token?: string | true;
  /** host names the page may be opened under besides this machine's addresses (--allow-host) */
  allowHosts?: string[];
  /** the archive's name on the years' printed reports (config `archiveName`) */
  archiveName?: string;
  /** how long one batch's build waits for another run holding --out's lock */
  waitMs?: number;
  /** largest upload accepted, bytes (the reader's own file limit by default) */
  uploadLimit?: number;
  /** how long the first upload after a quiet spell waits for others to build with it, ms */
  gatherMs?: number;
  /** one line per file built, for the console */
  log: (line: string) => void;
}

export interface RunningServer {
  /** the address to open on this machine, with the token when there is one */
  url: string;
  /** the same page at this machine's addresses on the network (none when only this machine can reach it) */
  outsideUrls: string[];
  token: string | null;
  /** the address listened on (0.0.0.0 for every interface) */
  bound: string;
  server: Server;
  close(): Promise<void>;
}

interface PageView {
  out: string;
  limitBytes: number;
  tooLarge: string;
  nonce: string;
  /** who can open the page, in the mode it runs in */
  who: string;
}

interface RefusedPage {
  code: string;
  message: string;
  /** refused for the host name it was opened under (else for want of the token) */
  host: boolean;
}

/** What one upload's file gave in its batch's build. */
interface Built {
  forms: ManifestForm[];
  notes: Finding[];
  /** the warnings and errors its batch's build said about the archive */
  archive: RunMessage[];
  /** what a corrected file's build changed of its forms' findings */
  revisions: FormRevision[];
}

const SESSIONS_KEPT = 100;
/** At most this many tickets in one status request (a page asks for the ones it still waits for). */
const TICKETS_PER_ASK = 500;
const megabytes = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;
const toPosix = (p: string): string => p.replace(/\\/g, '/');
const NO_STORE = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...NO_STORE });
  res.end(text);
}

function sendMessage(res: ServerResponse, status: number, message: ServeMessage): void {
  sendJson(res, status, { error: message });
}

function sendHtml(res: ServerResponse, status: number, html: string, nonce: string | null): void {
  const script = nonce ? `'nonce-${nonce}'` : "'none'";
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    ...NO_STORE,
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': `default-src 'none'; script-src ${script}; frame-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  });
  res.end(html);
}

const refusedView = (name: string, refused: { code: string; message: string }): UploadView => ({ name: visibleLine(name), stored: null, forms: [], notes: [], archive: [], refused });

/**
 * `ziping serve`: a page where forms are dropped, built into --out like `ziping build` does, and
 * shown with their totals, grades and findings, with links to the copies; and the archive already
 * in --out, by year. Node's own http server; everything the page needs is in the page (no CDN,
 * works offline).
 *
 * Who may use it is access.ts's: on an address other computers reach, only requests carrying the
 * token. Only the page itself may upload: a POST must come from the page's origin with its header
 * (a form on another web site cannot add one without a CORS preflight, which is never granted).
 *
 * An upload is kept beside --out as soon as it has arrived, answered with a ticket, and built with
 * the others that arrive meanwhile (batches.ts): one build at a time, so two never write --out at
 * once, and one build per batch. The page asks for its tickets' state (its place in the queue,
 * then the result). A `ziping build` or `watch` at the same moment is kept apart by the lock on --out.
 */
export async function startServer(settings: ServeSettings): Promise<RunningServer> {
  const limit = settings.uploadLimit ?? limits.fileBytes;
  const uploads = uploadsFor(settings.out);
  // Names are chosen one upload at a time: two files called 表.xlsx must not both take 表.xlsx.
  let storing: Promise<unknown> = Promise.resolve();
  const store = (name: string, bytes: Buffer): Promise<string> => {
    const stored = storing.then(() => storeUpload(uploads, name, bytes));
    storing = stored.catch(() => undefined);
    return stored;
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

  const builds = batcher<Built>(
    async (inputs) => {
      const byFile = new Map<string, Built>();
      // Each build takes --out's lock: a `ziping build` or `watch` at the same moment waits for it, or the batch says who holds it.
      const result = await build(
        inputs,
        {
          out: settings.out,
          profile: settings.profile,
          mode: settings.mode,
          typeset: settings.typeset,
          command: 'ziping serve',
          ...(settings.waitMs === undefined ? {} : { lockTimes: { waitMs: settings.waitMs } }),
          ...(settings.namePattern ? { namePattern: settings.namePattern } : {}),
          ...(settings.archiveName ? { archiveName: settings.archiveName } : {}),
          // A corrected upload replaces the earlier upload of its projects: that one is moved aside, no input any more.
          replaceEarlier: async (earlier, by) => {
            const moved = await setAsideUpload(uploads, earlier, by);
            if (moved) settings.log(`↻ ${path.basename(earlier)} 已由 ${path.basename(by)} 更正替换，原文件移到“${shownPath(moved)}”`);
            return moved !== null;
          },
        },
        (e) => {
          if (e.kind === 'file') byFile.set(e.file, { forms: e.forms, notes: e.notes, revisions: e.revisions, archive: [] });
        },
      );
      // What the build said about the archive goes to the console and to every card of the batch.
      const archive = result.messages.filter((m) => m.severity !== 'info');
      for (const m of result.messages) settings.log(`${m.code}：${m.message}`);
      const results = new Map<string, Built>();
      for (const input of inputs) {
        const built = byFile.get(toPosix(input));
        if (built) results.set(input, { ...built, archive });
      }
      return results;
    },
    // Not built at all (moved away since, or an Office lock file by its name): said as UPLOAD_NOT_BUILT.
    () => ({ forms: [], notes: [], revisions: [], archive: [] }),
    settings.gatherMs,
  );
  const tickets = ticketBook();

  /** What the page shows for one upload once its batch is built (or could not be). */
  async function outcome(given: string, session: string, stored: string, built: Promise<Built>): Promise<UploadView> {
    try {
      const { forms, notes, revisions, archive } = await built;
      if (forms.length === 0 && notes.length === 0) return refusedView(given, serveMessage('UPLOAD_NOT_BUILT', { name: visibleLine(given), folder: shownPath(uploads) }));
      if (session)
        remember(
          session,
          forms.flatMap((f) => outputFiles(f.outputs).map((o) => o.path)),
        );
      for (const f of forms) settings.log(`${f.status === 'error' ? '✗' : '✓'} ${given}${f.projectName ? ` → ${f.projectName}` : ''}${f.grade ? `(${f.grade})` : ''}`);
      return {
        name: visibleLine(given),
        stored: toPosix(relative(uploads, stored)),
        forms: uploadForms({ current: forms, revisions }),
        notes: noteViews(notes),
        archive: archive.map((m) => ({ code: m.code, message: visibleText(m.message) })),
        refused: null,
      };
    } catch (error) {
      return failedView(given, error);
    }
  }

  /**
   * The archive's own errors (the lock held by another run, a full disk, a file open in Excel) are
   * said as they are, with their code; anything else as UPLOAD_FAILED.
   */
  function failedView(given: string, error: unknown): UploadView {
    if (error instanceof ArchiveError || error instanceof ServeError) {
      settings.log(`✗ ${given}：${error.code}：${error.message}`);
      return refusedView(given, { code: error.code, message: visibleText(error.message) });
    }
    const detail = error instanceof Error ? (error.message.split('\n')[0]?.slice(0, 160) ?? '') : String(error);
    settings.log(`✗ ${given}：${detail}`);
    return refusedView(given, serveMessage('UPLOAD_FAILED', { name: visibleLine(given), detail: visibleLine(detail) }));
  }

  async function upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const given = url.searchParams.get('name') ?? '';
    const session = (url.searchParams.get('session') ?? '').replace(/[^A-Za-z0-9-]/g, '').slice(0, 64);
    const name = uploadName(given);
    const body = await readBody(req, limit);
    // A client gone mid-upload: nothing was written (the body is kept in memory until it is whole), nobody to answer.
    if (!body.ok) {
      if (body.reason === 'aborted') settings.log(`✗ ${serveLine(serveMessage('UPLOAD_ABORTED', { name: visibleLine(given) }))}`);
      if (body.reason === 'too-large') sendJson(res, 413, refusedView(given, serveMessage('UPLOAD_TOO_LARGE', { name: visibleLine(given), limit: megabytes(limit) })));
      return;
    }
    // Refusals the page can meet are answered 200 with the reason in the body: a browser logs every
    // 4xx answer as a console error. (A body over the limit is 413: the page checks sizes before sending.)
    if (!name) return sendJson(res, 200, refusedView(given, serveMessage('UPLOAD_NOT_SPREADSHEET', { name: visibleLine(given) })));
    if (body.bytes.length === 0) return sendJson(res, 200, refusedView(given, serveMessage('UPLOAD_EMPTY', { name: visibleLine(given) })));
    let stored: string;
    try {
      stored = await store(name, body.bytes);
    } catch (error) {
      return sendJson(res, 200, failedView(given, error));
    }
    const queued = builds.add(stored);
    const ticket = tickets.open(queued.place, outcome(given, session, stored, queued.done));
    // 202: kept, and queued; the page asks for the result with the ticket.
    sendJson(res, 202, { ticket, name: visibleLine(given), stored: toPosix(relative(uploads, stored)), queue: tickets.status(ticket) });
  }

  function status(res: ServerResponse, url: URL): void {
    const ids = (url.searchParams.get('tickets') ?? '')
      .split(',')
      .filter((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id))
      .slice(0, TICKETS_PER_ASK);
    sendJson(res, 200, { uploads: Object.fromEntries(ids.map((id) => [id, tickets.status(id)])) });
  }

  async function zip(res: ServerResponse, session: string): Promise<void> {
    const parts: Array<{ name: string; data: Uint8Array }> = [];
    for (const path of [...(sessions.get(session) ?? [])].sort()) {
      const file = await resolveArchiveFile(settings.out, path);
      if (file) parts.push({ name: path, data: await readFile(file) });
    }
    if (parts.length === 0) return sendMessage(res, 404, serveMessage('SERVE_NOT_FOUND', { path: '本次上传的文件' }));
    const bytes = writeZip(parts, true);
    res.writeHead(200, {
      'Content-Type': 'application/zip',
      'Content-Length': bytes.length,
      'Content-Disposition': contentDisposition('attachment', '绩效自评表-本次结果.zip'),
      ...NO_STORE,
    });
    res.end(bytes);
  }

  async function sendPage(res: ServerResponse): Promise<void> {
    const nonce = randomBytes(16).toString('base64');
    const html = (await template<PageView>('serve.hbs'))({
      out: visibleLine(shownPath(settings.out)),
      limitBytes: limit,
      // The page checks a file's size before sending it, and says it in the server's words.
      tooLarge: serveMessage('UPLOAD_TOO_LARGE', { name: '{name}', limit: megabytes(limit) }).message,
      nonce,
      who: exposed
        ? '本页在局域网中共享：拿到含令牌完整地址的人都能打开、上传和下载'
        : `本页只在这台电脑上运行，其他电脑打不开${access?.tokenAsked ? '；要用含令牌的完整地址才能打开' : ''}，不连接互联网`,
    });
    sendHtml(res, 200, html, nonce);
  }

  /**
   * Without the token: the same words for every path, none of which names anything in the archive.
   * Under a host name this server does not know: that name, and how whoever runs it lets it in.
   */
  async function refuse(req: IncomingMessage, res: ServerResponse, url: URL, why: 'host' | 'token'): Promise<void> {
    const message =
      why === 'host' ? serveMessage('SERVE_HOST_NOT_ALLOWED', { host: visibleLine(hostOf(req.headers.host)?.name ?? req.headers.host ?? '').slice(0, 100) }) : serveMessage('SERVE_TOKEN_REQUIRED');
    if (url.pathname.startsWith('/api/')) return sendMessage(res, 403, message);
    sendHtml(res, 403, (await template<RefusedPage>('serve-refused.hbs'))({ ...message, host: why === 'host' }), null);
  }

  let origin = '';
  let exposed = false;
  let access: ReturnType<typeof accessPolicy> | null = null;
  const fromPage = (req: IncomingMessage): boolean => req.headers['x-ziping'] === 'upload' && req.headers.origin === `http://${req.headers.host ?? ''}`;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const method = req.method ?? 'GET';
    const allowed = access?.check(req, url) ?? { ok: false, why: 'host' };
    if (!allowed.ok) {
      // A refused request's body is never read, only let through.
      req.resume();
      return refuse(req, res, url, allowed.why);
    }
    if (allowed.setCookie) res.setHeader('Set-Cookie', allowed.setCookie);
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
    if (url.pathname === '/api/uploads') return status(res, url);
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
  // Decided on the address listened on, not the name given: `--host mypc` is as reachable as the address it stands for.
  const token = typeof settings.token === 'string' ? settings.token : settings.token === true || !isLoopbackAddress(address.address) ? newToken() : null;
  exposed = !isLoopbackAddress(address.address);
  access = accessPolicy({ bound: address.address, port: address.port, token, allowHosts: settings.allowHosts ?? [] });
  const at = (host: string): string => `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/${token ? `?token=${token}` : ''}`;
  // Listening on every interface (--host 0.0.0.0): this machine still reaches it at 127.0.0.1.
  const local = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  origin = `http://${local.includes(':') ? `[${local}]` : local}:${address.port}`;
  return {
    url: at(local),
    outsideUrls: outsideAddresses(address.address).map(at),
    token,
    bound: address.address,
    server,
    // A build under way, and the batches queued behind it, finish (their files and the manifest complete, the lock released) before close resolves.
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await builds.idle();
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
