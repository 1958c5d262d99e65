import { spawn, type ChildProcess } from 'node:child_process';
import { bin } from './spawn-cli.js';

export interface LiveServe {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Ctrl-C, as a user stops it; resolves with the exit code */
  stop: () => Promise<number | null>;
}

/** Starts the real `ziping serve` (the built CLI) and waits for the line that gives its address. */
export async function startServe(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<LiveServe> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...args], { cwd, env: { ...env, FORCE_COLOR: '0' } });
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

/** An upload as the page sends it: the file's bytes as the body, its name in the query, the page's header and origin. */
export function upload(url: string, name: string, bytes: Uint8Array, session = 'test-session', headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}api/upload?session=${session}&name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'X-Ziping': 'upload', Origin: new URL(url).origin, ...headers },
    body: new Uint8Array(bytes),
  });
}
