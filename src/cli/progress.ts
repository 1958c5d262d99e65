import type { BuildEvent } from '../archive/build.js';
import { clipLine, visibleLine } from '../model/display-text.js';
import { shownPath } from '../model/shown-path.js';

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * Progress of a long run: a bar with counts and the current file, redrawn in place, on a terminal;
 * one plain line per file when the output goes to a log or a pipe (Windows Task Scheduler, CI).
 */
export interface Progress {
  (e: BuildEvent): void;
  /** clears the bar before other output, so a report does not start in the middle of it */
  clear(): void;
}

export function progressReporter(stream: ProgressStream): Progress {
  let total = 0;
  let started = Date.now();
  const report = (e: BuildEvent): void => {
    if (e.kind === 'start') {
      total = e.total;
      started = Date.now();
      if (!stream.isTTY) stream.write(`开始处理 ${total} 个文件…\n`);
      return;
    }
    const state = e.reused ? '未变化，跳过' : e.forms.some((f) => f.status === 'error') ? '无法处理' : e.repaired.length > 0 ? '输出缺失或损坏，已重新生成' : '完成';
    // A file name is what a person typed: its controls are shown, not obeyed (the bar's own escapes are ours).
    const file = visibleLine(shownPath(e.file));
    if (!stream.isTTY) {
      stream.write(`${clipLine(`[${e.done}/${e.total}] ${state}：${file}`)}\n`);
      return;
    }
    const width = 24;
    const filled = total === 0 ? width : Math.round((e.done / total) * width);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const line = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${e.done}/${e.total} ${seconds}s ${file}`;
    const max = Math.max(20, (stream.columns ?? 100) - 1);
    stream.write(`\r\x1b[2K${[...line].slice(0, max).join('')}`);
    if (e.done === e.total) stream.write('\n');
  };
  return Object.assign(report, {
    clear: (): void => {
      if (stream.isTTY) stream.write('\r\x1b[2K');
    },
  });
}
