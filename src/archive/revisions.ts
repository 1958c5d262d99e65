import { HISTORY_KEPT, type ManifestForm } from '../model/manifest.js';
import { compareRevisions, findingKeys, revisionText, type Revision } from '../model/revision.js';

/** A form rebuilt from a changed source this run, and what the change did to its findings. */
export interface FormRevision {
  source: string;
  sheet: string | null;
  projectName: string | null;
  revision: Revision;
  /** `已更正 3 处(H26 H27 I14)，仍有 2 处(…)，新增 1 处(…)` */
  text: string;
}

/**
 * Which form a result is of: 年度, 主管部门, 实施单位 and 项目名称 (two units of a department may
 * each have an 办公经费); null for a result that does not say them all. Blank is not a name: two
 * forms that both leave 实施单位 empty may be two units', and neither takes the other's place.
 */
export function formIdentity(f: ManifestForm): string | null {
  const said = (v: string | null): v is string => v !== null && v.trim() !== '';
  if (f.status !== 'ok' || !said(f.projectName) || f.year === null || !said(f.department) || !said(f.implementingUnit)) return null;
  return JSON.stringify([f.year, f.department, f.implementingUnit, f.projectName]);
}

/**
 * The earlier result a freshly built form follows: the same source (and sheet), or else a form of
 * another source with the same identity (formIdentity) whose source is `gone` (no longer an input:
 * deleted, or replaced by a corrected file). One whose source is still there is another file
 * holding the same project: a duplicate, not a correction.
 */
export function predecessorOf(entry: ManifestForm, previous: ManifestForm[], gone: (source: string) => boolean): ManifestForm | null {
  const same = previous.filter((p) => p.source === entry.source);
  const bySheet = same.find((p) => p.sheet === entry.sheet) ?? (same.length === 1 ? same[0] : undefined);
  if (bySheet) return bySheet;
  const identity = formIdentity(entry);
  if (identity === null) return null;
  return previous.find((p) => gone(p.source) && formIdentity(p) === identity) ?? null;
}

/**
 * The entry with its time and history: when its source changed since the earlier result, that
 * result goes first in the history (its time, source sha256, 总分 and findings), at most
 * HISTORY_KEPT kept; a rebuild of the same bytes (forced, repaired) keeps the history as it was.
 */
export function withHistory(entry: ManifestForm, previous: ManifestForm | null, now: string): { entry: ManifestForm; revision: FormRevision | null } {
  const dated: ManifestForm = { ...entry, builtAt: now };
  if (!previous) return { entry: dated, revision: null };
  if (previous.sourceSha256 === entry.sourceSha256) return { entry: previous.history ? { ...dated, history: previous.history } : dated, revision: null };
  // An entry of an older manifest does not say when it was made: left unknown, not dated today.
  const before = { ...(previous.builtAt ? { at: previous.builtAt } : {}), sourceSha256: previous.sourceSha256, total: previous.total, findings: findingKeys(previous.findings) };
  const revision = compareRevisions(before.findings, findingKeys(entry.findings));
  return {
    entry: { ...dated, history: [before, ...(previous.history ?? [])].slice(0, HISTORY_KEPT) },
    revision: { source: entry.source, sheet: entry.sheet, projectName: entry.projectName, revision, text: revisionText(revision) },
  };
}
