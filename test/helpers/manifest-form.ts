import type { ManifestForm } from '../../src/model/manifest.js';

/**
 * A manifest entry as a build records it, for tests of what is worked out from the manifest alone:
 * a 2021 form of 某某厅 with a budget of 100 and 90 spent, `over` changing what a test is about.
 */
export function manifestForm(over: Partial<ManifestForm> & { budget?: number | null; executed?: number | null } = {}): ManifestForm {
  const { budget = 100, executed = 90, ...rest } = over;
  return {
    source: 'in/a.xlsx',
    sheet: 'Sheet1',
    sourceSha256: '0'.repeat(64),
    status: 'ok',
    profile: 'ningxia',
    scores: 'auto',
    year: 2021,
    projectName: '甲项目',
    department: '某某厅',
    implementingUnit: '某某厅本级',
    funds: { initialBudget: budget, fullYearBudget: budget, executed, executionRate: budget && executed !== null ? executed / budget : null, weight: 10, score: null },
    indicators: [],
    totalWeight: 100,
    filledTotal: 90,
    computedTotal: 90,
    total: 90,
    grade: '优',
    findings: [],
    ...rest,
  };
}
