import Handlebars from 'handlebars';
import { COMBINED_NAME } from '../reports/combined-pdfs.js';
import { REPORT_NAME } from '../reports/year-report/write.js';
import { ANNOTATED_FOLDER, REVIEW_NAME } from '../reports/review-sheets.js';
import { safeSegment } from './safe-name.js';

/** Names (lower case, without extension) of the archive's own files that a form's copy could land beside: `index` is every year's and the archive's page. */
const reserved = new Set(['index', '汇总表', 'manifest', COMBINED_NAME, REPORT_NAME, REVIEW_NAME]);

export const DEFAULT_NAME_PATTERN = '{{年度}}/{{主管部门}}/{{项目名称}}';

export interface NameFields {
  年度: string;
  主管部门: string;
  实施单位: string;
  项目名称: string;
  文件名: string;
  工作表: string;
}

/**
 * Output paths (without extension) from a handlebars pattern. Every field is made a safe single
 * segment before it is placed, so no value can add a folder or climb out with `..`; the pattern's
 * own `/` are the only separators. Names already given out get `-2`, `-3`… (case-insensitively,
 * as Windows compares them).
 */
export class OutputNames {
  private readonly template: HandlebarsTemplateDelegate<NameFields>;
  /** lower-cased name → who has it (for telling the user which form theirs collided with) */
  private readonly taken = new Map<string, string>();
  /** lower-cased names reserved for unclaimed files on disk */
  private readonly adoptable = new Set<string>();

  constructor(pattern = DEFAULT_NAME_PATTERN) {
    this.template = Handlebars.compile<NameFields>(pattern, { noEscape: true, strict: false });
  }

  private base(fields: NameFields): string {
    const safe = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, safeSegment(String(v)).replace(/\//g, '_')])) as unknown as NameFields;
    const rendered = this.template(safe);
    const segments = rendered.split(/[\\/]+/).map((s) => safeSegment(s));
    // A form file may not take the name of the year's page (`index` + `.html`, a pattern like
    // `{{年度}}/{{项目名称}}` puts forms beside it), its summary workbook (`汇总表` + `.xlsx`), of
    // its folder's combined PDF (`合并打印` + `.pdf`) or review (`复核意见` + `.xlsx`), or of the
    // year's report (`年度报告` + `.pdf`); no folder on its way may be the annotated copies' own (`复核批注`).
    const last = segments.length - 1;
    if (reserved.has((segments[last] ?? '').toLowerCase())) segments[last] = `_${segments[last]}`;
    for (let i = 0; i < last; i++) if (segments[i] === ANNOTATED_FOLDER) segments[i] = `_${ANNOTATED_FOLDER}`;
    return segments.join('/');
  }

  /** Reserve a name for one form; the same fields twice give two different names. */
  next(fields: NameFields, owner: string): { name: string; clashesWith: string | null } {
    const base = this.base(fields);
    const clashesWith = this.taken.get(base.toLowerCase()) ?? null;
    let name = base;
    for (let i = 2; this.taken.has(name.toLowerCase()); i++) name = `${base}-${i}`;
    this.taken.set(name.toLowerCase(), owner);
    return { name, clashesWith };
  }

  /**
   * Names kept from an earlier run (incremental builds) stay reserved. `adoptable`: a file found on
   * disk that no manifest claims; a form whose new output is byte for byte that file may take it
   * (see `adopt`), any other form gets a suffix.
   */
  reserve(name: string, owner: string, options: { adoptable?: boolean } = {}): void {
    this.taken.set(name.toLowerCase(), owner);
    if (options.adoptable) this.adoptable.add(name.toLowerCase());
    else this.adoptable.delete(name.toLowerCase());
  }

  /**
   * The names `next` would pass over on its way to a free one that are unclaimed files on disk, in
   * that order, each with the form that holds the plain name (the clash a suffix means).
   */
  adoptableCandidates(fields: NameFields): Array<{ name: string; clashesWith: string | null }> {
    const base = this.base(fields);
    const found: Array<{ name: string; clashesWith: string | null }> = [];
    for (let i = 2, name = base; this.taken.has(name.toLowerCase()); name = `${base}-${i++}`) {
      if (this.adoptable.has(name.toLowerCase())) found.push({ name, clashesWith: name === base ? null : (this.taken.get(base.toLowerCase()) ?? null) });
    }
    return found;
  }

  /** Frees a reserved name: its form left the archive (a corrected file took its place and may take its names). */
  release(name: string): void {
    this.taken.delete(name.toLowerCase());
    this.adoptable.delete(name.toLowerCase());
  }

  /** Gives a form the name of an unclaimed file on disk that holds exactly what it would write. */
  adopt(name: string, owner: string): void {
    this.adoptable.delete(name.toLowerCase());
    this.taken.set(name.toLowerCase(), owner);
  }
}
