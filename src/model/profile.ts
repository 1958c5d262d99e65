import { z } from 'zod';
import { LayoutVariant } from './form-input.js';

/** How a line is scored; `unknown` when its target or actual cannot be read (a saved formula error). */
export const RuleName = z.enum(['positive', 'reverse', 'equal', 'deadline', 'compound', 'qualitative', 'notApplicable', 'unknown']);
export type RuleName = z.infer<typeof RuleName>;

export const ScoreMode = z.enum(['filled', 'auto', 'computed']);
export type ScoreMode = z.infer<typeof ScoreMode>;

const Tier = z.object({
  name: z.string(),
  /** fractions of 分值: a score s is in the tier when min·w ≤ s ≤ max·w (max exclusive except for the top tier) */
  min: z.number().min(0).max(1),
  max: z.number().min(0).max(1),
  /** words in 实际完成值 that put a line in this tier */
  phrases: z.array(z.string()),
});

/**
 * Every policy choice that differs between provinces or years. A new province is a new JSON file
 * in src/profiles/, not code.
 */
export const Profile = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  label: z.string(),
  layout: LayoutVariant,
  texts: z.object({
    annex: z.string(),
    title: z.string(),
    /** handlebars pattern, `{{year}}` is the 年度 */
    yearLine: z.string(),
  }),
  funds: z.object({
    /** 分值 of the 年度资金总额 row when the form leaves it blank */
    defaultWeight: z.number().positive(),
    /** national: 执行率得分 is part of the 100 points; ningxia: it is not */
    countsInTotal: z.boolean(),
    /** what the 得分 cell of the 年度资金总额 row prints: the form total (ningxia) or the rate score */
    scoreCellShows: z.enum(['total', 'rateScore']),
    /** decimals of the printed 执行率 percentage */
    rateDecimals: z.number().int().min(0).max(4),
  }),
  totalWeight: z.number().positive(),
  rules: z.object({
    /** rule for a line whose target has no comparator, by 二级指标 (after normalising its text) */
    byLevel2: z.record(z.string(), z.enum(['positive', 'reverse', 'equal', 'deadline'])),
    /** `linear`: (1 − (a − t)/t)·w, zero from 2t on; `ratio`: t/a·w */
    reverseFormula: z.enum(['linear', 'ratio']),
    tiers: z.array(Tier).min(1),
    /** a deviation reason is expected when the actual exceeds the target by this fraction or more */
    overAchievementReason: z.number().positive(),
    /** differences up to this are rounding, not disagreement */
    tolerance: z.number().nonnegative(),
  }),
  grades: z.array(z.object({ min: z.number(), grade: z.string() })).min(1),
  display: z.object({
    /** shown scores are rounded to this many decimals, trailing zeros dropped */
    scoreDecimals: z.number().int().min(0).max(4),
  }),
});
export type Profile = z.infer<typeof Profile>;

/** Where a form's profile came from: its own layout (`auto`), the command line, or ziping.config.json. */
export const ProfileFrom = z.enum(['layout', 'option', 'config']);
export type ProfileFrom = z.infer<typeof ProfileFrom>;

/** The profile setting of a run: each form by its layout, or one profile forced for all. */
export type ProfileChoice = { kind: 'auto' } | { kind: 'fixed'; profile: Profile; from: Exclude<ProfileFrom, 'layout'> };
