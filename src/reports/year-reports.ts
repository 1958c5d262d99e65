import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManifestForm } from '../model/manifest.js';
import type { Profile } from '../model/profile.js';
import { generator } from '../version.js';
import { isInside, safeSegment } from '../archive/safe-name.js';
import { writeAtomic } from '../archive/write-atomic.js';
import { renderYearIndex } from './year-index.js';
import { renderYearSummary } from './year-summary.js';

export const UNKNOWN_YEAR = '未知年度';
export const INDEX_FILE = 'index.html';
export const SUMMARY_FILE = '汇总表.xlsx';

/** The profile most of a year's forms were scored by: its grade lines mark the year's chart. */
function mostUsedProfile(forms: ManifestForm[]): string {
  const counts = new Map<string, number>();
  for (const f of forms) counts.set(f.profile, (counts.get(f.profile) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? 'ningxia';
}

export const yearFolder = (f: ManifestForm): string => safeSegment(f.year === null ? UNKNOWN_YEAR : String(f.year));

/**
 * `<年度>/index.html` and `<年度>/汇总表.xlsx` for every year that has forms. Files that could not
 * be processed have no year; they are listed on every year's page so nobody misses them.
 */
export async function writeYearReports(out: string, forms: ManifestForm[], onlyIfMissing: boolean, gradesOf: (profile: string) => Profile['grades']): Promise<string[]> {
  const failed = forms.filter((f) => f.status === 'error');
  const years = new Map<string, ManifestForm[]>();
  for (const f of forms) if (f.status === 'ok') years.set(yearFolder(f), [...(years.get(yearFolder(f)) ?? []), f]);
  if (years.size === 0 && failed.length > 0) years.set(UNKNOWN_YEAR, []);
  const written: string[] = [];
  for (const [year, ok] of years) {
    const index = join(out, year, INDEX_FILE);
    const summary = join(out, year, SUMMARY_FILE);
    if (!isInside(out, index)) continue;
    const present = (await stat(index).catch(() => null)) !== null && (await stat(summary).catch(() => null)) !== null;
    if (onlyIfMissing && present) continue;
    const yearForms = [...ok, ...failed];
    await writeAtomic(index, renderYearIndex({ year, forms: yearForms, generator, grades: gradesOf(mostUsedProfile(ok)) }));
    await writeAtomic(summary, await renderYearSummary({ year, forms: yearForms }));
    written.push(`${year}/${INDEX_FILE}`, `${year}/${SUMMARY_FILE}`);
  }
  return written;
}
