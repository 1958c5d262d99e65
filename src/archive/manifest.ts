import type { Finding } from '../model/finding.js';
import { filedName } from '../model/form-input.js';
import type { ManifestForm } from '../model/manifest.js';
import type { ProfileFrom, ScoreMode } from '../model/profile.js';
import type { FormOutcome } from '../pipeline/process.js';

export interface SourceInfo {
  /** as given on the command line or found in a folder, with / separators */
  source: string;
  sha256: string;
  /** when the workbook was last saved, as it records itself; null or absent when it does not say */
  modified?: string | null;
}

/** A file that gave no form: it still gets an entry, so nothing disappears from the record. */
export function errorEntry(info: SourceInfo & { profile: string; profileFrom: ProfileFrom; mode: ScoreMode }, findings: Finding[]): ManifestForm {
  return {
    source: info.source,
    sheet: null,
    sourceSha256: info.sha256,
    status: 'error',
    profile: info.profile,
    profileFrom: info.profileFrom,
    scores: info.mode,
    year: null,
    projectName: null,
    department: null,
    implementingUnit: null,
    funds: null,
    indicators: [],
    totalWeight: null,
    filledTotal: null,
    computedTotal: null,
    total: null,
    grade: null,
    findings,
  };
}

/** The manifest's record of one form the pipeline processed (outputs are added when written). */
export function manifestEntry(form: FormOutcome, info: SourceInfo): ManifestForm {
  const scored = form.scored;
  if (form.status === 'error' || !scored) return errorEntry({ ...info, profile: form.profile, profileFrom: form.profileFrom, mode: form.mode }, form.findings);
  const input = scored.input;
  return {
    source: info.source,
    sheet: input.source.sheet,
    sourceSha256: info.sha256,
    status: 'ok',
    profile: form.profile,
    profileFrom: form.profileFrom,
    layout: input.variant,
    scores: form.mode,
    year: input.year.value,
    projectName: filedName(input),
    department: input.department.text,
    implementingUnit: input.implementingUnit.text,
    funds: {
      initialBudget: scored.funds.initialBudget,
      fullYearBudget: scored.funds.fullYearBudget,
      executed: scored.funds.executed,
      executionRate: scored.funds.executionRate,
      weight: scored.funds.weight,
      score: scored.funds.score,
    },
    indicators: input.indicators.map((line, i) => {
      const s = scored.indicators[i];
      return {
        level1: line.level1.text,
        level2: line.level2.text,
        name: line.name.text,
        target: line.target.text,
        actual: line.actual.text,
        weight: s?.weight ?? null,
        rule: s?.rule ?? 'notApplicable',
        filledScore: s?.filledScore ?? null,
        computedScore: s?.computedScore ?? null,
        score: s?.score ?? null,
        cell: line.score.cell,
      };
    }),
    totalWeight: scored.totalWeight,
    filledTotal: scored.filledTotal,
    computedTotal: scored.computedTotal,
    total: scored.total,
    grade: scored.grade,
    findings: form.findings,
    ...(info.modified ? { sourceModified: info.modified } : {}),
    ...(form.pages ? { pages: form.pages } : {}),
  };
}
