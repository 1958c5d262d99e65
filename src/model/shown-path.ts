import { sep } from 'node:path';

/*
 * A path has two forms. Recorded: as the manifest, the records and the pages' links hold it, `/`
 * between segments on every system, so an archive reads the same wherever it was built (a
 * contract: other programs read it). Shown: as this system writes it, for people to read and to
 * paste into Explorer or a terminal, `收件箱\表.xlsx` on Windows. Nothing shown is recorded.
 */

/** A path as the manifest records it: the `\` of a Windows path as `/`. */
export const recordedPath = (path: string): string => path.replace(/\\/g, '/');

/** A recorded path (or one as typed) as this system writes it. Outside Windows a `\` is part of a name, and stays. */
export function shownPath(path: string, separator: string = sep): string {
  return separator === '\\' ? path.replace(/\//g, '\\') : path;
}

/** `rel` (recorded, relative) inside the folder a user named `root`, as this system writes it: `归档\2021\汇总表.xlsx`. */
export function shownJoin(root: string, rel: string, separator: string = sep): string {
  const base = shownPath(root, separator);
  if (rel === '') return base;
  const trimmed = separator === '\\' ? base.replace(/\\+$/, '') : base.replace(/\/+$/, '');
  return `${trimmed}${separator}${shownPath(rel, separator)}`;
}

/**
 * A message as this system shows it: the files it names in `文件“…”` (findings are recorded in
 * the manifest with recorded paths) with this system's separator. Messages put paths, and only
 * paths, in 文件“…”; a cell's text elsewhere in a message (“人/次”, “2021/12/31”) is left as typed.
 */
export function shownMessage(message: string, separator: string = sep): string {
  return separator === '\\' ? message.replace(/文件“([^”]*)”/g, (_, path: string) => `文件“${shownPath(path, separator)}”`) : message;
}
