import { useFontDir } from '../layout/fonts.js';
import type { Finding } from '../model/finding.js';
import type { ManifestForm } from '../model/manifest.js';
import type { Profile, ScoreMode } from '../model/profile.js';
import type { ScoredForm } from '../model/scored-form.js';
import { readAndScore } from './read-and-score.js';
import type { RenderSheet } from '../render/render-lanes.js';
import { renderForm } from './render-form.js';

/** One input file to process: what a worker receives. Plain data, so it crosses threads. */
export interface FormJob {
  file: string;
  source: string;
  profile: Profile;
  mode: ScoreMode;
  fontsDir: string;
}

export interface JobForm {
  entry: ManifestForm;
  /** the fields output names are made of; absent when nothing could be read */
  naming?: { year: number | null; department: string; implementingUnit: string; projectName: string; sheet: string; projectCell: string | null };
  rendered?: { xlsx: Uint8Array; pdf: Uint8Array; findings: Finding[] };
}

export interface JobTimings {
  ingestScore: number;
  layout: number;
  xlsx: number;
  pdf: number;
}

export interface JobResult {
  forms: JobForm[];
  timings: JobTimings;
}

function naming(scored: ScoredForm): NonNullable<JobForm['naming']> {
  const i = scored.input;
  return {
    year: i.year.value,
    department: i.department.text,
    implementingUnit: i.implementingUnit.text,
    projectName: i.projectName.text,
    sheet: i.source.sheet,
    projectCell: i.projectName.cell,
  };
}

/** ingest → score → layout → render for one file; `render` draws here or on a worker. */
export async function runFormJob(job: FormJob, render: RenderSheet): Promise<JobResult> {
  useFontDir(job.fontsDir);
  const timings: JobTimings = { ingestScore: 0, layout: 0, xlsx: 0, pdf: 0 };
  let t = performance.now();
  const processed = await readAndScore(job.file, job.source, job.profile, job.mode);
  timings.ingestScore += performance.now() - t;
  const forms: JobForm[] = [];
  for (const { entry, scored } of processed) {
    if (!scored) {
      forms.push({ entry });
      continue;
    }
    const rendered = await renderForm(scored, job.profile, render, timings);
    forms.push({ entry, naming: naming(scored), rendered });
  }
  return { forms, timings };
}
