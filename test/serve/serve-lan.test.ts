import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadView } from '../../src/serve/results.js';
import { seedPath } from '../helpers/pipeline.js';
import { startServe, uploadView, type LiveServe } from '../helpers/serve.js';
import { ziping } from '../helpers/spawn-cli.js';

/**
 * The page shared on a network, tested on loopback addresses only: the server listens on
 * 127.0.0.2 with --token (which asks for the token as 0.0.0.0 or a LAN address would), and the
 * requests come from 127.0.0.3, standing for another computer.
 */
interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

/** One request as sent, path untouched (fetch would resolve `..` itself), from 127.0.0.3. */
function call(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<Answer> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: options.method ?? 'GET', localAddress: '127.0.0.3', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

let dir = '';
let out = '';
let live: LiveServe;
let token = '';
let base = '';
let view: UploadView;
const seed = await readFile(seedPath);
/** What a refusal must never show: names of the archive's files, folders and projects. */
const secrets = ['机构编制', '中国共产党', '2021', '.pdf', '.xlsx', 'index.html', '归档', '上传的表格', 'manifest'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ziping-serve-lan-'));
  out = join(dir, '归档');
  live = await startServe(['--out', out, '--host', '127.0.0.2', '--token'], dir);
  token = new URL(live.url).searchParams.get('token') ?? '';
  base = `http://127.0.0.2:${new URL(live.url).port}`;
  view = await uploadView(live.url, '机构编制.xlsx', seed);
});

afterAll(async () => {
  expect(await live.stop()).toBe(0);
});

describe('ziping serve beyond this machine: only with the address’s token', () => {
  it('prints the full address with a random token once, and says who can open the page', () => {
    expect(live.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    expect(live.output().split(token)).toHaveLength(2);
    expect(live.output()).toContain('SERVE_WHO_LOCAL_TOKEN：谁能打开：只有这台电脑(地址 127.0.0.2 只在本机可达)，并且要用上面含令牌(token=…)的完整地址');
  });

  it('answers every route without the token with 403 and the Chinese refusal, naming no file', async () => {
    const pdf = view.forms[0]?.pdf ?? '';
    expect(pdf).toMatch(/^\/files\/2021\//);
    const get = [
      '/',
      `/?token=${token.slice(0, -2)}`,
      '/?token=',
      '/api/archive',
      '/api/uploads?tickets=abc',
      '/files/index.html',
      pdf,
      `${pdf}?download`,
      '/files/2021/%E6%B1%87%E6%80%BB%E8%A1%A8.xlsx',
      '/api/sessions/test-session/all.zip',
      '/favicon.ico',
      encodeURI('/没有这一页'),
    ];
    const uploadsBefore = await readdir(join(dir, '归档-上传的表格'));
    const answers = [
      ...(await Promise.all(get.map((p) => call(base, p, { headers: { Host: new URL(base).host } })))),
      await call(base, '/api/upload?name=%E8%A1%A8.xlsx&session=s', {
        method: 'POST',
        headers: { Host: new URL(base).host, Origin: base, 'X-Ziping': 'upload', 'Content-Type': 'application/octet-stream' },
        body: seed,
      }),
      await call(base, '/', { method: 'HEAD', headers: { Host: new URL(base).host } }),
      // Another serve's cookie, or a wrong one, is no token.
      await call(base, '/api/archive', { headers: { Host: new URL(base).host, Cookie: `ziping-1=${token}; ziping-${new URL(base).port}=${token}x` } }),
    ];
    for (const [i, a] of answers.entries()) {
      expect(a.status, get[i] ?? `request ${i}`).toBe(403);
      expect(a.headers['set-cookie']).toBeUndefined();
      for (const s of secrets) expect(a.text, `${get[i] ?? i} shows ${s}`).not.toContain(s);
    }
    const page = answers[0];
    expect(page?.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page?.text).toContain('SERVE_TOKEN_REQUIRED');
    expect(page?.text).toContain('请向运行 ziping serve 的同事索取它显示的完整地址');
    expect(JSON.parse(answers[3]?.text ?? '{}')).toMatchObject({ error: { code: 'SERVE_TOKEN_REQUIRED' } });
    // The refused upload was never kept.
    expect(await readdir(join(dir, '归档-上传的表格'))).toEqual(uploadsBefore);
  });

  it('with the token: the page sets a cookie, and with the cookie alone the archive, uploads and downloads work', async () => {
    const host = { Host: new URL(base).host };
    const page = await call(base, `/?token=${token}`, { headers: host });
    expect(page.status).toBe(200);
    expect(page.text).toContain('本页只在这台电脑上运行，其他电脑打不开；要用含令牌的完整地址才能打开');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const cookie = String(page.headers['set-cookie']).split(';')[0] ?? '';
    expect(page.headers['set-cookie']?.[0]).toMatch(/^ziping-\d+=[A-Za-z0-9_-]{32}; Path=\/; HttpOnly; SameSite=Strict$/);
    const withCookie = { ...host, Cookie: cookie };
    const archive = JSON.parse((await call(base, '/api/archive', { headers: withCookie })).text) as { years: Array<{ year: string; projects: number }> };
    expect(archive.years).toEqual([expect.objectContaining({ year: '2021', projects: 1 })]);
    expect(view.forms[0]).toMatchObject({ status: 'ok', projectName: '机构编制管理事务经费' });
    const pdf = await call(base, `${view.forms[0]?.pdf ?? ''}?download`, { headers: withCookie });
    expect(pdf.status).toBe(200);
    expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.headers['content-disposition']).toBe(`attachment; filename="download.pdf"; filename*=UTF-8''${encodeURIComponent('机构编制管理事务经费.pdf')}`);
    const zip = await call(base, '/api/sessions/test-session/all.zip', { headers: withCookie });
    expect(zip.status).toBe(200);
    expect(zip.body.subarray(0, 2).toString('latin1')).toBe('PK');
    // An upload with the cookie only: kept and queued, then built.
    const sent = await call(base, `/api/upload?name=${encodeURIComponent('第二份.xlsx')}&session=lan`, { method: 'POST', headers: { ...withCookie, Origin: base, 'X-Ziping': 'upload' }, body: seed });
    expect(sent.status).toBe(202);
    const answer = JSON.parse(sent.text) as { ticket: string; stored: string; queue: { state: string } };
    expect(answer.stored).toBe('第二份.xlsx');
    expect(['waiting', 'building']).toContain(answer.queue.state);
    let state = '';
    for (let i = 0; i < 300 && state !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      state =
        (JSON.parse((await call(base, `/api/uploads?tickets=${answer.ticket}`, { headers: withCookie })).text) as { uploads: Record<string, { state: string }> }).uploads[answer.ticket]?.state ?? '';
    }
    expect(state).toBe('done');
  });

  it('refuses a wrong Host and a cross-origin upload even with the token', async () => {
    const port = new URL(base).port;
    for (const host of [`attacker.example:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `127.0.0.2:${Number(port) + 1}`]) {
      const a = await call(base, `/?token=${token}`, { headers: { Host: host } });
      expect(a.status, host).toBe(403);
      expect(a.text).toContain('SERVE_HOST_NOT_ALLOWED');
      expect(a.headers['set-cookie']).toBeUndefined();
    }
    for (const origin of ['http://evil.example', `http://127.0.0.1:${port}`, 'null']) {
      const a = await call(base, `/api/upload?token=${token}&name=x.xlsx`, { method: 'POST', headers: { Host: new URL(base).host, Origin: origin, 'X-Ziping': 'upload' }, body: seed });
      expect(a.status, origin).toBe(403);
      expect(a.text).toContain('SERVE_FORBIDDEN');
    }
  });

  it('refuses or cleans path tricks, never serving from outside --out', async () => {
    await writeFile(join(dir, '秘密.html'), 'secret');
    const headers = { Host: new URL(base).host };
    const tricks = [
      '/files/..%2f秘密.html',
      '/files/..%2F..%2F秘密.html',
      '/files/2021/..%5c..%5c秘密.html',
      '/files/%2e%2e/秘密.html',
      '/files/../秘密.html',
      '/files/2021/../../秘密.html',
      '/files/CON.xlsx',
      '/files/2021/aux.pdf',
      `/files/${'长'.repeat(300)}.pdf`,
      '/files/manifest.json%00.html',
      '/files/index.html%00',
      '/files/.ziping-lock',
    ];
    for (const t of tricks) {
      const sep = t.includes('?') ? '&' : '?';
      const a = await call(base, `${encodeURI(t).replace(/%25/g, '%')}${sep}token=${token}`, { headers });
      expect([400, 403, 404], t).toContain(a.status);
      expect(a.text, t).not.toContain('secret');
    }
    // Upload names are cleaned: kept under a safe name inside the uploads folder.
    for (const [given, kept] of [
      ['..%2f..%2f逃逸.xlsx', '逃逸.xlsx'],
      ['CON.xlsx', '_CON.xlsx'],
      [`${'长'.repeat(300)}.xlsx`, `${'长'.repeat(30)}.xlsx`],
      ['空字符\u0000.xlsx', '空字符.xlsx'],
    ] as const) {
      const v = await uploadView(live.url, decodeURIComponent(given), seed);
      expect(v.stored, given).toBe(kept);
    }
    expect((await readdir(dir)).sort()).toEqual(['归档', '归档-上传的表格', '秘密.html']);
  });
});

describe('serve’s token and host options', () => {
  it('a fixed token from the config file; a weak one or a bad --allow-host is refused with exit 2', async () => {
    const fixed = 'caiwuke-2024-abcdefgh';
    await writeFile(join(dir, 'ziping.config.json'), JSON.stringify({ serveToken: fixed, out: '配置归档' }));
    const configured = await startServe(['--host', '127.0.0.2', '--allow-host', 'caiwu-pc'], dir);
    try {
      expect(configured.url).toBe(`http://127.0.0.2:${new URL(configured.url).port}/?token=${fixed}`);
      const port = new URL(configured.url).port;
      expect((await call(configured.url, `/?token=${fixed}`, { headers: { Host: `caiwu-pc:${port}` } })).status).toBe(200);
      expect((await call(configured.url, '/', { headers: { Host: `caiwu-pc:${port}` } })).status).toBe(403);
    } finally {
      expect(await configured.stop()).toBe(0);
    }
    await writeFile(join(dir, 'ziping.config.json'), JSON.stringify({ serveToken: '123' }));
    const weak = await ziping(['serve', '--port', '0', '--host', '127.0.0.2'], dir);
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('SERVE_TOKEN_INVALID：配置文件 serveToken 的令牌应为 16 到 256 个字符');
    const badHost = await ziping(['serve', '--port', '0', '--token', fixed, '--allow-host', 'http://caiwu-pc/'], dir);
    expect(badHost.code).toBe(2);
    expect(badHost.stderr).toContain('SERVE_ALLOW_HOST_INVALID');
  });
});
