import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { withFsErrors } from '../archive/fs-errors.js';
import { writeAtomic } from '../archive/write-atomic.js';
import type { Profile } from '../model/profile.js';
import { templateWorkbook } from '../pipeline/process.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { packageRoot } from '../package-root.js';

const repoRoot = packageRoot;
export const SAMPLE_NAME = '2021-机构编制管理事务经费.xlsx';
export const TEMPLATE_NAME = '项目支出绩效自评表-空白模板.xlsx';
/** Separate folders: a build of the folder where forms are collected never takes the sample for a real project. */
export const TEMPLATE_FOLDER = '模板';
export const SAMPLE_FOLDER = '示例';

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null;
}

/**
 * `ziping init DIR`: the blank fillable form (input cells shaded, numbers validated, 执行率 and
 * 总分 as formulas) in DIR/模板/ and the seed sample in DIR/示例/. A build that meets the template
 * skips it as blank (INGEST_FORM_BLANK). Existing files are kept: init never overwrites someone's work.
 */
export async function init(dir: string, profile: Profile, typeset: Typesetter): Promise<{ written: string[]; kept: string[] }> {
  const written: string[] = [];
  const kept: string[] = [];
  // Written as the archive writes (whole or not at all); a failure is said in init's words (its folder, not --out).
  const files: Array<[string, () => Promise<Uint8Array>]> = [
    [join(dir, TEMPLATE_FOLDER, TEMPLATE_NAME), () => templateWorkbook(profile, typeset)],
    [join(dir, SAMPLE_FOLDER, SAMPLE_NAME), () => withFsErrors('读取', join(repoRoot, 'data', SAMPLE_NAME), () => readFile(join(repoRoot, 'data', SAMPLE_NAME)))],
  ];
  for (const [path, bytes] of files) {
    if (await exists(path)) kept.push(path);
    else {
      await writeAtomic(path, await bytes(), { place: 'init' });
      written.push(path);
    }
  }
  return { written, kept };
}

/** What to do after init, said once: where the template is, and that forms are collected in a folder of their own. */
export function initNextSteps(dir: string): string {
  const at = (folder: string): string => join(dir, folder);
  return [
    '接下来：',
    `  1. 复制“${at(TEMPLATE_FOLDER)}”中的空白模板，填写浅黄色单元格(执行率和总分会自动计算)，保存。`,
    '  2. 把填好的表格放进一个文件夹(如“收件箱”)，运行：ziping build 收件箱 --out 归档',
    `  “${at(SAMPLE_FOLDER)}”中是一份填好的示例，可先试一下：ziping build "${at(SAMPLE_FOLDER)}" --out 试运行`,
    '  空白模板即使混在表格中也会被跳过，不会归档。',
  ].join('\n');
}
