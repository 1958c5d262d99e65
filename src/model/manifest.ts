import { z } from 'zod';
import { Finding } from './finding.js';
import { LayoutVariant } from './form-input.js';
import { ProfileFrom, RuleName, ScoreMode } from './profile.js';
import { formats, type Format } from '../render/registry.js';

/** The contract other tools read (`../shared/spec/cli-contract.md`); bump `schema` on any breaking change. */
export const MANIFEST_SCHEMA = 1;

export const ManifestIndicator = z.object({
  level1: z.string(),
  level2: z.string(),
  name: z.string(),
  target: z.string(),
  actual: z.string(),
  weight: z.number().nullable(),
  rule: RuleName,
  filledScore: z.number().nullable(),
  computedScore: z.number().nullable(),
  score: z.number().nullable(),
  cell: z.string().nullable(),
});

/** One value per output format of the renderer registry, keyed by its name. */
function byFormat<T extends z.ZodType>(value: T) {
  return z.object(Object.fromEntries(formats.map((f) => [f, value])) as Record<Format, T>);
}

/**
 * Where a form's copies were written, relative to the output folder: one path per output format
 * (`xlsx`, `pdf`, `html`, … as the renderer registry names them) and the `sha256` of each by the
 * same key. A manifest written before a format was added lacks its key: read as '' (no such
 * copy), and the form is rebuilt when its input is at hand (see `hasEveryFormat`).
 */
export const ManifestOutputs = byFormat(z.string().default('')).extend({ sha256: byFormat(z.string().default('')) });
export type ManifestOutputs = z.infer<typeof ManifestOutputs>;

/** The output files of a manifest entry, in registry order: format, path (relative to out) and sha256 ('' for a format it was not written in). */
export function outputFiles(outputs: ManifestOutputs | undefined): Array<{ format: Format; path: string; sha256: string }> {
  if (!outputs) return [];
  return formats.flatMap((format) => (outputs[format] !== '' ? [{ format, path: outputs[format], sha256: outputs.sha256[format] }] : []));
}

/** Whether an entry has a copy in every format the registry now has (one from before a new format has not). */
export const hasEveryFormat = (outputs: ManifestOutputs | undefined): boolean => outputFiles(outputs).length === formats.length;

/** The form with an Excel note on each cell a finding names (`<主管部门>/复核批注/<项目名称>.xlsx`): only a form with findings has one. */
export const AnnotatedCopy = z.object({ path: z.string(), sha256: z.string() });
export type AnnotatedCopy = z.infer<typeof AnnotatedCopy>;

/** A finding as the history keeps it: enough to say later what was corrected. */
export const FindingKey = z.object({ code: z.string(), cell: z.string().nullable(), severity: Finding.shape.severity.optional() });
export type FindingKey = z.infer<typeof FindingKey>;

/** An earlier result of a form whose source has since changed (a corrected file). */
export const HistoryEntry = z.object({
  /** when that result was made (ISO time); absent when the manifest it came from did not record it (versions before builtAt) */
  at: z.string().optional(),
  sourceSha256: z.string(),
  total: z.number().nullable(),
  findings: z.array(FindingKey),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** How many earlier results a form keeps. */
export const HISTORY_KEPT = 10;

export const ManifestForm = z.object({
  source: z.string(),
  sheet: z.string().nullable(),
  sourceSha256: z.string(),
  status: z.enum(['ok', 'error']),
  profile: z.string(),
  /** why this profile: the form's own layout (`--profile auto`), the command line, or the config file */
  profileFrom: ProfileFrom.optional(),
  /** the printed form it was read as, and is rendered as: ningxia10, national11 or department */
  layout: LayoutVariant.optional(),
  scores: ScoreMode,
  year: z.number().nullable(),
  projectName: z.string().nullable(),
  department: z.string().nullable(),
  implementingUnit: z.string().nullable(),
  funds: z
    .object({
      initialBudget: z.number().nullable(),
      fullYearBudget: z.number().nullable(),
      executed: z.number().nullable(),
      executionRate: z.number().nullable(),
      weight: z.number(),
      score: z.number().nullable(),
    })
    .nullable(),
  indicators: z.array(ManifestIndicator),
  totalWeight: z.number().nullable(),
  filledTotal: z.number().nullable(),
  computedTotal: z.number().nullable(),
  total: z.number().nullable(),
  grade: z.string().nullable(),
  findings: z.array(Finding),
  /** when the workbook was last saved, as it records itself (docProps/core.xml `dcterms:modified`), ISO 8601 UTC; absent when it does not say */
  sourceModified: z.string().optional(),
  /** pages of the printed copy (the form's PDF); absent in entries written before it was recorded */
  pages: z.number().int().positive().optional(),
  outputs: ManifestOutputs.optional(),
  /** sha256 of everything an output depends on (input bytes, profile, options, tool version): equal → up to date */
  fingerprint: z.string().optional(),
  annotated: AnnotatedCopy.optional(),
  /** when this result was made (ISO time): what the history says of it once the source changes */
  builtAt: z.string().optional(),
  /** earlier results of this form (its source changed since: a corrected file), newest first, at most HISTORY_KEPT */
  history: z.array(HistoryEntry).optional(),
});
export type ManifestForm = z.infer<typeof ManifestForm>;

/** Every file a form entry owns, relative to out: its copy in each format, then its annotated copy. */
export function formFiles(f: Pick<ManifestForm, 'outputs' | 'annotated'>): Array<{ path: string; sha256: string }> {
  return [...outputFiles(f.outputs), ...(f.annotated ? [f.annotated] : [])];
}

/** Outputs of an input that no longer exists, kept on disk until `build --prune`. */
export const RemovedSource = z.object({
  source: z.string(),
  projectName: z.string().nullable(),
  outputs: z.array(z.string()),
});

export type RemovedSource = z.infer<typeof RemovedSource>;

/**
 * A file of a department folder made from its forms, as last written: its path, sha256, and a
 * digest of what it was made from. The combined PDF (合并打印.pdf: the form PDFs it holds, their
 * paths, sha256 and titles) and the review sheet (复核意见.xlsx, one row per finding to send back:
 * the findings it lists) are both recorded so.
 */
export const DepartmentFile = z.object({
  path: z.string(),
  sha256: z.string(),
  forms: z.string(),
});
export type DepartmentFile = z.infer<typeof DepartmentFile>;

/** The year's printed report (年度报告.pdf): its path, sha256, and a digest of everything it shows. */
export const ReportPdf = z.object({
  path: z.string(),
  sha256: z.string(),
  /** sha256 of the year's forms, the previous year's, the combined files' page numbers, the archive's name, the fonts and the tool version */
  inputs: z.string(),
});
export type ReportPdf = z.infer<typeof ReportPdf>;

/**
 * A year's index page and 汇总表 as last written: their paths (relative to out), sha256, and a
 * digest of the forms they list, so a later build knows whether they still agree with the forms
 * and with what is on disk, and which year pages are its own to remove.
 */
export const YearReport = z.object({
  year: z.string(),
  index: z.string(),
  summary: z.string(),
  sha256: z.object({ index: z.string(), summary: z.string() }),
  /** sha256 of the forms the pages list, the tool version and the grades */
  forms: z.string(),
  /** each department folder's forms in one PDF for printing (two or more forms) */
  combined: z.array(DepartmentFile).optional(),
  /** the year's printed report, when the year has forms */
  report: ReportPdf.optional(),
  /** each department folder's 复核意见.xlsx (only folders with findings) */
  review: z.array(DepartmentFile).optional(),
});
export type YearReport = z.infer<typeof YearReport>;

export const Manifest = z.object({
  schema: z.literal(MANIFEST_SCHEMA),
  generator: z.string(),
  forms: z.array(ManifestForm),
  removed: z.array(RemovedSource).optional(),
  yearReports: z.array(YearReport).optional(),
  /**
   * `sha256:` and the sha256 of the manifest as written without this field (JSON, two-space
   * indent): a manifest cut short, edited by hand or mixed up by a sync tool is known as such.
   */
  checksum: z.string().optional(),
});
export type Manifest = z.infer<typeof Manifest>;
