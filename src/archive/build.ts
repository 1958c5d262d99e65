import { join } from 'node:path';
import { MANIFEST_SCHEMA, type Manifest, type ManifestForm } from '../model/manifest.js';
import type { Profile, ScoreMode } from '../model/profile.js';
import { generator } from '../version.js';
import { discover } from './discover.js';
import { OutputNames, DEFAULT_NAME_PATTERN } from './output-names.js';
import { readAndScore, sha256 } from './read-and-score.js';
import { renderForm } from './render-form.js';
import { isInside } from './safe-name.js';
import { writeAtomic } from './write-atomic.js';

export interface BuildOptions {
  out: string;
  profile: Profile;
  mode: ScoreMode;
  namePattern?: string;
}

export interface BuildResult {
  manifest: Manifest;
  missing: string[];
}

export type Progress = (event: { file: string; done: number; total: number; forms: ManifestForm[] }) => void;

const toPosix = (p: string): string => p.replace(/\\/g, '/');

/**
 * ziping build: every form of every input, scored, laid out and written as .xlsx and .pdf under
 * `out`, plus manifest.json. One bad file becomes an error entry; the others go on.
 */
export async function build(inputs: string[], options: BuildOptions, progress?: Progress): Promise<BuildResult> {
  const { files, missing } = await discover(inputs);
  const names = new OutputNames(options.namePattern ?? DEFAULT_NAME_PATTERN);
  const forms: ManifestForm[] = [];
  let done = 0;
  for (const file of files) {
    const source = toPosix(file);
    const processed = await readAndScore(file, source, options.profile, options.mode);
    const produced: ManifestForm[] = [];
    for (const { entry, scored } of processed) {
      if (!scored) {
        produced.push(entry);
        continue;
      }
      const rendered = await renderForm(scored, options.profile);
      const input = scored.input;
      const base = names.next({
        年度: input.year.value === null ? '未知年度' : String(input.year.value),
        主管部门: input.department.text || '未填写主管部门',
        实施单位: input.implementingUnit.text || '未填写实施单位',
        项目名称: input.projectName.text || '未填写项目名称',
        文件名: source.split('/').pop()?.replace(/\.xlsx?$/i, '') ?? '',
        工作表: input.source.sheet,
      });
      const xlsx = `${base}.xlsx`;
      const pdf = `${base}.pdf`;
      if (!isInside(options.out, xlsx) || !isInside(options.out, pdf)) throw new Error(`refusing to write outside ${options.out}: ${base}`);
      await writeAtomic(join(options.out, xlsx), rendered.xlsx);
      await writeAtomic(join(options.out, pdf), rendered.pdf);
      produced.push({
        ...entry,
        findings: [...entry.findings, ...rendered.findings],
        outputs: { xlsx, pdf, sha256: { xlsx: sha256(rendered.xlsx), pdf: sha256(rendered.pdf) } },
      });
    }
    forms.push(...produced);
    done++;
    progress?.({ file: source, done, total: files.length, forms: produced });
  }
  const manifest: Manifest = { schema: MANIFEST_SCHEMA, generator, forms };
  await writeAtomic(join(options.out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, missing };
}
