import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type BuildResult } from '../../src/archive/build.js';
import { typeset } from './pipeline.js';
import { filledTemplate } from './template.js';

/** The department of the filled templates (helpers/template.ts). */
export const DEPARTMENT = '某县交通运输局';

export interface TestArchive {
  dir: string;
  /** the folder read (`收件箱`) */
  inbox: string;
  /** the output folder (`归档`), beside it */
  out: string;
  /** builds the inbox into out in this process, as `ziping build 收件箱 --out 归档` does */
  run: () => Promise<BuildResult>;
}

export async function testArchive(name: string): Promise<TestArchive> {
  const dir = await mkdtemp(join(tmpdir(), `ziping-${name}-`));
  const inbox = join(dir, '收件箱');
  const out = join(dir, '归档');
  await mkdir(inbox);
  return { dir, inbox, out, run: () => build([inbox], { out, profile: { kind: 'auto' }, mode: 'auto', typeset, jobs: 1 }) };
}

/** Two projects of DEPARTMENT in the inbox (道路.xlsx, 桥梁.xlsx), each with a score above what the rules give: a warning, so the review files are due. */
export async function roadAndBridge(a: Pick<TestArchive, 'dir' | 'inbox'>): Promise<void> {
  await filledTemplate(join(a.dir, 'a'), join(a.inbox, '道路.xlsx'), 2021);
  await filledTemplate(join(a.dir, 'b'), join(a.inbox, '桥梁.xlsx'), 2021, { name: '桥梁检测' });
}
