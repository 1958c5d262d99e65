import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { windowsNodeExe } from '../../scripts/windows-node.js';
import { bin } from './spawn-cli.js';

/** A path of this machine as Windows programs under Wine see it: drive Z: is `/`. */
export const winePath = (path: string): string => `Z:${path.replace(/\//g, '\\')}`;

export interface WineRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface WineNode {
  /** the compiled CLI (bin/ziping.js) run by Windows' node.exe, in `cwd`; killed after `timeoutMs` */
  ziping(args: string[], cwd: string, timeoutMs: number): Promise<WineRun>;
  /** stops the prefix's wineserver and removes the prefix */
  close(): Promise<void>;
  /** how long making the prefix took, ms */
  prefixMs: number;
}

function onPath(command: string): boolean {
  try {
    execFileSync('which', [command], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `command` under Wine with its stdout and stderr going to files, not pipes (Wine and pipes
 * misbehave: output lost or the reader never sees the end), and returns what they hold.
 */
async function wine(args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number, logs: string): Promise<WineRun> {
  const started = Date.now();
  const [out, err] = [join(logs, `out-${started}.txt`), join(logs, `err-${started}.txt`)];
  const [outFile, errFile] = [await open(out, 'w'), await open(err, 'w')];
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('wine', args, { cwd, env, stdio: ['ignore', outFile.fd, errFile.fd], timeout: timeoutMs, killSignal: 'SIGKILL' });
      child.on('error', reject);
      child.on('close', (c) => resolve(c));
    });
    return { code, stdout: await readFile(out, 'utf8'), stderr: await readFile(err, 'utf8'), ms: Date.now() - started };
  } finally {
    await outFile.close();
    await errFile.close();
  }
}

/**
 * Windows' node.exe under Wine, in a Wine prefix of its own (made here, removed by close), or why
 * not: Wine not installed, or node.exe not fetched (`npm run windows-node`; .ci/run does both).
 */
export async function windowsNode(): Promise<WineNode | { skip: string }> {
  if (!onPath('wine')) return { skip: 'wine is not installed (apt-get install wine; .ci/run installs it)' };
  const exe = windowsNodeExe();
  if (!existsSync(exe)) return { skip: `no Windows node.exe at ${exe} (npm run windows-node fetches it from the npm registry; .ci/run does)` };
  const prefix = await mkdtemp(join(tmpdir(), 'ziping-wine-'));
  // No Mono or Gecko installer dialog while the prefix is made, no window, no debug chatter.
  const env = { ...process.env, WINEPREFIX: join(prefix, 'prefix'), WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', DISPLAY: '' };
  const made = await wine(['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f'], prefix, env, 180_000, prefix);
  if (made.code !== 0) throw new Error(`wine could not make its prefix (exit ${made.code}): ${made.stderr}`);
  return {
    prefixMs: made.ms,
    ziping: (args, cwd, timeoutMs) => wine([exe, winePath(bin), ...args], cwd, env, timeoutMs, prefix),
    close: async () => {
      try {
        execFileSync('wineserver', ['-k'], { env, stdio: 'ignore', timeout: 30_000 });
      } catch {
        // No server left running: nothing to stop.
      }
      await rm(prefix, { recursive: true, force: true });
    },
  };
}
