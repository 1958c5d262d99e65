import type { ProfileChoice, ScoreMode } from '../model/profile.js';
import { shownPath } from '../model/shown-path.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { allowedName, isLoopbackAddress, TOKEN_PATTERN } from './access.js';
import { messageLine, serveMessage, type ServeMessage } from './messages.js';
import { openBrowser } from './open-browser.js';
import { startServer } from './server.js';

export const DEFAULT_PORT = 8321;

export interface ServeCliOptions {
  port?: string;
  host?: string;
  open: boolean;
  /** --token alone (true): a random token even on this machine's own address; --token 值: that token */
  token?: string | true;
  allowHost?: string[];
}

export interface ServeRunSettings {
  out: string;
  profile: ProfileChoice;
  mode: ScoreMode;
  typeset: Typesetter;
  namePattern?: string;
  /** the archive's name on the years' printed reports (config `archiveName`) */
  archiveName?: string;
  /** how long each batch's build waits for another run holding --out (--wait) */
  waitMs?: number;
  /** the config's serveToken: the token when --token gives none */
  serveToken?: string;
}

export interface ServeIo {
  out: (line: string) => void;
  err: (line: string) => void;
  quiet: boolean;
}

/** Exit 2: the command line must change. */
function usage(io: ServeIo, message: ServeMessage): number {
  io.err(messageLine(message));
  return 2;
}

/**
 * `ziping serve`: starts the page, says where it is (and opens it with --open), then serves
 * until Ctrl-C or SIGTERM. Exit 2 when the port or host cannot be used: the command line must change.
 */
export async function serveCommand(s: ServeRunSettings, opts: ServeCliOptions, io: ServeIo, stop?: AbortSignal): Promise<number> {
  const port = opts.port === undefined ? DEFAULT_PORT : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) return usage(io, serveMessage('SERVE_PORT_INVALID', { given: opts.port ?? '' }));
  const host = opts.host ?? '127.0.0.1';
  const fixed = typeof opts.token === 'string' ? { token: opts.token, source: '--token ' } : s.serveToken !== undefined ? { token: s.serveToken, source: '配置文件 serveToken ' } : null;
  if (fixed && !TOKEN_PATTERN.test(fixed.token)) return usage(io, serveMessage('SERVE_TOKEN_INVALID', { source: fixed.source }));
  const allowHosts: string[] = [];
  for (const given of (opts.allowHost ?? []).flatMap((h) => h.split(','))) {
    const name = allowedName(given);
    if (!name) return usage(io, serveMessage('SERVE_ALLOW_HOST_INVALID', { given }));
    allowHosts.push(name);
  }
  let running;
  try {
    const token = fixed?.token ?? (opts.token === true ? true : undefined);
    running = await startServer({ ...s, host, port, allowHosts, ...(token === undefined ? {} : { token }), log: (line) => !io.quiet && io.out(line) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return usage(io, code === 'EADDRINUSE' ? serveMessage('SERVE_PORT_IN_USE', { port }) : serveMessage('SERVE_LISTEN_FAILED', { host, port, reason: code ?? String(error) }));
  }
  // Judged by the address listened on: `--host mypc` is as open as the address it stands for.
  const exposed = !isLoopbackAddress(running.bound);
  if (exposed) io.err(messageLine(serveMessage('SERVE_HOST_EXPOSED', { host })));
  io.out(messageLine(serveMessage('SERVE_STARTED', { url: running.url, out: shownPath(s.out) })));
  if (exposed) io.out(messageLine(serveMessage('SERVE_WHO_NETWORK', { urls: running.outsideUrls.join('  ') || '(这台电脑现在没有局域网地址)' })));
  else io.out(messageLine(serveMessage(running.token ? 'SERVE_WHO_LOCAL_TOKEN' : 'SERVE_WHO_LOCAL', { host: running.bound })));
  if (opts.open) {
    const failed = await openBrowser(running.url);
    if (failed) io.err(messageLine(serveMessage('SERVE_OPEN_FAILED', { url: running.url, reason: failed })));
  }
  await new Promise<void>((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (stop?.aborted) done();
    stop?.addEventListener('abort', done, { once: true });
  });
  await running.close();
  io.out(messageLine(serveMessage('SERVE_STOPPED')));
  return 0;
}
