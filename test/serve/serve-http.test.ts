import { chmod, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Manifest } from '../../src/model/manifest.js';
import { seedPath } from '../helpers/pipeline.js';
import { startServe, upload, uploadView, type LiveServe } from '../helpers/serve.js';
import { filledTemplate } from '../helpers/template.js';

interface UploadJson {
  name: string;
  stored: string | null;
  forms: Array<{ status: string; projectName: string; grade: string; pdf: string | null; xlsx: string | null; findings: Array<{ code: string }> }>;
  refused: { code: string; message: string } | null;
}

/** A GET with a Host header of our choosing (fetch will not send another host's name). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path: '/', headers: { Host: host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

let dir = '';
let out = '';
let uploads = '';
let live: LiveServe;
const seed = await readFile(seedPath);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ziping-serve-'));
  out = join(dir, '归档');
  uploads = join(dir, '归档-上传的表格');
  live = await startServe(['--out', out], dir);
});

afterAll(async () => {
  expect(await live.stop()).toBe(0);
  expect(live.output()).toContain('SERVE_STOPPED：网页已关闭。');
});

describe('ziping serve over HTTP', () => {
  it('listens on 127.0.0.1 only', async () => {
    expect(live.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    // No token on an address only this machine reaches, and the start message says so.
    expect(live.output()).toContain('SERVE_WHO_LOCAL：谁能打开：只有这台电脑(地址 127.0.0.1 只在本机可达)');
    const port = new URL(live.url).port;
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (outside) await expect(fetch(`http://${outside.address}:${port}/`)).rejects.toThrow();
    expect((await fetch(live.url)).status).toBe(200);
  });

  it('builds an upload into --out and answers with its project, totals, grade, findings and links', async () => {
    const view = await uploadView(live.url, '机构编制.xlsx', seed);
    expect(view.stored).toBe('机构编制.xlsx');
    // Kept beside --out, not in it: files in --out are outputs, never inputs.
    expect(await readdir(uploads)).toEqual(['机构编制.xlsx']);
    const form = view.forms[0];
    expect(form).toMatchObject({ status: 'ok', projectName: '机构编制管理事务经费', grade: '优' });
    expect(form?.findings.map((f) => f.code)).toContain('SCORE_MISMATCH');
    const pdf = await fetch(new URL(form?.pdf ?? '', live.url));
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
    const manifest = Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
    expect(manifest.forms.map((f) => f.projectName)).toContain('机构编制管理事务经费');
  });

  it('keeps every name inside --out, whatever the browser sends, and never overwrites another upload', async () => {
    const before = (await readdir(dir)).sort();
    for (const name of ['..\\..\\逃逸.xlsx', '../../逃逸.xlsx', '/etc/逃逸.xlsx', 'C:\\fakepath\\逃逸.xlsx', 'CON.xlsx', '逃逸.xlsx\u0000.xlsx']) {
      const view = await uploadView(live.url, name, seed);
      expect(view.stored ?? '', name).toMatch(/^[^/\\]+\.xlsx$/);
    }
    expect((await readdir(dir)).sort()).toEqual(before);
    // Same bytes under the same name: one file; `CON` is a Windows device name, and a NUL is dropped.
    // Each is the sample form again under another name: it replaced the one before, which went aside, kept.
    expect((await readdir(uploads)).sort()).toEqual(['已被更正替换', '逃逸.xlsx.xlsx']);
    expect((await readdir(join(uploads, '已被更正替换'))).sort()).toEqual(['_CON.xlsx', '机构编制.xlsx', '逃逸.xlsx']);
    for (const name of ['_CON.xlsx', '机构编制.xlsx', '逃逸.xlsx']) expect(await readFile(join(uploads, '已被更正替换', name))).toEqual(seed);
    // Another form under a name taken: kept beside it, never over it.
    await filledTemplate(join(dir, 'init'), join(dir, 'other.xlsx'), 2021, { costScore: 20 });
    const second = await uploadView(live.url, '逃逸.xlsx.xlsx', await readFile(join(dir, 'other.xlsx')));
    expect(second.stored).toBe('逃逸.xlsx-2.xlsx');
    expect(await readFile(join(uploads, '逃逸.xlsx.xlsx'))).toEqual(seed);
  });

  it('refuses an upload over the size limit with a Chinese message, and keeps answering', async () => {
    const big = Buffer.alloc(50 * 1024 * 1024 + 1, 0x41);
    const res = await upload(live.url, '很大的表.xlsx', big);
    expect(res.status).toBe(413);
    const view = (await res.json()) as UploadJson;
    expect(view.refused?.code).toBe('UPLOAD_TOO_LARGE');
    expect(view.refused?.message).toContain('“很大的表.xlsx”超过 50 MB');
    expect(await readdir(uploads)).not.toContain('很大的表.xlsx');
    expect((await fetch(live.url)).status).toBe(200);
    expect((await upload(live.url, '说明.docx', Buffer.from('x'))).status).toBe(200);
    expect(((await (await upload(live.url, '说明.docx', Buffer.from('x'))).json()) as UploadJson).refused?.code).toBe('UPLOAD_NOT_SPREADSHEET');
    expect(((await (await upload(live.url, '空.xlsx', Buffer.alloc(0))).json()) as UploadJson).refused?.code).toBe('UPLOAD_EMPTY');
    // An Office lock file by its name is kept but never built: said, not shown as built with nothing in it.
    const lock = await uploadView(live.url, '~$机构编制.xlsx', seed);
    expect(lock.refused?.code).toBe('UPLOAD_NOT_BUILT');
    expect(lock.refused?.message).toContain('“~$机构编制.xlsx”已收到，但没有被处理');
    // …naming the folder the uploads are really kept in.
    expect(lock.refused?.message).toContain(`“${uploads}”`);
  });

  it('builds uploads sent at once together: six all end up in the manifest with their outputs', async () => {
    const names = ['甲', '乙', '丙', '丁', '戊', '己'];
    const bodies = await Promise.all(
      names.map(async (n) => {
        const path = join(dir, `form-${n}.xlsx`);
        await filledTemplate(join(dir, `init-${n}`), path, 2022, { name: `并发项目${n}`, costScore: 20 });
        return readFile(path);
      }),
    );
    const views = await Promise.all(names.map((n, i) => uploadView(live.url, `并发${n}.xlsx`, bodies[i] ?? Buffer.alloc(0))));
    expect(views.map((v) => v.forms[0]?.projectName)).toEqual(names.map((n) => `并发项目${n}`));
    const manifest = Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
    const built = manifest.forms.filter((f) => f.year === 2022);
    expect(built.map((f) => f.projectName).sort()).toEqual(names.map((n) => `并发项目${n}`).sort());
    for (const f of built) {
      const pdf = await readFile(join(out, f.outputs?.pdf ?? 'missing'));
      const { createHash } = await import('node:crypto');
      expect(createHash('sha256').update(pdf).digest('hex')).toBe(f.outputs?.sha256.pdf);
    }
    const leftovers = (await readdir(out, { recursive: true })).filter((p) => p.includes('.ziping-tmp-'));
    expect(leftovers).toEqual([]);
  });

  it('answers a zip of one session’s copies', async () => {
    await uploadView(live.url, '机构编制.xlsx', seed, 'zip-session');
    const res = await fetch(`${live.url}api/sessions/zip-session/all.zip`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('绩效自评表-本次结果.zip')}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    const { readAllEntries } = await import('../../src/zip/zip-file.js');
    const names = readAllEntries(bytes, 1e8)?.map((e) => e.name) ?? [];
    expect(names.sort()).toEqual([
      '2021/中国共产党宁夏回族自治区委员会机构编制委员会办公室/机构编制管理事务经费.html',
      '2021/中国共产党宁夏回族自治区委员会机构编制委员会办公室/机构编制管理事务经费.pdf',
      '2021/中国共产党宁夏回族自治区委员会机构编制委员会办公室/机构编制管理事务经费.xlsx',
    ]);
  });

  it('refuses uploads that do not come from its own page, and pages asked for under another host name', async () => {
    const crossSite = await upload(live.url, '表.xlsx', seed, 's', { Origin: 'http://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as { error: { code: string } }).error.code).toBe('SERVE_FORBIDDEN');
    const noHeader = await fetch(`${live.url}api/upload?name=a.xlsx`, { method: 'POST', body: seed });
    expect(noHeader.status).toBe(403);
    // DNS rebinding: a page at attacker.example resolved to 127.0.0.1 sends its own host name.
    const rebound = await getWithHost(live.url, `attacker.example:${new URL(live.url).port}`);
    expect(rebound.status).toBe(403);
    // Said as what it is: a name this server does not know, and how its owner lets it in.
    expect(rebound.body).toContain('SERVE_HOST_NOT_ALLOWED');
    expect(rebound.body).toContain('“attacker.example”');
    expect(rebound.body).toContain('--allow-host attacker.example');
    expect(rebound.body).toMatch(/^<!DOCTYPE html>/);
  });

  it('hands out files of --out only: no climbing out, no links leading out', async () => {
    await writeFile(join(dir, '秘密.html'), 'secret');
    await symlink(join(dir, '秘密.html'), join(out, '链接.html'));
    for (const path of ['files/..%2F秘密.html', 'files/%2e%2e/秘密.html', 'files/2021/..%5C..%5C秘密.html', 'files/链接.html', 'files/manifest.json%00.html', 'files/../秘密.html']) {
      const res = await fetch(`${live.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain('secret');
    }
    const index = await fetch(`${live.url}files/index.html`);
    expect(index.status).toBe(200);
    // Budget files are not kept in the browser's cache of a shared office PC.
    expect(index.headers.get('cache-control')).toBe('no-store');
    expect(await index.text()).toContain('项目支出绩效自评归档');
  });
});

describe('ziping serve on the command line', () => {
  it('warns in Chinese when --host opens it to the network', async () => {
    const exposed = await startServe(['--out', join(dir, 'exposed'), '--host', '0.0.0.0', '--quiet'], dir);
    try {
      expect(exposed.output()).toContain('SERVE_HOST_EXPOSED：警告：--host 0.0.0.0 让同一网络中的其他电脑也能连上此页面');
      // Listening everywhere asks for the token, and the start message says who can open the page.
      expect(exposed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
      expect(exposed.output()).toContain('SERVE_WHO_NETWORK：谁能打开：同一网络中拿到含令牌(token=…)完整地址的人');
      expect((await fetch(exposed.url.replace(/\?token=.*/, ''))).status).toBe(403);
      expect((await fetch(exposed.url)).status).toBe(200);
    } finally {
      expect(await exposed.stop()).toBe(0);
    }
  });

  it('says when the port is taken, exit 2', async () => {
    const port = new URL(live.url).port;
    const { ziping } = await import('../helpers/spawn-cli.js');
    const run = await ziping(['serve', '--port', port, '--out', join(dir, 'second')], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`SERVE_PORT_IN_USE：端口 ${port} 已被占用`);
    const bad = await ziping(['serve', '--port', 'eighty'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('SERVE_PORT_INVALID');
  });

  it('--open hands the address to the system’s opener (xdg-open here)', async () => {
    const fakeBin = join(dir, 'bin');
    await mkdir(fakeBin);
    const record = join(dir, 'opened.txt');
    await writeFile(join(fakeBin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${record}'\n`);
    await chmod(join(fakeBin, 'xdg-open'), 0o755);
    const opened = await startServe(['--out', join(dir, 'opened'), '--open'], dir, { ...process.env, PATH: `${fakeBin}:${process.env.PATH ?? ''}` });
    try {
      await expect.poll(() => readFile(record, 'utf8').catch(() => ''), { timeout: 10_000 }).toBe(opened.url);
    } finally {
      expect(await opened.stop()).toBe(0);
    }
  });

  it('takes the lock on --out for each build: while a watch holds the folder, an upload says who has it', async () => {
    const { zipingLive } = await import('../helpers/spawn-cli.js');
    await mkdir(join(dir, 'inbox'));
    const watch = zipingLive(['watch', 'inbox', '--out', '共用归档'], dir);
    await watch.waitFor(/正在监视/, 20_000);
    const page = await startServe(['--out', '共用归档', '--wait', '0'], dir);
    try {
      const view = await uploadView(page.url, '机构编制.xlsx', seed);
      expect(view.refused?.code).toBe('OUT_LOCKED');
      expect(view.refused?.message).toMatch(/正由另一次运行使用\(ziping watch，进程 \d+/);
      expect(view.forms).toEqual([]);
    } finally {
      watch.child.kill('SIGINT');
      await new Promise((resolve) => watch.child.on('close', resolve));
    }
    // Once the watch is gone, the same upload goes through.
    try {
      const view = await uploadView(page.url, '机构编制.xlsx', seed);
      expect(view.forms[0]?.projectName).toBe('机构编制管理事务经费');
    } finally {
      expect(await page.stop()).toBe(0);
    }
  });
});
