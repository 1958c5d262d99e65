/**
 * A build killed with SIGKILL at any moment leaves only complete files under out/ (every .pdf and
 * .xlsx opens, manifest.json parses), at most some `.ziping-tmp-*` temporaries; the next build
 * sweeps those and completes. Runs the compiled CLI (`npm run build` first).
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/pipeline/process.js';
import { Manifest } from '../../src/model/manifest.js';
import { pdfInfo } from '../helpers/pdf.js';
import { fixture, seedPath } from '../helpers/pipeline.js';
import { bin, ziping } from '../helpers/spawn-cli.js';
import { loadWorkbook } from '../helpers/xlsx.js';

const TEMP = '.ziping-tmp-';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

type Trigger = { after: number } | { when: 'temp-file' | 'first-output' | 'manifest-temp'; limit: number };

/** Starts a build and SIGKILLs it at `trigger`; resolves once the process is gone. */
async function killBuild(cwd: string, args: string[], trigger: Trigger): Promise<{ killedAfterMs: number; exitedBeforeKill: boolean; signal: string | null }> {
  const out = join(cwd, 'out');
  // Temporaries left by an earlier kill are not the sign we wait for.
  const before = new Set(await filesUnder(out));
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, FORCE_COLOR: '0' }, stdio: 'ignore' });
  const started = Date.now();
  let exited = false;
  let signal: string | null = null;
  const closed = new Promise<void>((done) =>
    child.on('close', (_code, s) => {
      exited = true;
      signal = s;
      done();
    }),
  );
  if ('after' in trigger) {
    await Promise.race([sleep(trigger.after), closed]);
  } else {
    // Poll the output folder as fast as the event loop allows and kill at the first sight.
    const seen = (all: string[]): boolean => {
      const files = all.filter((f) => !before.has(f));
      if (trigger.when === 'temp-file') return files.some((f) => f.split('/').pop()?.startsWith(TEMP));
      if (trigger.when === 'manifest-temp') return files.some((f) => f.startsWith(TEMP) && f.endsWith('manifest.json'));
      return files.some((f) => /\.(pdf|xlsx)$/.test(f) && !f.split('/').pop()?.startsWith(TEMP) && !f.endsWith('汇总表.xlsx'));
    };
    while (!exited && Date.now() - started < trigger.limit && !seen(await filesUnder(out))) await sleep(0);
  }
  const killedAfterMs = Date.now() - started;
  const exitedBeforeKill = exited;
  if (!exited) child.kill('SIGKILL');
  await closed;
  return { killedAfterMs, exitedBeforeKill, signal };
}

/** Every file under out/ is complete: PDFs open in poppler, workbooks in exceljs, the manifest parses. */
async function expectAllComplete(out: string, label: string): Promise<{ pdf: number; xlsx: number; temps: number; manifest: boolean; lock: boolean }> {
  const files = await filesUnder(out);
  const counts = { pdf: 0, xlsx: 0, temps: 0, manifest: false, lock: false };
  for (const f of files) {
    const name = f.split('/').pop() ?? '';
    if (name.startsWith(TEMP)) {
      counts.temps++;
      continue;
    }
    // The lock of the killed run stays behind (nothing could remove it); the next run takes it over.
    if (f === '.ziping-lock') {
      counts.lock = true;
      continue;
    }
    // Per-form records and the years' record beside the manifest: written whole (atomically) like everything else.
    if (f.startsWith('.ziping/forms/') || f === '.ziping/years.json') {
      JSON.parse(await readFile(join(out, f), 'utf8'));
      continue;
    }
    const path = join(out, f);
    if (f.endsWith('.pdf')) {
      const info = pdfInfo(await readFile(path));
      expect(Number(info.Pages), `${label}: ${f}`).toBeGreaterThanOrEqual(1);
      counts.pdf++;
    } else if (f.endsWith('.xlsx')) {
      const wb = await loadWorkbook(path).catch((error: unknown) => {
        throw new Error(`${label}: ${f} does not open in exceljs: ${String(error)}`);
      });
      expect(wb.worksheets.length, `${label}: ${f}`).toBeGreaterThanOrEqual(1);
      counts.xlsx++;
    } else if (f === 'manifest.json') {
      Manifest.parse(JSON.parse(await readFile(path, 'utf8')));
      counts.manifest = true;
    } else if (f.endsWith('.html')) {
      expect(await readFile(path, 'utf8'), `${label}: ${f}`).toMatch(/<\/html>\s*$/);
    } else {
      throw new Error(`${label}: unexpected file ${f}`);
    }
  }
  return counts;
}

describe('a build killed with SIGKILL', () => {
  let cwd: string;
  const FORMS = 12;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'ziping-kill-'));
    await mkdir(join(cwd, 'in'));
    const sources = [seedPath, fixture('hebei-2019.xlsx'), fixture('anhui-2022.xlsx'), fixture('sichuan-zhongjiang-2022.xlsx')];
    for (let i = 0; i < FORMS; i++) await copyFile(sources[i % sources.length] ?? seedPath, join(cwd, 'in', `表${String(i + 1).padStart(2, '0')}.xlsx`));
  });

  it('leaves only complete files wherever it is killed, and a rerun sweeps the temporaries and completes', async () => {
    const out = join(cwd, 'out');
    const log: string[] = [];
    let interrupted = 0;
    const killAt = async (trigger: Trigger, force: boolean, label: string): Promise<void> => {
      const killed = await killBuild(cwd, ['build', 'in', '--out', 'out', ...(force ? ['--force'] : [])], trigger);
      const counts = await expectAllComplete(out, label);
      if (!killed.exitedBeforeKill) interrupted++;
      log.push(
        `${label}: killed after ${killed.killedAfterMs} ms${killed.exitedBeforeKill ? ' (had already finished)' : ''}; ${counts.pdf} pdf, ${counts.xlsx} xlsx, ${counts.temps} temp, manifest ${counts.manifest ? 'yes' : 'no'}, lock left ${counts.lock ? 'yes' : 'no'}`,
      );
      // A run killed while it held the lock leaves it; the next run must take it over, not wait or refuse.
      // (A temporary shows the run got that far: it writes none before it holds the lock.)
      if (!killed.exitedBeforeKill && counts.temps > 0) expect(counts.lock, label).toBe(true);
    };

    // From nothing: before any output, at the first temporary, at the first finished output.
    await killAt({ after: 150 }, false, 'fresh, 150 ms');
    await killAt({ when: 'temp-file', limit: 30_000 }, false, 'fresh, first temp file');
    await killAt({ when: 'first-output', limit: 30_000 }, false, 'fresh, first output');

    // One complete build, to know how long a run takes (the renderers are being made faster).
    const started = Date.now();
    const full = await ziping(['build', 'in', '--out', 'out', '--force'], cwd);
    const duration = Date.now() - started;
    expect(full.code, full.stderr).toBe(0);
    log.push(`complete build: ${duration} ms`);

    // Over complete files (--force rewrites them all): kills spread over the run, and at writes.
    for (const fraction of [0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.95]) {
      const after = Math.round(duration * fraction);
      await killAt({ after }, true, `rewrite, ${after} ms (${Math.round(fraction * 100)} %)`);
    }
    await killAt({ when: 'temp-file', limit: 30_000 }, true, 'rewrite, first temp file');
    await killAt({ when: 'manifest-temp', limit: 30_000 }, true, 'rewrite, manifest temp file');
    expect(interrupted, log.join('\n')).toBeGreaterThanOrEqual(8);
    console.log(`[kill] ${log.join('\n[kill] ')}`);

    const lockLeft = (await filesUnder(out)).includes('.ziping-lock');
    const rerunStarted = Date.now();
    const rerun = await ziping(['build', 'in', '--out', 'out', '--json'], cwd);
    console.log(`[kill] rerun after the last kill: exit ${rerun.code} in ${Date.now() - rerunStarted} ms; lock left before it: ${lockLeft}`);
    expect(rerun.code, rerun.stderr).toBe(0);
    // The dead run's lock is taken over at once (its pid is gone), and said so.
    if (lockLeft) expect(rerun.stderr).toMatch(/OUT_LOCK_STALE：输出文件夹“out”上留有一次已中断的运行的锁\(ziping build，进程 \d+/);
    const files = await filesUnder(out);
    expect(files.filter((f) => f.split('/').pop()?.startsWith(TEMP))).toEqual([]);
    expect(files).not.toContain('.ziping-lock');
    const manifest = Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
    expect(manifest.forms).toHaveLength(FORMS);
    for (const form of manifest.forms) {
      expect(form.status, form.source).toBe('ok');
      const outputs = form.outputs;
      if (!outputs) throw new Error(`${form.source}: no outputs`);
      // What the manifest records is what is on disk.
      expect(sha256(await readFile(join(out, outputs.pdf))), outputs.pdf).toBe(outputs.sha256.pdf);
      expect(sha256(await readFile(join(out, outputs.xlsx))), outputs.xlsx).toBe(outputs.sha256.xlsx);
    }
    const final = await expectAllComplete(out, 'after the rerun');
    // Each form's PDF, each department folder's combined PDF and each year's report, as the manifest records it.
    const combined = (manifest.yearReports ?? []).flatMap((r) => [...(r.combined ?? []), ...(r.report ? [r.report] : [])]);
    for (const c of combined) expect(sha256(await readFile(join(out, c.path))), c.path).toBe(c.sha256);
    expect((manifest.yearReports ?? []).every((r) => r.report)).toBe(true);
    expect(final).toMatchObject({ pdf: FORMS + combined.length, temps: 0, manifest: true });
    // One summary workbook per year next to the forms' workbooks, each form's annotated copy, each department's 复核意见.
    const review = (manifest.yearReports ?? []).flatMap((r) => r.review ?? []);
    const annotated = manifest.forms.flatMap((f) => (f.annotated ? [f.annotated] : []));
    for (const c of [...review, ...annotated]) expect(sha256(await readFile(join(out, c.path))), c.path).toBe(c.sha256);
    expect(final.xlsx).toBe(FORMS + new Set(manifest.forms.map((f) => f.year)).size + annotated.length + review.length);
    // Nothing left behind: every form file is in the manifest.
    const listed = new Set([...manifest.forms.flatMap((f) => [f.outputs?.pdf, f.outputs?.xlsx]), ...combined.map((c) => c.path), ...review.map((r) => r.path), ...annotated.map((a) => a.path)]);
    expect(files.filter((f) => /\.(pdf|xlsx)$/.test(f) && !f.endsWith('/汇总表.xlsx') && !listed.has(f))).toEqual([]);
  }, 240_000);
});
