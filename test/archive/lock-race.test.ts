/**
 * Several processes racing for the lock on --out (src/archive/lock.ts), some killed while they
 * hold it, never hold it at the same time: real processes running the sources (through tsx).
 * In the slow set: it takes a few seconds of process start-ups.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/archive/lock.js';
import { root } from '../helpers/pipeline.js';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid ?? 0;
  await new Promise((r) => child.once('close', r));
  return pid;
}

describe('the lock on --out under contention', () => {
  it('processes racing for it, also for dead ones (some killed while holding it), never hold it at the same time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-lock-'));
    await writeFile(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: await deadPid(), host: hostname(), started: new Date().toISOString(), runId: '0123456789abcdef', command: 'ziping build', generator: 'ziping 0.1.0' }),
    );
    // The sources through tsx: the build is one bundle, with no lock module of its own.
    const lockModule = pathToFileURL(join(root, 'src', 'archive', 'lock.ts')).href;
    const script = `
      import { acquireLock } from ${JSON.stringify(lockModule)};
      import { appendFileSync } from 'node:fs';
      const lock = await acquireLock(process.argv[1], { command: 'test', shownOut: 'out', times: { waitMs: 30000, pollMs: 5 } });
      appendFileSync(process.argv[2], 'start ' + process.pid + '\\n');
      await new Promise((r) => setTimeout(r, 100));
      appendFileSync(process.argv[2], 'end ' + process.pid + '\\n');
      // Some die holding it (kill -9): the others must take their lock over, one at a time.
      if (process.argv[3] === 'die') process.kill(process.pid, 'SIGKILL');
      await lock.release();`;
    const journal = join(dir, 'journal.txt');
    const runs = Array.from({ length: 9 }, (_, i) =>
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir, journal, i % 3 === 0 ? 'die' : 'live'], { stdio: 'inherit', cwd: root }),
    );
    const ends = await Promise.all(runs.map((c) => new Promise<string>((r) => c.on('close', (code, signal) => r(signal ?? String(code))))));
    expect(ends).toEqual(['SIGKILL', '0', '0', 'SIGKILL', '0', '0', 'SIGKILL', '0', '0']);
    const lines = (await readFile(journal, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(18);
    // Strictly alternating start/end of the same process: no two ever held it together.
    for (let i = 0; i < lines.length; i += 2) {
      const [s, e] = [lines[i]?.split(' '), lines[i + 1]?.split(' ')];
      expect(s?.[0]).toBe('start');
      expect(e?.[0]).toBe('end');
      expect(e?.[1]).toBe(s?.[1]);
    }
  }, 30_000);
});
