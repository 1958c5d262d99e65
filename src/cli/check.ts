import { discover } from '../archive/discover.js';
import { manifestEntry } from '../archive/manifest.js';
import { jsonText } from '../model/display-text.js';
import { hasError, type Finding } from '../model/finding.js';
import { MANIFEST_SCHEMA, type Manifest, type ManifestForm } from '../model/manifest.js';
import type { ProfileChoice, ScoreMode } from '../model/profile.js';
import { processFile } from '../pipeline/process.js';
import { recordedPath } from '../model/shown-path.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { generator } from '../version.js';
import { formReport } from './report-text.js';
import { formState, summaryLines } from './summary.js';

/** 0 all processed; 1 an input could not be processed (or, with --strict, an error finding). */
export function exitCodeFor(forms: ManifestForm[], missing: string[], strict: boolean): number {
  if (missing.length > 0 || forms.some((f) => f.status === 'error')) return 1;
  if (strict && forms.some((f) => hasError(f.findings))) return 1;
  return 0;
}

export interface CheckOptions {
  profile: ProfileChoice;
  mode: ScoreMode;
  typeset: Typesetter;
  json: boolean;
  strict: boolean;
  /** only the forms with problems, and the summary */
  quiet?: boolean;
}

/**
 * ziping check: read and score every form, print the findings, render nothing. `out` takes the
 * human text, `raw` the JSON (printed as is), `err` what is said beside the JSON.
 */
export async function check(inputs: string[], opts: CheckOptions, out: (s: string) => void, raw: (s: string) => void = out, err: (s: string) => void = out): Promise<number> {
  const { files, missing, empty, problems } = await discover(inputs.length > 0 ? inputs : ['data']);
  const forms: ManifestForm[] = [];
  const notes: Finding[] = [];
  for (const file of files) {
    const outcome = await processFile(file, recordedPath(file), { profile: opts.profile, mode: opts.mode, typeset: opts.typeset, render: false });
    notes.push(...outcome.notes);
    for (const form of outcome.forms) {
      const entry = manifestEntry(form, outcome);
      forms.push(entry);
      if (!opts.json && !(opts.quiet && formState(entry) === 'clean')) out(`${formReport(entry)}\n`);
    }
  }
  if (opts.json) {
    const manifest: Manifest = { schema: MANIFEST_SCHEMA, generator, forms };
    raw(jsonText(manifest));
    for (const p of problems) err(`${p.code}：${p.message}`);
  } else {
    out(summaryLines({ forms, missing, empty, notes, messages: problems }).join('\n'));
  }
  // A folder that could not be read holds inputs that were not processed.
  return Math.max(exitCodeFor(forms, missing, opts.strict), problems.some((p) => p.severity === 'error') ? 1 : 0);
}
