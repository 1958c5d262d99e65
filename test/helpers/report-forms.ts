import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FormInput } from '../../src/model/form-input.js';
import { formWorkbook } from '../../src/pipeline/process.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { typeset } from './pipeline.js';
import { syntheticForm } from './synthetic.js';

/** One form of a year's archive, as the tests of the year's report want it. */
export interface FormSpec {
  year: number;
  department: string;
  name: string;
  /** each indicator's score as a share of its weight: 0.955 gives 95.5 of 100 */
  share: number;
  budget: number | null;
  executed: number | null;
  /** indicator lines (10 by default: a one-page form; 60 runs to three pages) */
  lines?: number;
}

const n = (value: number | null) => ({ value, text: value === null ? '' : String(value), cell: null });

/** A filled Ningxia form with the given year, department, name, scores and money; the filled total agrees with its lines. */
export function specForm(spec: FormSpec): FormInput {
  const lines = spec.lines ?? 10;
  const base = syntheticForm(lines, spec.name);
  const weight = 100 / lines;
  const score = Math.round(weight * spec.share * 100) / 100;
  return {
    ...base,
    year: { value: spec.year, text: `(${spec.year}年度)`, cell: null },
    department: { text: spec.department, cell: null },
    implementingUnit: { text: `${spec.department}本级`, cell: null },
    funds: { ...base.funds, total: { ...base.funds.total, initialBudget: n(spec.budget), fullYearBudget: n(spec.budget), executed: n(spec.executed) } },
    indicators: base.indicators.map((line) => ({ ...line, score: { value: score, text: String(score), cell: null } })),
    total: { ...base.total, score: n(Math.round(score * lines * 100) / 100) },
  };
}

/** Writes each spec as `<dir>/<i>.xlsx`, printed by the project's own renderer as a unit would fill it. */
export async function writeSpecForms(dir: string, specs: FormSpec[], first = 0): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [i, spec] of specs.entries()) await writeFile(join(dir, `${String(first + i).padStart(3, '0')}.xlsx`), await formWorkbook(specForm(spec), loadProfile('ningxia'), typeset));
}

/** 60 characters: the longest 主管部门 a report must lay out cleanly. */
export const LONG_DEPARTMENT = '宁夏回族自治区发展和改革委员会国民经济综合协调与重大项目建设推进管理服务中心(自治区重点项目稽察特派员办公室)暨综合处室';
