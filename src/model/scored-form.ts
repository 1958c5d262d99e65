import { z } from 'zod';
import { Finding } from './finding.js';
import { FormInput } from './form-input.js';
import { RuleName, ScoreMode } from './profile.js';

export const ScoredIndicator = z.object({
  rule: RuleName,
  /** null for not-applicable lines, which carry no weight */
  weight: z.number().nullable(),
  /** the 分值 a copy prints: the weight at the profile's decimals (10/6 → 1.67); totals add these up */
  shownWeight: z.number().nullable(),
  filledScore: z.number().nullable(),
  /** null where no rule gives a number (qualitative, not applicable, unreadable) */
  computedScore: z.number().nullable(),
  /** what the copy prints under the chosen mode */
  score: z.number().nullable(),
  /** for qualitative lines: the tier the actual's wording states */
  tier: z.string().nullable(),
});
export type ScoredIndicator = z.infer<typeof ScoredIndicator>;

export const ScoredFunds = z.object({
  initialBudget: z.number().nullable(),
  fullYearBudget: z.number().nullable(),
  executed: z.number().nullable(),
  /** unrounded fraction; null when 全年预算数 is zero or missing */
  executionRate: z.number().nullable(),
  weight: z.number(),
  /** min(rate, 1) × weight, whatever the profile prints in that cell */
  score: z.number().nullable(),
  filledRate: z.number().nullable(),
  filledScore: z.number().nullable(),
  /** what the copy prints in the 执行率 and 得分 cells */
  shownRate: z.number().nullable(),
  shownScore: z.number().nullable(),
});
export type ScoredFunds = z.infer<typeof ScoredFunds>;

export const ScoredForm = z.object({
  input: FormInput,
  profile: z.string(),
  mode: ScoreMode,
  funds: ScoredFunds,
  /** one per input.indicators line, same order */
  indicators: z.array(ScoredIndicator),
  /** Σ of the weights as a copy prints them (with the 执行率 weight where the profile counts it); null when a weight cannot be read */
  totalWeight: z.number().nullable(),
  filledTotal: z.number().nullable(),
  /** null when a score it needs cannot be known (TOTAL_UNKNOWN says which) */
  computedTotal: z.number().nullable(),
  total: z.number().nullable(),
  grade: z.string().nullable(),
  findings: z.array(Finding),
  /** no profile fits the form (findings say why): nothing is graded or rendered */
  refused: z.literal(true).optional(),
});
export type ScoredForm = z.infer<typeof ScoredForm>;
