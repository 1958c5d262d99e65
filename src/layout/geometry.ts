import type { LayoutVariant } from '../model/form-input.js';
import type { FormSheet } from '../model/form-sheet.js';

/** A run of columns [from, to], 1-based, inclusive. */
export type Cols = readonly [number, number];

/** Where each part of the form sits, per layout. Widths are points; the table is centred between the margins. */
export interface Geometry {
  widths: number[];
  last: number;
  /** 项目名称 / 主管部门 / 实施单位 rows (project forms) */
  info: { label: Cols; value: Cols; deptValue: Cols; unitLabel: Cols; unitValue: Cols };
  /** 部门（单位）名称 row and 年度主要任务 section (department forms) */
  unit: { label: Cols; value: Cols };
  tasks: { label: Cols; name: Cols; content: Cols; budget: Cols; executed: Cols };
  funds: { label: Cols; rowLabel: Cols; initialBudget: Cols; fullYearBudget: Cols; executed: Cols; weight: Cols; rate: Cols; score: Cols };
  goals: { label: Cols; expected: Cols; actual: Cols };
  lines: { label: Cols; level1: Cols; level2: Cols; name: Cols; target: Cols; actual: Cols; weight: Cols; score: Cols; deviation: Cols };
  total: { label: Cols; weight: Cols; score: Cols; note: Cols };
}

/**
 * Column widths are whole pixels at 96 dpi (0.75 pt each), which Excel and WPS draw exactly from
 * the file's width (Calibri 11's digit is 7 px). LibreOffice measures the same width with the
 * unhinted digit of Carlito (7.39 px), 5.6 % wider: 643 px (482 pt) is the widest table that
 * still fits the 510 pt between the margins there, so every program prints it on one page width.
 */
const px = (pixels: number[]): number[] => pixels.map((p) => p * 0.75);

/** The Ningxia 附件6: 10 columns A–J (form-layout.md). */
const ningxia10: Geometry = {
  widths: px([30, 63, 68, 141, 76, 76, 41, 45, 51, 52]),
  last: 10,
  info: { label: [1, 2], value: [3, 10], deptValue: [3, 4], unitLabel: [5, 5], unitValue: [6, 10] },
  unit: { label: [1, 2], value: [3, 10] },
  tasks: { label: [1, 1], name: [2, 3], content: [4, 6], budget: [7, 8], executed: [9, 10] },
  funds: { label: [1, 1], rowLabel: [2, 2], initialBudget: [3, 3], fullYearBudget: [4, 4], executed: [5, 5], weight: [6, 6], rate: [7, 7], score: [8, 10] },
  goals: { label: [1, 1], expected: [2, 4], actual: [5, 10] },
  lines: { label: [1, 1], level1: [2, 2], level2: [3, 3], name: [4, 4], target: [5, 5], actual: [6, 6], weight: [7, 7], score: [8, 8], deviation: [9, 10] },
  total: { label: [1, 6], weight: [7, 7], score: [8, 8], note: [9, 10] },
};

/** The national 财预〔2020〕10号 export: 11 columns A–K, as in central-2019-template.xls. */
const national11: Geometry = {
  widths: px([30, 58, 63, 79, 63, 71, 71, 38, 41, 65, 64]),
  last: 11,
  info: { label: [1, 2], value: [3, 11], deptValue: [3, 5], unitLabel: [6, 6], unitValue: [7, 11] },
  unit: { label: [1, 2], value: [3, 11] },
  tasks: { label: [1, 1], name: [2, 3], content: [4, 7], budget: [8, 9], executed: [10, 11] },
  funds: { label: [1, 2], rowLabel: [3, 4], initialBudget: [5, 5], fullYearBudget: [6, 6], executed: [7, 7], weight: [8, 8], rate: [9, 10], score: [11, 11] },
  goals: { label: [1, 1], expected: [2, 6], actual: [7, 11] },
  lines: { label: [1, 1], level1: [2, 2], level2: [3, 3], name: [4, 5], target: [6, 6], actual: [7, 7], weight: [8, 8], score: [9, 9], deviation: [10, 11] },
  total: { label: [1, 7], weight: [8, 8], score: [9, 9], note: [10, 11] },
};

/** The 部门整体支出绩效自评表 prints on the national grid; only its header sections differ. */
export const geometries: Record<LayoutVariant, Geometry> = { ningxia10, national11, department: national11 };

/** A4 portrait with margins that are whole hundredths of an inch, as spreadsheets store them, so every program breaks pages alike. */
export const PAGE: FormSheet['page'] = { size: 'A4', orientation: 'portrait', margins: { top: 0.79 * 72, right: 0.59 * 72, bottom: 0.79 * 72, left: 0.59 * 72 } };
