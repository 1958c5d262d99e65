import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import fg from 'fast-glob';

/** Office and WPS leave `~$name.xlsx` lock files and `.~name` temporaries beside open workbooks. */
export function isIgnorable(path: string): boolean {
  const name = basename(path);
  return name.startsWith('~$') || name.startsWith('.~') || name.startsWith('.') || /\.(tmp|crdownload|part)$/i.test(name) || name.startsWith('.ziping-tmp-');
}

const extensions = '{xlsx,xls,XLSX,XLS,Xlsx,Xls}';

/**
 * Every spreadsheet named by the inputs (files, folders, globs), sorted so runs are repeatable.
 * Inputs that match nothing are returned in `missing` so the user hears about a typo.
 */
export async function discover(inputs: string[]): Promise<{ files: string[]; missing: string[]; empty: string[] }> {
  const files = new Set<string>();
  const missing: string[] = [];
  const empty: string[] = [];
  for (const input of inputs) {
    let found: string[] = [];
    const info = await stat(input).catch(() => null);
    if (info?.isDirectory()) {
      found = await fg(`${fg.convertPathToPattern(input)}/**/*.${extensions}`, { dot: false, onlyFiles: true, followSymbolicLinks: false });
    } else if (info?.isFile()) {
      found = [input];
    } else if (fg.isDynamicPattern(input)) {
      found = await fg(input, { dot: false, onlyFiles: true });
    }
    const kept = found.filter((f) => !isIgnorable(f));
    if (info?.isDirectory() && kept.length === 0) empty.push(input);
    else if (found.length === 0) missing.push(input);
    for (const f of kept) files.add(f);
  }
  return { files: [...files].sort(), missing, empty };
}
