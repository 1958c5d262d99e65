import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { watch as chokidarWatch } from 'chokidar';
import { isIgnorable } from '../archive/discover.js';
import { looksComplete } from '../archive/complete-file.js';
import { isInside } from '../archive/safe-name.js';
import { shownPath } from '../model/shown-path.js';

export interface WatchOptions {
  /** how long a file's size must stay the same before it is read, ms */
  stableMs?: number;
  log: (line: string) => void;
  /** stops the watcher (Ctrl-C in the CLI) */
  signal: AbortSignal;
  /** real paths of folders not watched: the output folder, when it lies inside the watched one (its workbooks are outputs, not inputs) */
  exclude?: string[];
}

const spreadsheet = /\.xlsx?$/i;

/**
 * Builds once, then again whenever a spreadsheet in `dir` is added, changed or removed. A file
 * still being copied in is not read: the watcher waits until its size is stable and, for .xlsx,
 * until the zip is complete. Builds never overlap; a failing build is logged and watching goes on.
 */
export async function watchFolder(dir: string, runBuild: (reason: string) => Promise<void>, options: WatchOptions): Promise<void> {
  const { log, signal } = options;
  let running: Promise<void> = Promise.resolve();
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const schedule = (reason: string): void => {
    pending.push(reason);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const reasons = pending;
      pending = [];
      running = running.then(async () => {
        try {
          await runBuild(reasons.join('、'));
        } catch (error) {
          log(`本次生成出错：${error instanceof Error ? error.message : String(error)}。继续监视。`);
        }
      });
    }, 200);
  };

  // An output folder that holds the watched one (--out . beside the inbox) is not left out: only one inside it is.
  const exclude = (options.exclude ?? []).map((p) => resolve(p)).filter((x) => !isInside(x, resolve(dir)));
  const excluded = (path: string): boolean => exclude.some((x) => isInside(x, resolve(path)));
  await runBuild('首次生成');
  const watcher = chokidarWatch(dir, {
    ignoreInitial: true,
    awaitWriteFinish: { stabilityThreshold: options.stableMs ?? 1000, pollInterval: 100 },
    // Only folders and regular files: a FIFO named like a workbook would block the first read forever.
    ignored: (path, stats) => isIgnorable(path) || excluded(path) || (stats !== undefined && !stats.isDirectory() && !(stats.isFile() && spreadsheet.test(path))),
  });
  const onFile = async (event: 'add' | 'change', path: string): Promise<void> => {
    if (!spreadsheet.test(path)) return;
    const info = await lstat(path).catch(() => null);
    if (!info?.isFile()) return;
    if (!(await looksComplete(path))) {
      log(`“${path}”还没有写完整，等它复制完成后再处理。`);
      return;
    }
    schedule(`${event === 'add' ? '新增' : '修改'}“${path}”`);
  };
  watcher.on('add', (p) => void onFile('add', p));
  watcher.on('change', (p) => void onFile('change', p));
  watcher.on('unlink', (p) => spreadsheet.test(p) && schedule(`删除“${p}”`));
  watcher.on('error', (e) => log(`监视出错：${e instanceof Error ? e.message : String(e)}`));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  log(`正在监视“${shownPath(dir)}”，放入或修改表格后会自动生成。按 Ctrl-C 停止。`);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  clearTimeout(timer);
  await watcher.close();
  await running;
  log('已停止监视。');
}
