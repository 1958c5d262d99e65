import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accessPolicy, hostOf, isLoopbackAddress, newToken, sameToken, TOKEN_PATTERN } from '../../src/serve/access.js';
import { contentDisposition, resolveArchiveFile } from '../../src/serve/static-files.js';

/** A request as the policy reads it: its headers and the address it came in on. */
const req = (host: string, extra: Record<string, string> = {}, localAddress = '127.0.0.1'): IncomingMessage =>
  ({ headers: { host, ...extra }, socket: { localAddress } }) as unknown as IncomingMessage;
const at = (path: string): URL => new URL(path, 'http://x');

describe('which addresses only this machine reaches', () => {
  it('127.0.0.0/8 and ::1 (also as an IPv4-mapped address); everything else is reachable from outside', () => {
    for (const a of ['127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', '172.16.0.9', 'fe80::1', '::ffff:192.168.1.5', '128.0.0.1']) expect(isLoopbackAddress(a), a).toBe(false);
  });
});

describe('the token', () => {
  it('is 192 random bits, URL-safe, new each time', () => {
    const tokens = Array.from({ length: 50 }, newToken);
    for (const t of tokens) {
      expect(t).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(Buffer.from(t, 'base64url')).toHaveLength(24);
      expect(t).toMatch(TOKEN_PATTERN);
    }
    expect(new Set(tokens).size).toBe(50);
  });

  it('is compared whole, whatever the lengths', () => {
    const t = newToken();
    expect(sameToken(t, t)).toBe(true);
    expect(sameToken(t.slice(0, -1), t)).toBe(false);
    expect(sameToken(`${t}x`, t)).toBe(false);
    expect(sameToken('', t)).toBe(false);
  });

  it('a fixed one must be long and plain enough to sit in an address as it is', () => {
    expect(TOKEN_PATTERN.test('caiwuke-2024-abcdefgh')).toBe(true);
    for (const bad of ['short', '财务科财务科财务科财务科财务科财务科', 'has space in it 12345', 'a&b=c&d=e&f=g&h=i', 'x'.repeat(257)]) expect(TOKEN_PATTERN.test(bad), bad).toBe(false);
  });
});

describe('the Host header', () => {
  it('is read as a name and a port, or refused when it is anything else', () => {
    expect(hostOf('127.0.0.2:8321')).toEqual({ name: '127.0.0.2', port: 8321 });
    expect(hostOf('[::1]:8000')).toEqual({ name: '::1', port: 8000 });
    expect(hostOf('CaiWu-PC')).toEqual({ name: 'caiwu-pc', port: 80 });
    for (const bad of ['', 'evil.example/@127.0.0.1:80', 'a b:80', 'user@127.0.0.1:80', '127.0.0.1:80#x', '127.0.0.1:99999']) expect(hostOf(bad), bad).toBeNull();
  });
});

describe('who may use the page', () => {
  const token = newToken();
  const lan = accessPolicy({ bound: '0.0.0.0', port: 8321, token, allowHosts: ['caiwu-pc'] });

  it('beyond this machine: nothing without the token; with it in the address, a cookie that carries it from then on', () => {
    expect(lan.check(req('127.0.0.1:8321'), at('/'))).toEqual({ ok: false, why: 'token' });
    expect(lan.check(req('127.0.0.1:8321'), at(`/?token=${token.slice(1)}`))).toEqual({ ok: false, why: 'token' });
    const first = lan.check(req('127.0.0.1:8321'), at(`/?token=${token}`));
    expect(first).toEqual({ ok: true, setCookie: `ziping-8321=${token}; Path=/; HttpOnly; SameSite=Strict` });
    expect(lan.check(req('127.0.0.1:8321', { cookie: `other=1; ziping-8321=${token}` }), at('/api/archive'))).toEqual({ ok: true, setCookie: null });
    // Another serve's cookie (another port) is not this one's.
    expect(lan.check(req('127.0.0.1:8321', { cookie: `ziping-8322=${token}` }), at('/'))).toEqual({ ok: false, why: 'token' });
    expect(lan.check(req('127.0.0.1:8321', { cookie: `ziping-8321=${token}x` }), at('/'))).toEqual({ ok: false, why: 'token' });
  });

  it('the Host must be this machine: the address the connection came in on, localhost, or an allowed name, at the right port', () => {
    const withToken = `/?token=${token}`;
    expect(lan.check(req('127.0.0.2:8321', {}, '127.0.0.2'), at(withToken)).ok).toBe(true);
    expect(lan.check(req('localhost:8321'), at(withToken)).ok).toBe(true);
    expect(lan.check(req('CAIWU-PC:8321'), at(withToken)).ok).toBe(true);
    // DNS rebinding: another site's name resolved to this machine.
    expect(lan.check(req('attacker.example:8321'), at(withToken))).toEqual({ ok: false, why: 'host' });
    expect(lan.check(req('127.0.0.1:8322'), at(withToken))).toEqual({ ok: false, why: 'host' });
    expect(lan.check(req('203.0.113.9:8321'), at(withToken))).toEqual({ ok: false, why: 'host' });
    expect(lan.check({ headers: {}, socket: {} } as unknown as IncomingMessage, at(withToken))).toEqual({ ok: false, why: 'host' });
  });

  it('on one address: that address only (localhost does not reach 127.0.0.2)', () => {
    const one = accessPolicy({ bound: '127.0.0.2', port: 9000, token: null, allowHosts: [] });
    expect(one.check(req('127.0.0.2:9000', {}, '127.0.0.2'), at('/'))).toEqual({ ok: true, setCookie: null });
    expect(one.check(req('localhost:9000', {}, '127.0.0.2'), at('/'))).toEqual({ ok: false, why: 'host' });
    expect(one.check(req('127.0.0.1:9000', {}, '127.0.0.2'), at('/'))).toEqual({ ok: false, why: 'host' });
    const local = accessPolicy({ bound: '127.0.0.1', port: 9000, token: null, allowHosts: [] });
    expect(local.check(req('localhost:9000'), at('/')).ok).toBe(true);
    expect(local.check(req('127.0.0.1:9000'), at('/')).ok).toBe(true);
  });
});

describe('archive files by URL', () => {
  it('are never outside --out, never a device name, a hidden or over-long name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-files-'));
    const out = join(dir, 'out');
    await mkdir(join(out, '2021', '.ziping'), { recursive: true });
    await writeFile(join(out, '2021', '表.pdf'), '%PDF-');
    await writeFile(join(out, '2021', 'CON.xlsx'), 'PK');
    await writeFile(join(out, '2021', '.ziping', 'r.json'), '{}');
    await writeFile(join(dir, '秘密.pdf'), 'secret');
    await symlink(join(dir, '秘密.pdf'), join(out, '2021', '链接.pdf'));
    expect(await resolveArchiveFile(out, `2021/${encodeURIComponent('表.pdf')}`)).toBe(join(out, '2021', '表.pdf'));
    const tricks = [
      '2021/..%2F..%2F秘密.pdf',
      '2021/..%5C..%5C秘密.pdf',
      '..%2f秘密.pdf',
      '%2e%2e/秘密.pdf',
      '2021/CON.xlsx',
      '2021/con .xlsx',
      '2021/.ziping/r.json',
      '2021/表.pdf.',
      '2021/表.pdf%20',
      '2021/表.pdf%00.pdf',
      `2021/${'长'.repeat(300)}.pdf`,
      `${'a/'.repeat(600)}表.pdf`,
      '2021/链接.pdf',
      '2021/%E8%A1%A8.pdf%3A%24DATA',
      '2021/%ZZ.pdf',
    ];
    for (const t of tricks) expect(await resolveArchiveFile(out, t), t).toBeNull();
  });

  it('download under their Chinese names: filename* in UTF-8 (RFC 5987) and a plain ASCII fallback', () => {
    const name = "机构编制(2021)管理'事务*经费.pdf";
    const header = contentDisposition('attachment', name);
    const m = /^attachment; filename="([^"]*)"; filename\*=UTF-8''(.+)$/.exec(header);
    expect(m?.[1]).toBe('2021.pdf');
    // Only RFC 5987 attr-chars, and the name back whole.
    expect(m?.[2]).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
    expect(decodeURIComponent(m?.[2] ?? '')).toBe(name);
    expect(contentDisposition('inline', '汇总表.xlsx')).toBe(`inline; filename="download.xlsx"; filename*=UTF-8''${encodeURIComponent('汇总表.xlsx')}`);
    expect(contentDisposition('attachment', 'results "x" %41.zip')).toMatch(/^attachment; filename="results_x_41\.zip"; /);
  });
});
