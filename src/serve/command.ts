import type { ProfileChoice, ScoreMode } from '../model/profile.js';
import { shownPath } from '../model/shown-path.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { messageLine, serveMessage } from './messages.js';
import { openBrowser } from './open-browser.js';
import { startServer } from './server.js';

export const DEFAULT_PORT = 8321;
const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

export interface ServeCliOptions {
  port?: string;
  host?: string;
  open: boolean;
}

export interface ServeRunSettings {
  out: string;
  profile: ProfileChoice;
  mode: ScoreMode;
  typeset: Typesetter;
  namePattern?: string;
  /** how long each upload's build waits for another run holding --out (--wait) */
  waitMs?: number;
}

export interface ServeIo {
  out: (line: string) => void;
  err: (line: string) => void;
  quiet: boolean;
}

/**
 * `ziping serve`: starts the page, says where it is (and opens it with --open), then serves
 * until Ctrl-C or SIGTERM. Exit 2 when the port or host cannot be used: the command line must change.
 */
export async function serveCommand(s: ServeRunSettings, opts: ServeCliOptions, io: ServeIo, stop?: AbortSignal): Promise<number> {
  const port = opts.port === undefined ? DEFAULT_PORT : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    io.err(messageLine(serveMessage('SERVE_PORT_INVALID', { given: opts.port ?? '' })));
    return 2;
  }
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.includes(host)) io.err(messageLine(serveMessage('SERVE_HOST_EXPOSED', { host })));
  let running;
  try {
    running = await startServer({ ...s, host, port, log: (line) => !io.quiet && io.out(line) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.err(messageLine(code === 'EADDRINUSE' ? serveMessage('SERVE_PORT_IN_USE', { port }) : serveMessage('SERVE_LISTEN_FAILED', { host, port, reason: code ?? String(error) })));
    return 2;
  }
  io.out(messageLine(serveMessage('SERVE_STARTED', { url: running.url, out: shownPath(s.out) })));
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
