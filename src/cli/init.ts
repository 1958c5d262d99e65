import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../archive/write-atomic.js';
import type { Profile } from '../model/profile.js';
import { templateWorkbook } from '../pipeline/process.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { packageRoot } from '../package-root.js';

const repoRoot = packageRoot;
export const SAMPLE_NAME = '2021-机构编制管理事务经费.xlsx';
export const TEMPLATE_NAME = '项目支出绩效自评表-空白模板.xlsx';

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null;
}

/**
 * `ziping init DIR`: the blank fillable form (input cells shaded, numbers validated) and the
 * seed sample beside it. Existing files are kept: init never overwrites someone's work.
 */
export async function init(dir: string, profile: Profile, typeset: Typesetter): Promise<{ written: string[]; kept: string[] }> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const kept: string[] = [];
  const template = join(dir, TEMPLATE_NAME);
  if (await exists(template)) kept.push(template);
  else {
    await writeAtomic(template, await templateWorkbook(profile, typeset));
    written.push(template);
  }
  const sample = join(dir, SAMPLE_NAME);
  if (await exists(sample)) kept.push(sample);
  else {
    await copyFile(join(repoRoot, 'data', SAMPLE_NAME), sample);
    written.push(sample);
  }
  return { written, kept };
}
