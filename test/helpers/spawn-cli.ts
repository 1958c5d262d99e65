import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { root } from './pipeline.js';

export const bin = join(root, 'bin', 'ziping.js');

/** Who runs the command (uid/gid: another user, when this process may switch), and how long it may take. */
export interface RunAs {
  uid?: number;
  gid?: number;
  /** SIGKILL after this many ms (a run that hangs fails the test instead of the whole suite) */
  timeoutMs?: number;
  /** the command to run (a copy another user can read, see cli-for-user.ts); default this checkout's */
  bin?: string;
}

/** Runs the real command (the compiled CLI, as a user would) and collects its output. */
export function ziping(args: string[], cwd: string, as: RunAs = {}): Promise<{ code: number | null; stdout: string; stderr: string; signal: NodeJS.Signals | null; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [as.bin ?? bin, ...args], {
      cwd,
      env: { ...process.env, FORCE_COLOR: '0' },
      ...(as.uid !== undefined ? { uid: as.uid } : {}),
      ...(as.gid !== undefined ? { gid: as.gid } : {}),
      ...(as.timeoutMs !== undefined ? { timeout: as.timeoutMs, killSignal: 'SIGKILL' as const } : {}),
    });
    // Chunks are joined before decoding: a Chinese character can straddle two of them.
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('close', (code, signal) => resolve({ code, signal, ms: Date.now() - started, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** A long-running command whose output can be awaited line by line. */
export function zipingLive(args: string[], cwd: string): { child: ChildProcess; output: () => string; waitFor: (pattern: RegExp, timeoutMs: number) => Promise<void> } {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, FORCE_COLOR: '0' } });
  let text = '';
  const decoder = { out: new TextDecoder(), err: new TextDecoder() };
  child.stdout?.on('data', (d: Buffer) => (text += decoder.out.decode(d, { stream: true })));
  child.stderr?.on('data', (d: Buffer) => (text += decoder.err.decode(d, { stream: true })));
  const waitFor = (pattern: RegExp, timeoutMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const started = Date.now();
      const tick = (): void => {
        if (pattern.test(text)) resolve();
        else if (Date.now() - started > timeoutMs) reject(new Error(`timed out waiting for ${String(pattern)}; output so far:\n${text}`));
        else setTimeout(tick, 100);
      };
      tick();
    });
  return { child, output: () => text, waitFor };
}
