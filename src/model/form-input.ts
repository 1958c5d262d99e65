import { z } from 'zod';

/** `Sheet1!H30`: where a value was read, so every finding can point at it. */
export const CellRef = z.string();

/**
 * Set on a value whose cell holds something that cannot be known: a saved formula error, a
 * formula the tool cannot evaluate, text where a number belongs. Never read as blank or 0: what
 * depends on it is unknown too, and a finding names the cell.
 */
const Unknown = z.literal(true).optional();

export const SourcedText = z.object({
  text: z.string(),
  cell: CellRef.nullable(),
  unknown: Unknown,
});
export type SourcedText = z.infer<typeof SourcedText>;

/**
 * A number as the unit wrote it. `text` is what the cell shows (kept for printing amounts "as filled"),
 * `value` the number read from it, null when blank or unreadable (unreadable ones also give a finding).
 */
export const SourcedNumber = z.object({
  value: z.number().nullable(),
  text: z.string(),
  cell: CellRef.nullable(),
  unknown: Unknown,
});
export type SourcedNumber = z.infer<typeof SourcedNumber>;

/**
 * Which printed form this is: the Ningxia 附件6 (10 columns), the national 财预〔2020〕10号 项目
 * form (11 columns), or the 部门整体支出绩效自评表 (department-wide, national indicator grid).
 */
export const LayoutVariant = z.enum(['ningxia10', 'national11', 'department']);
export type LayoutVariant = z.infer<typeof LayoutVariant>;

export const FundRow = z.object({
  label: SourcedText,
  initialBudget: SourcedNumber,
  fullYearBudget: SourcedNumber,
  executed: SourcedNumber,
  weight: SourcedNumber,
  rate: SourcedNumber,
  score: SourcedNumber,
});
export type FundRow = z.infer<typeof FundRow>;

export const IndicatorLine = z.object({
  level1: SourcedText,
  level2: SourcedText,
  name: SourcedText,
  target: SourcedText,
  actual: SourcedText,
  weight: SourcedNumber,
  score: SourcedNumber,
  deviation: SourcedText,
});
export type IndicatorLine = z.infer<typeof IndicatorLine>;

/** A row of a department form's 年度主要任务 section. */
export const TaskRow = z.object({ name: SourcedText, content: SourcedText, budget: SourcedNumber, executed: SourcedNumber });
export type TaskRow = z.infer<typeof TaskRow>;

/** What the unit wrote on one form, nothing computed. */
export const FormInput = z.object({
  source: z.object({
    file: z.string(),
    sheet: z.string(),
    /** first and last row of the form on its sheet (1-based), for messages and for telling forms apart */
    firstRow: z.number().int(),
    lastRow: z.number().int(),
  }),
  variant: LayoutVariant,
  annex: SourcedText,
  title: SourcedText,
  year: SourcedNumber,
  projectName: SourcedText,
  department: SourcedText,
  implementingUnit: SourcedText,
  funds: z.object({
    total: FundRow,
    currentYear: FundRow,
    carryOver: FundRow,
    other: FundRow,
  }),
  /** the funds block prints no 分值 and no 得分: the form scores budget execution, if at all, as an indicator line */
  executionUnscored: z.literal(true).optional(),
  goals: z.object({ expected: SourcedText, actual: SourcedText }),
  /** department forms: the 年度主要任务 rows, when the form has that section */
  tasks: z.array(TaskRow).optional(),
  indicators: z.array(IndicatorLine),
  total: z.object({ label: SourcedText, weight: SourcedNumber, score: SourcedNumber, note: SourcedText }),
});
export type FormInput = z.infer<typeof FormInput>;

/** The name a form is filed and listed under: its 项目名称, or 部门整体支出 for a 部门整体 form whose unit's name is blank. */
export function filedName(input: FormInput): string {
  return input.projectName.text || (input.variant === 'department' ? '部门整体支出' : '');
}
