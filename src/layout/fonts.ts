import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FontRole } from '../model/form-sheet.js';

/** The committed open fonts (see fonts/README.md); resolved from the source and the compiled tree alike. */
export const fontDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fonts');

export type FaceName = 'serif' | 'serifHeavy' | 'sans' | 'sansBold';

export const faceFiles: Record<FaceName, string> = {
  serif: 'NotoSerifSC-Regular-GBK.otf',
  serifHeavy: 'NotoSerifSC-Black-GBK.otf',
  sans: 'NotoSansSC-Regular-GBK.otf',
  sansBold: 'NotoSansSC-Bold-GBK.otf',
};

/** Which face prints a role: 宋体 look → serif, 黑体 → sans, 方正小标宋 → heavy serif. */
export function faceFor(role: FontRole, bold: boolean): FaceName {
  if (role === 'title') return 'serifHeavy';
  if (role === 'hei') return bold ? 'sansBold' : 'sans';
  return bold ? 'serifHeavy' : 'serif';
}

let activeDir = fontDir;

/** Print with the faces of another folder (config `fonts`); same file names as fonts/. */
export function useFontDir(dir: string | undefined): void {
  activeDir = dir ?? fontDir;
}

export function activeFontDir(): string {
  return activeDir;
}

const checked = new Set<string>();

/** Path of a face; its existence is checked once, not on every measurement. */
export function facePath(face: FaceName, dir = activeDir): string {
  const path = join(dir, faceFiles[face]);
  if (!checked.has(path)) {
    if (!existsSync(path)) throw new Error(`缺少字体文件 ${path}。请确认仓库中的 fonts/ 文件夹完整(字体随仓库提供，不会联网下载)。`);
    checked.add(path);
  }
  return path;
}
