import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FontRole } from '../model/form-sheet.js';
import { packageRoot } from '../package-root.js';

/** The committed open fonts (see fonts/README.md); resolved from the source and the compiled tree alike. */
export const defaultFontDir = join(packageRoot, 'fonts');

export type FaceName = 'serif' | 'serifHeavy' | 'sans' | 'sansBold';

export const faceFiles: Record<FaceName, string> = {
  serif: 'NotoSerifSC-Regular-GBK.otf',
  serifHeavy: 'NotoSerifSC-Black-GBK.otf',
  sans: 'NotoSansSC-Regular-GBK.otf',
  sansBold: 'NotoSansSC-Bold-GBK.otf',
};

export const faceNames = Object.keys(faceFiles) as FaceName[];

/** Which face prints a role: 宋体 look → serif, 黑体 → sans, 方正小标宋 → heavy serif. */
export function faceFor(role: FontRole, bold: boolean): FaceName {
  if (role === 'title') return 'serifHeavy';
  if (role === 'hei') return bold ? 'sansBold' : 'sans';
  return bold ? 'serifHeavy' : 'serif';
}

/**
 * The faces a role draws with, in order: a character the first lacks is taken from the next, so
 * a rare character prints in the other family rather than as a box.
 */
export function faceChain(role: FontRole, bold: boolean): readonly FaceName[] {
  if (role === 'title') return ['serifHeavy', 'sansBold', 'serif'];
  if (role === 'hei') return bold ? ['sansBold', 'serifHeavy', 'sans'] : ['sans', 'serif'];
  return bold ? ['serifHeavy', 'sansBold', 'serif'] : ['serif', 'sans'];
}

/** Path of a face in `dir`; a missing file is said in Chinese, since fonts are never downloaded. */
export function facePath(dir: string, face: FaceName): string {
  const path = join(dir, faceFiles[face]);
  if (!existsSync(path)) throw new Error(`缺少字体文件 ${path}。请确认 fonts/ 文件夹完整(字体随程序提供，不会联网下载)，或检查配置文件中的 fonts 设置。`);
  return path;
}
