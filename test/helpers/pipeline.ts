import { join } from 'node:path';
import { ingestFile } from '../../src/ingest/ingest-file.js';
import type { FormInput } from '../../src/model/form-input.js';
import type { ScoreMode } from '../../src/model/profile.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { scoreForm } from '../../src/score/score-form.js';

export const root = join(import.meta.dirname, '..', '..');
export const seedPath = join(root, 'data', '2021-机构编制管理事务经费.xlsx');
export const fixture = (name: string): string => join(root, 'test', 'fixtures', 'xlsx', name);

export async function readForms(path: string) {
  const result = await ingestFile(path);
  return result;
}

export async function scoreFile(path: string, profile = 'ningxia', mode: ScoreMode = 'auto') {
  const result = await ingestFile(path);
  const p = loadProfile(profile);
  return result.forms.map((f) => ({ ...scoreForm(f.input, p, mode), ingestFindings: f.findings }));
}

/** FormInput without where things were: for comparing a form read from two different files. */
export function withoutCells(input: FormInput): unknown {
  return JSON.parse(JSON.stringify({ ...input, source: undefined }, (key, value) => (key === 'cell' ? undefined : value)));
}
