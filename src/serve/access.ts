import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * Who may use the page. On an address only this machine can reach (127.0.0.0/8, ::1) anyone at
 * this machine may, as before. On any other address (0.0.0.0, ::, a LAN address) every request
 * must carry a secret: the token in the printed address (`?token=…`), kept afterwards in a cookie
 * the page sends with each request. Whatever the mode, the Host must name this machine (an address
 * it listens on, `localhost` when that reaches it, or a name given with --allow-host): a page of
 * another site whose name is made to resolve here (DNS rebinding) sends its own name and is refused.
 */

/** 192 bits: a guess per millisecond for the age of the universe would not find it. */
export const newToken = (): string => randomBytes(24).toString('base64url');

/** A token given by the user: long enough not to be guessed, and only characters a URL carries as they are. */
export const TOKEN_PATTERN = /^[A-Za-z0-9._~-]{16,256}$/;

/** `::ffff:127.0.0.1` (an IPv4 client of a dual-stack socket) as `127.0.0.1`. */
export const plainAddress = (address: string): string => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '').toLowerCase();

/** Whether an address is reachable from this machine only: the loopback network 127.0.0.0/8 and ::1. */
export function isLoopbackAddress(address: string): boolean {
  const a = plainAddress(address);
  if (isIP(a) === 4) return a.startsWith('127.');
  return a === '::1';
}

const ANY = new Set(['0.0.0.0', '::']);

/** Tokens compared in constant time: equal-length digests, so neither the length nor a common prefix shows in the time taken. */
export function sameToken(given: string, expected: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The name and port of a Host header, or null when it is not one (a path, a user name, odd characters). */
export function hostOf(header: string | undefined): { name: string; port: number } | null {
  if (!header || !/^[A-Za-z0-9.:[\]-]+$/.test(header)) return null;
  try {
    const url = new URL(`http://${header}/`);
    return { name: plainAddress(url.hostname.replace(/^\[|\]$/g, '')), port: url.port === '' ? 80 : Number(url.port) };
  } catch {
    return null;
  }
}

/** A name given with --allow-host, as the Host header's name will show it (no port, no brackets, lower case); null when it is no host name. */
export function allowedName(given: string): string | null {
  const host = hostOf(given.trim());
  return host && !host.name.includes('%') ? host.name : null;
}

function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .flatMap((i) => (i ? [plainAddress(i.address)] : []));
}

/** The addresses other computers can use to reach a server listening on `bound` (its LAN addresses when it listens on all of them). */
export function outsideAddresses(bound: string): string[] {
  if (!ANY.has(bound)) return isLoopbackAddress(bound) ? [] : [bound];
  return Object.values(networkInterfaces())
    .flat()
    .flatMap((i) => (i && !i.internal && (bound === '::' || i.family === 'IPv4') && !i.address.startsWith('fe80') ? [i.address] : []));
}

export interface AccessSettings {
  /** the address the server is bound to, as server.address() gives it */
  bound: string;
  port: number;
  /** null: no token asked (an address only this machine reaches, no --token) */
  token: string | null;
  /** host names accepted besides this machine's addresses (--allow-host) */
  allowHosts: string[];
}

export type Access = { ok: true; setCookie: string | null } | { ok: false; why: 'host' | 'token' };

export interface AccessPolicy {
  check(req: IncomingMessage, url: URL): Access;
  /** the query parameter that carries the token */
  readonly param: string;
  /** whether requests must carry the token */
  readonly tokenAsked: boolean;
}

export function accessPolicy(s: AccessSettings): AccessPolicy {
  const bound = plainAddress(s.bound);
  const allowed = new Set(s.allowHosts);
  // `localhost` reaches the server only when it listens on 127.0.0.1 or ::1 (or everywhere).
  const localhostReaches = ANY.has(bound) || bound === '127.0.0.1' || bound === '::1';
  // One cookie per port: cookies are kept per host, not per port, and two serves on one machine must not overwrite each other's.
  const cookie = `ziping-${s.port}`;
  const param = 'token';

  const hostAllowed = (req: IncomingMessage): boolean => {
    const host = hostOf(req.headers.host);
    if (!host || host.port !== s.port) return false;
    if (allowed.has(host.name) || (host.name === 'localhost' && localhostReaches)) return true;
    if (!ANY.has(bound)) return host.name === bound;
    // Listening everywhere: the address this connection came in on, or any other of this machine's (read again: they change).
    return host.name === plainAddress(req.socket.localAddress ?? '') || interfaceAddresses().includes(host.name);
  };

  const cookieToken = (req: IncomingMessage): string | null => {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === cookie) return part.slice(eq + 1).trim();
    }
    return null;
  };

  return {
    param,
    tokenAsked: s.token !== null,
    check(req, url) {
      if (!hostAllowed(req)) return { ok: false, why: 'host' };
      if (s.token === null) return { ok: true, setCookie: null };
      const query = url.searchParams.get(param);
      if (query !== null && sameToken(query, s.token)) return { ok: true, setCookie: `${cookie}=${s.token}; Path=/; HttpOnly; SameSite=Strict` };
      const kept = cookieToken(req);
      if (kept !== null && sameToken(kept, s.token)) return { ok: true, setCookie: null };
      return { ok: false, why: 'token' };
    },
  };
}
