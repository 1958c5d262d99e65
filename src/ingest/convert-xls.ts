import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export type XlsConversion = { ok: true; buffer: Buffer } | { ok: false; reason: 'missing' | 'failed'; detail: string };

const candidates = ['soffice', 'libreoffice'];

function run(command: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string; missing: boolean }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, _stdout, stderr) => {
      const missing = error !== null && (error as NodeJS.ErrnoException).code === 'ENOENT';
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr: String(stderr), missing });
    });
  });
}

/**
 * Old-format .xls → .xlsx through LibreOffice, when it is installed. Each call gets its own
 * profile folder (two conversions sharing one block each other) and a time limit.
 */
export async function convertXls(path: string, timeoutMs = 90_000): Promise<XlsConversion> {
  const work = await mkdtemp(join(tmpdir(), 'ziping-xls-'));
  try {
    for (const command of candidates) {
      const result = await run(command, ['--headless', '--norestore', `-env:UserInstallation=file://${join(work, 'profile')}`, '--convert-to', 'xlsx', '--outdir', work, path], timeoutMs);
      if (result.missing) continue;
      const converted = join(work, basename(path).replace(/\.xls$/i, '.xlsx'));
      const buffer = await readFile(converted).catch(() => null);
      if (buffer) return { ok: true, buffer };
      return { ok: false, reason: 'failed', detail: result.stderr.trim().slice(0, 200) || `退出码 ${String(result.code)}` };
    }
    return { ok: false, reason: 'missing', detail: '' };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
