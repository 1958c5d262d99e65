import { z } from 'zod';

export const Severity = z.enum(['error', 'warning', 'info']);
export type Severity = z.infer<typeof Severity>;

/**
 * A problem a person must see. `cell` is `Sheet!A1` when the problem sits in one cell, so the user
 * can go straight to it; `file` is filled in by the stage that knows the file.
 */
export const Finding = z.object({
  severity: Severity,
  code: z.string().regex(/^[A-Z][A-Z0-9_]+$/),
  message: z.string(),
  file: z.string().optional(),
  sheet: z.string().optional(),
  cell: z.string().optional(),
});
export type Finding = z.infer<typeof Finding>;

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Most severe first: error, warning, info (a sort's comparison). */
export const bySeverity = (a: Severity, b: Severity): number => RANK[a] - RANK[b];

/** The most severe severity of a list (`info` for an empty one). */
export const worstSeverity = (list: Array<{ severity: Severity }>): Severity => list.reduce<Severity>((m, x) => (RANK[x.severity] < RANK[m] ? x.severity : m), 'info');

/** How a severity is said to a person. */
export const severityText: Record<Severity, string> = { error: '错误', warning: '警告', info: '提示' };

/** A finding a unit has to act on (an error or a warning); a 提示 only informs. What a review sends back and a correction is measured by. */
export const isProblem = (f: { severity?: Severity | undefined }): boolean => f.severity === 'error' || f.severity === 'warning';

/** Whether any finding is an error: what --strict, the summary and the index page count. */
export function hasError(findings: Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
