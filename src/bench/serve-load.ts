import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { basename, join } from 'node:path';
import { Manifest } from '../model/manifest.js';
import { loadProfile } from '../profiles/load-profile.js';
import type { UploadView } from '../serve/results.js';
import type { TicketStatus } from '../serve/tickets.js';
import { typesetterFor } from '../typeset/typesetter.js';
import { generateInputs } from './generate.js';
import { mulberry32 } from './random.js';

/**
 * Many colleagues uploading to one `ziping serve` at once, as `npm run bench -- --serve-load`
 * measures it and test/serve/serve-load.test.ts checks it: each client sends its files one after
 * another as the page does (each answered once kept, with a ticket) and asks for its tickets until
 * every result is there. Bounded: the whole load has a deadline, and stops by itself.
 */

export interface LoadFile {
  name: string;
  bytes: Buffer;
  /** a form that builds (the others are broken on purpose) */
  good: boolean;
}

/**
 * `count` forms written by generate.ts (seed-sized, varied), one in ten of them broken, which
 * ones and how chosen by `seed`: cut short (a zip without its end), text named .xlsx, or noise.
 * Written to `dir` too, so `ziping build dir` can build the very same files.
 */
export async function loadFiles(dir: string, count: number, seed: number): Promise<LoadFile[]> {
  const paths = await generateInputs(dir, count, loadProfile('ningxia'), typesetterFor());
  const next = mulberry32(seed);
  const order = paths.map((_, i) => ({ i, key: next() })).sort((a, b) => a.key - b.key);
  const broken = new Set(order.slice(0, Math.round(count / 10)).map((o) => o.i));
  return Promise.all(
    paths.map(async (path, i): Promise<LoadFile> => {
      const name = `自评表-${String(i).padStart(4, '0')}.xlsx`;
      let bytes = await readFile(path);
      if (broken.has(i)) {
        const kind = i % 3;
        bytes =
          kind === 0
            ? bytes.subarray(0, Math.floor(bytes.length * 0.4))
            : kind === 1
              ? Buffer.from('这不是 Excel 表格，只是改了扩展名的文字。\n'.repeat(20))
              : Buffer.from(Array.from({ length: 4096 }, () => Math.floor(next() * 256)));
      }
      await writeFile(path, bytes);
      return { name, bytes, good: !broken.has(i) };
    }),
  );
}

/** The page's side of serve's protocol: uploads and tickets, with the token of `pageUrl` (if any) on every request. */
export function pageClient(pageUrl: string, signal?: AbortSignal) {
  const token = new URL(pageUrl).searchParams.get('token');
  const api = (path: string, params: Record<string, string>): URL => {
    const u = new URL(path, pageUrl);
    if (token) u.searchParams.set('token', token);
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    return u;
  };
  const client = {
    /** An upload as the page sends it: the file's bytes as the body, its name in the query, the page's header and origin. */
    upload(name: string, bytes: Uint8Array, session = 'bench', headers: Record<string, string> = {}): Promise<Response> {
      return fetch(api('/api/upload', { session, name }), {
        method: 'POST',
        headers: { 'X-Ziping': 'upload', Origin: new URL(pageUrl).origin, ...headers },
        body: new Uint8Array(bytes),
        ...(signal ? { signal } : {}),
      });
    },
    async ask(tickets: string[]): Promise<Record<string, TicketStatus>> {
      const res = await fetch(api('/api/uploads', { tickets: tickets.join(',') }), signal ? { signal } : {});
      if (!res.ok) throw new Error(`asking for tickets: HTTP ${res.status}`);
      return ((await res.json()) as { uploads: Record<string, TicketStatus> }).uploads;
    },
    /** What the page finally shows for one upload: a refusal answered at once, or its ticket's result. */
    async view(name: string, bytes: Uint8Array, session?: string, headers?: Record<string, string>): Promise<UploadView> {
      const res = await client.upload(name, bytes, session, headers);
      const answer = (await res.json()) as UploadView & { ticket?: string };
      if (res.status !== 202 || !answer.ticket) return answer;
      for (;;) {
        const status = (await client.ask([answer.ticket]))[answer.ticket];
        if (status?.state === 'done') return status.view;
        if (!status || status.state === 'unknown') throw new Error(`ticket of ${name} unknown`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
  return client;
}

export interface LoadResult {
  /** HTTP status of each upload's answer, by file name */
  statuses: Map<string, number>;
  views: Map<string, UploadView>;
  /** from sending each upload to seeing its result, ms */
  perUploadMs: number[];
  totalMs: number;
  /** the largest batch an upload was seen building in */
  largestBatch: number;
}

/**
 * `clients` clients at once, client c sending files c, c + clients, c + 2·clients…, each one after
 * the other as soon as the previous is answered, and asking for all its tickets every `askMs`.
 * Throws when the load is not over within `deadlineMs`.
 */
export async function driveLoad(pageUrl: string, files: LoadFile[], clients: number, deadlineMs: number, askMs = 250): Promise<LoadResult> {
  const signal = AbortSignal.timeout(deadlineMs);
  const page = pageClient(pageUrl, signal);
  const statuses = new Map<string, number>();
  const views = new Map<string, UploadView>();
  const perUploadMs: number[] = [];
  let largestBatch = 0;
  const started = performance.now();
  const one = async (c: number): Promise<void> => {
    const mine = files.filter((_, i) => i % clients === c);
    const waiting = new Map<string, { name: string; sent: number }>();
    let sending = true;
    const asking = (async () => {
      while (sending || waiting.size > 0) {
        await new Promise((r) => setTimeout(r, askMs));
        if (waiting.size === 0) continue;
        const answers = await page.ask([...waiting.keys()]);
        for (const [ticket, status] of Object.entries(answers)) {
          const w = waiting.get(ticket);
          if (!w) continue;
          if (status.state === 'building') largestBatch = Math.max(largestBatch, status.batch);
          if (status.state === 'unknown') throw new Error(`ticket of ${w.name} unknown`);
          if (status.state !== 'done') continue;
          views.set(w.name, status.view);
          perUploadMs.push(performance.now() - w.sent);
          waiting.delete(ticket);
        }
      }
    })();
    try {
      for (const f of mine) {
        const sent = performance.now();
        const res = await page.upload(f.name, f.bytes, `client-${c}`);
        statuses.set(f.name, res.status);
        const answer = (await res.json()) as UploadView & { ticket?: string };
        if (answer.ticket) waiting.set(answer.ticket, { name: f.name, sent });
        else {
          views.set(f.name, answer);
          perUploadMs.push(performance.now() - sent);
        }
      }
    } finally {
      sending = false;
    }
    await asking;
  };
  try {
    await Promise.all(Array.from({ length: clients }, (_, c) => one(c)));
  } catch (error) {
    if (signal.aborted) throw new Error(`the load did not finish within ${deadlineMs / 1000} s`);
    throw error;
  }
  return { statuses, views, perUploadMs, totalMs: performance.now() - started, largestBatch };
}

/**
 * A browser closed mid-upload: the request says how long the body is, sends part of it, and the
 * connection is cut. Resolves once the socket is gone.
 */
export function abandonUpload(pageUrl: string, name: string, bytes: Buffer, sentFraction = 0.5): Promise<void> {
  const u = new URL('/api/upload', pageUrl);
  const token = new URL(pageUrl).searchParams.get('token');
  if (token) u.searchParams.set('token', token);
  u.searchParams.set('name', name);
  u.searchParams.set('session', 'abandoned');
  return new Promise((resolve) => {
    const req = request(u, { method: 'POST', headers: { 'X-Ziping': 'upload', Origin: u.origin, 'Content-Length': bytes.length } });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.write(bytes.subarray(0, Math.floor(bytes.length * sentFraction)), () => setTimeout(() => req.destroy(), 100));
  });
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? 0;
};
export const p50 = (xs: number[]): number => quantile(xs, 0.5);
export const p95 = (xs: number[]): number => quantile(xs, 0.95);

/**
 * What must hold after a load, as a list of problems (empty when all is well): every upload
 * answered (202, kept and queued) and none with a 5xx; each good form built and each broken file
 * refused with a reason; the manifest holding exactly the good forms (once each) and an error entry
 * for each broken file; the uploads folder holding every upload once and nothing else (no
 * duplicate, no temporary, no part of an abandoned upload).
 */
export async function loadProblems(out: string, uploadsDir: string, files: LoadFile[], result: LoadResult): Promise<string[]> {
  const problems: string[] = [];
  const say = (p: string): void => void problems.push(p);
  if (result.statuses.size !== files.length) say(`${result.statuses.size} answers for ${files.length} uploads`);
  for (const [name, status] of result.statuses) if (status !== 202) say(`${name}: HTTP ${status}`);
  for (const f of files) {
    const view = result.views.get(f.name);
    if (!view) say(`${f.name}: no result`);
    else if (view.refused) say(`${f.name}: refused ${view.refused.code}`);
    else if (f.good !== (view.forms.length > 0 && view.forms.every((x) => x.status === 'ok')))
      say(`${f.name}: ${f.good ? 'good form not built' : 'broken file built'} (${view.forms.map((x) => x.status).join(',')})`);
  }
  const manifest = Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
  const names = (status: 'ok' | 'error'): string[] =>
    manifest.forms
      .filter((f) => f.status === status)
      .map((f) => basename(f.source))
      .sort();
  const expect = (good: boolean): string[] =>
    files
      .filter((f) => f.good === good)
      .map((f) => f.name)
      .sort();
  if (JSON.stringify(names('ok')) !== JSON.stringify(expect(true))) say(`manifest: ${names('ok').length} good forms, ${expect(true).length} expected`);
  if (JSON.stringify(names('error')) !== JSON.stringify(expect(false))) say(`manifest: ${names('error').length} error entries, ${expect(false).length} expected`);
  const kept = (await readdir(uploadsDir)).sort();
  const all = files.map((f) => f.name).sort();
  if (JSON.stringify(kept) !== JSON.stringify(all))
    say(
      `uploads folder: ${kept.length} files (${kept
        .filter((k) => !all.includes(k))
        .slice(0, 5)
        .join('、')}…), ${all.length} expected`,
    );
  return problems;
}

export interface LiveServe {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Ctrl-C, as a user stops it; resolves with the exit code */
  stop: () => Promise<number | null>;
}

/** Starts the real `ziping serve` (`cli` is bin/ziping.js) on a free port and waits for the line that gives its address. */
export async function startServe(cli: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<LiveServe> {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', ...args], { cwd, env: { ...env, FORCE_COLOR: '0' } });
  let text = '';
  const decoders = { out: new TextDecoder(), err: new TextDecoder() };
  child.stdout?.on('data', (d: Buffer) => (text += decoders.out.decode(d, { stream: true })));
  child.stderr?.on('data', (d: Buffer) => (text += decoders.err.decode(d, { stream: true })));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      const m = /SERVE_STARTED：ziping 网页已启动：(http:\/\/\S+)/.exec(text);
      if (m?.[1]) resolve(m[1]);
      else if (child.exitCode !== null || Date.now() - started > 30_000) reject(new Error(`serve did not start:\n${text}`));
      else setTimeout(tick, 50);
    };
    tick();
  });
  return {
    child,
    url,
    output: () => text,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}

/** The most memory a process has held (VmHWM, Linux), MB; null elsewhere. */
export async function peakRssMb(pid: number | undefined): Promise<number | null> {
  const status = pid === undefined ? null : await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  const kb = status ? /VmHWM:\s*(\d+) kB/.exec(status)?.[1] : undefined;
  return kb ? Number(kb) / 1024 : null;
}
