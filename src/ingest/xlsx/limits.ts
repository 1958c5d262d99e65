/**
 * Limits on what one workbook may make the reader do. A form has a few hundred cells and a few
 * dozen merges, so every number is far above a real one; what they stop is a small file that would
 * make the reader take minutes or gigabytes (a zip bomb, a million rows, one huge merged range).
 * Each is checked while the file is read, before the work it guards is done.
 */
export const limits = {
  fileBytes: 50 * 1024 * 1024,
  entries: 2_000,
  /** all parts the reader opens, once inflated; also the sum of the sizes the zip declares */
  totalInflatedBytes: 300 * 1024 * 1024,
  /** one part once inflated (found by inflating with a cap: declared sizes can lie) */
  partInflatedBytes: 100 * 1024 * 1024,
  /** sheets the workbook lists (several may point at one part: each is read) */
  sheets: 500,
  rowsPerSheet: 20_000,
  /** `<c>` elements in one sheet, empty ones included: each costs parsing */
  cellsPerSheet: 200_000,
  /** cells kept (filled cells and merged cells) over all sheets: each costs memory */
  cellsPerWorkbook: 1_000_000,
  /** merged ranges declared in one sheet */
  mergeRanges: 100_000,
  /** cells covered by the merged ranges of one sheet (dropped overlapping ranges count too) */
  mergedCells: 200_000,
  sharedStrings: 200_000,
  /** characters of all shared strings together */
  sharedStringChars: 10_000_000,
  /** Excel itself allows 32,767 characters in a cell; rich text counts all its runs */
  cellChars: 32_767,
  /**
   * characters of the formulas written out for the cells of shared formulas: the file holds the
   * text once, the grid once per cell (written formulas are bounded by the parts' size already)
   */
  sharedFormulaChars: 10_000_000,
  /** one run of XML text, one tag or one comment: a parser would hold it whole in memory */
  xmlTokenChars: 1024 * 1024,
} as const;

export type LimitName = keyof typeof limits;

export interface LimitHit {
  limit: LimitName;
  /** the part (or `整个文件`) where the limit was hit */
  part: string;
  /** what was found, with its unit: `20001 行以上` */
  found: string;
}

/** Thrown from inside a parse to stop it at once; readWorkbook turns it into its result. */
export class LimitExceeded extends Error {
  constructor(readonly hit: LimitHit) {
    super(`limit ${hit.limit} exceeded in ${hit.part}: ${hit.found}`);
  }
}

/** Thrown when a part is not what the format says it must be; the text is Chinese and shown to the user. */
export class Unreadable extends Error {}

export const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
