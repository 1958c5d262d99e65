/**
 * Two real `ziping build` processes on one --out (30 generated forms): they never interleave. The
 * second waits for the lock and then runs, or, with --wait 0, is refused (exit 2, Chinese message)
 * without touching the folder; a run started while the first is writing does not crash it or
 * remove its temporaries. After each case the archive is consistent (helpers/archive-check.ts).
 * Runs the compiled CLI (`npm run build` first).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateInputs } from '../../src/bench/generate.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { expectArchiveConsistent } from '../helpers/archive-check.js';
import { typeset } from '../helpers/pipeline.js';
import { bin, ziping } from '../helpers/spawn-cli.js';

const FORMS = 30;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A build in the background: its exit, output and duration once it ends. */
function startBuild(cwd: string, args: string[]): { pid: number; done: Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> } {
  const started = Date.now();
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, FORCE_COLOR: '0' } });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - started })),
  );
  return { pid: child.pid ?? 0, done };
}

/** Polls the output folder until `seen` holds for its files (relative paths), as fast as the event loop allows. */
async function waitForFiles(dir: string, seen: (files: string[]) => boolean, limitMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
    if (seen(entries.filter((e) => e.isFile()).map((e) => e.name))) return Date.now() - started;
    await sleep(5);
  }
  throw new Error(`nothing seen in ${dir} within ${limitMs} ms`);
}

describe('two builds on one output folder', () => {
  let cwd: string;
  const log: string[] = [];

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'ziping-concurrent-'));
    await generateInputs(join(cwd, 'in'), FORMS, loadProfile('ningxia'), typeset);
  }, 120_000);

  it('started together: one builds, the other waits for the lock and then runs; never both at once', async () => {
    const a = startBuild(cwd, ['build', 'in', '--out', 'out', '--wait', '60']);
    const b = startBuild(cwd, ['build', 'in', '--out', 'out', '--wait', '60']);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    log.push(`together: A exit ${ra.code} in ${ra.ms} ms, B exit ${rb.code} in ${rb.ms} ms`);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    // Exactly one waited, said so in Chinese with the other's pid, and then found everything built.
    const waited = [ra, rb].filter((r) => r.stderr.includes('OUT_LOCK_WAITING'));
    expect(waited).toHaveLength(1);
    const [second] = waited;
    expect(second?.stderr).toMatch(/OUT_LOCK_WAITING：输出文件夹“out”正由另一次运行使用\(ziping build，进程 \d+，主机 [^，]+，.+ 开始\)，最多等待 60 秒/);
    expect(second?.stdout).toContain(`重新生成 0 个，未变化跳过 ${FORMS} 个`);
    const first = waited[0] === ra ? rb : ra;
    expect(first.stdout).toContain(`重新生成 ${FORMS} 个`);
    const check = await expectArchiveConsistent(join(cwd, 'out'), 'together');
    expect(check.forms).toBe(FORMS);
  }, 120_000);

  it('with --wait 0, a second build while the first runs is refused: exit 2, the Chinese message, nothing written', async () => {
    const a = startBuild(cwd, ['build', 'in', '--out', 'out', '--force']);
    await waitForFiles(join(cwd, 'out'), (files) => files.includes('.ziping-lock'), 20_000);
    const b = await ziping(['build', 'in', '--out', 'out', '--wait', '0', '--force'], cwd);
    const ra = await a.done;
    log.push(`--wait 0: B exit ${b.code} in ${b.ms} ms while A ran (A exit ${ra.code} in ${ra.ms} ms)`);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(new RegExp(`OUT_LOCKED：输出文件夹“out”正由另一次运行使用\\(ziping build，进程 ${a.pid}，`));
    expect(b.stderr).toContain('本次没有写入任何文件');
    expect(b.stderr).not.toMatch(/at .+\.js:\d+/);
    expect(b.stdout).toBe('');
    expect(ra.code, ra.stderr).toBe(0);
    expect(ra.stdout).toContain(`重新生成 ${FORMS} 个`);
    await expectArchiveConsistent(join(cwd, 'out'), '--wait 0');
  }, 120_000);

  it('a build started while the first is writing its files does not crash it or remove its temporaries', async () => {
    const a = startBuild(cwd, ['build', 'in', '--out', 'out', '--force']);
    // The first run is mid-write: one of its temporaries is on disk.
    const after = await waitForFiles(join(cwd, 'out'), (files) => files.some((f) => f.startsWith('.ziping-tmp-')), 20_000);
    const b = startBuild(cwd, ['build', 'in', '--out', 'out', '--force', '--wait', '60']);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    log.push(`staggered (second started ${after} ms into the first): A exit ${ra.code} in ${ra.ms} ms, B exit ${rb.code} in ${rb.ms} ms`);
    expect(ra.code, ra.stderr).toBe(0);
    expect(ra.stdout).toContain(`共 ${FORMS} 份：成功 ${FORMS} 份`);
    expect(ra.stderr).not.toMatch(/ENOENT|FS_|INTERNAL_ERROR/);
    expect(rb.code, rb.stderr).toBe(0);
    expect(rb.stderr).toContain('OUT_LOCK_WAITING');
    expect(rb.stdout).toContain(`重新生成 ${FORMS} 个`);
    await expectArchiveConsistent(join(cwd, 'out'), 'staggered');
  }, 120_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s mid-write: its temporaries removed, the lock released, exit %i; the next run needs no take-over',
    async (signal, status) => {
      const started = Date.now();
      const child = spawn(process.execPath, [bin, 'build', 'in', '--out', 'out', '--force'], { cwd, env: { ...process.env, FORCE_COLOR: '0' } });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      await waitForFiles(join(cwd, 'out'), (files) => files.some((f) => f.startsWith('.ziping-tmp-')), 20_000);
      child.kill(signal);
      const code = await closed;
      log.push(`${signal} after ${Date.now() - started} ms: exit ${code}`);
      expect(code).toBe(status);
      expect(stderr).toContain(`RUN_INTERRUPTED：已中止(${signal})。本次写了一半的临时文件已删除`);
      const files = await readdir(join(cwd, 'out'), { recursive: true });
      expect(files.map(String).filter((f) => f.includes('.ziping-tmp-') || f === '.ziping-lock')).toEqual([]);
      await expectArchiveConsistent(join(cwd, 'out'), signal);
      const next = await ziping(['build', 'in', '--out', 'out'], cwd);
      expect(next.code, next.stderr).toBe(0);
      expect(next.stderr).not.toContain('OUT_LOCK_STALE');
      await expectArchiveConsistent(join(cwd, 'out'), `after ${signal}`);
      if (signal === 'SIGTERM') console.log(`[concurrent] ${log.join('\n[concurrent] ')}`);
    },
    120_000,
  );
});
