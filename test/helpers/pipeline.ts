import { join } from 'node:path';
import type { FormInput } from '../../src/model/form-input.js';
import type { ScoreMode } from '../../src/model/profile.js';
import type { ScoredForm } from '../../src/model/scored-form.js';
import { manifestEntry } from '../../src/archive/manifest.js';
import { processFile, renderScored } from '../../src/pipeline/process.js';
import { loadProfile, profileChoice } from '../../src/profiles/load-profile.js';
import { typesetterFor } from '../../src/typeset/typesetter.js';

export const root = join(import.meta.dirname, '..', '..');
export const seedPath = join(root, 'data', '2021-机构编制管理事务经费.xlsx');
export const fixture = (name: string): string => join(root, 'test', 'fixtures', 'xlsx', name);
/** A profile forced for every form, as `--profile NAME` does. */
export const forced = (name: string) => profileChoice(name, 'option');

/** The committed fonts, as every command uses them by default. */
export const typeset = typesetterFor();

/** Every form of a file, read and scored through the pipeline; `ingestFindings` are what reading the file found. */
export async function scoreFile(path: string, profile = 'ningxia', mode: ScoreMode = 'auto'): Promise<Array<ScoredForm & { ingestFindings: ScoredForm['findings'] }>> {
  const outcome = await processFile(path, path, { profile: profileChoice(profile, 'option'), mode, typeset, render: false });
  return outcome.forms.flatMap((f) => (f.scored ? [{ ...f.scored, ingestFindings: f.findings.filter((x) => !f.scored?.findings.includes(x)) }] : []));
}

/** A scored form laid out and rendered in every format: the sheet, the .xlsx and PDF bytes, pages and layout findings. */
export async function renderForm(scored: ScoredForm, profile = 'ningxia') {
  const r = await renderScored(scored, loadProfile(profile), typeset);
  const bytes = (format: string): Buffer => {
    const file = r.files.find((f) => f.format === format);
    if (!file) throw new Error(`no ${format} rendered`);
    return Buffer.from(file.bytes);
  };
  return { sheet: r.sheet, xlsx: bytes('xlsx'), pdf: bytes('pdf'), pages: r.sheet.pages.length, findings: r.findings };
}

/** FormInput without where things were: for comparing a form read from two different files. */
export function withoutCells(input: FormInput): unknown {
  return JSON.parse(JSON.stringify({ ...input, source: undefined }, (key, value) => (key === 'cell' ? undefined : value)));
}

/** The manifest entries `ziping check` would print for one file. */
export async function checkEntries(path: string, source: string, profile = 'ningxia', mode: ScoreMode = 'auto') {
  const outcome = await processFile(path, source, { profile: profileChoice(profile, 'option'), mode, typeset, render: false });
  return outcome.forms.map((form) => ({ entry: manifestEntry(form, outcome), scored: form.scored }));
}
