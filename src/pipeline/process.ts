import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { convertXls } from '../ingest/convert-xls.js';
import { ingestBuffer } from '../ingest/ingest-file.js';
import { blankFormInput, isUnfilledForm } from '../model/blank-form.js';
import { annotate } from '../layout/annotations.js';
import { layoutForm, type LayoutOptions } from '../layout/layout-form.js';
import { isProblem, type Finding } from '../model/finding.js';
import type { FormInput } from '../model/form-input.js';
import type { FormSheet } from '../model/form-sheet.js';
import { finding, FindingLog } from '../model/messages.js';
import type { Profile, ProfileChoice, ProfileFrom, ScoreMode } from '../model/profile.js';
import { resolveProfile } from '../profiles/load-profile.js';
import type { ScoredForm } from '../model/scored-form.js';
import { noTimings, timed, timedAsync, type Timings } from '../model/timings.js';
import { formats, registry, rendererFor, type Format } from '../render/registry.js';
import { scoreForm } from '../score/score-form.js';
import type { Typesetter } from '../typeset/typesetter.js';

/**
 * The one place the stages are put together: bytes → FormInput → ScoredForm → FormSheet →
 * rendered files, with each form's findings collected as it goes and merged once. Commands,
 * workers, the bench and the tests all come through here; none of them calls two stages itself.
 */

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** One rendered copy of a form. */
export interface RenderedFile {
  format: Format;
  extension: string;
  bytes: Uint8Array;
  /** ms the renderer took, wherever it ran */
  ms: number;
}

/** A scored form laid out and drawn in every format. */
export interface DrawnForm {
  files: RenderedFile[];
  /** the official-layout .xlsx with a note on each printed cell a finding names; null for a form without findings */
  annotated: Uint8Array | null;
  /** what the layout found (characters the fonts cannot draw, text cut at a page) */
  findings: Finding[];
  /** ms the layout took, wherever it ran */
  layoutMs: number;
  /** pages the printed copy has (the layout's pagination, which every renderer follows) */
  pages: number;
}

/**
 * Lays a scored form out and draws it, with the findings of the stages before (drawn as remarks on
 * the review view): here (drawHere), or on a worker thread (see pool.ts).
 */
export type Draw = (scored: ScoredForm, profile: Profile, findings: Finding[]) => Promise<DrawnForm>;

export interface ProcessOptions {
  /** each form by its own layout (`auto`), or one profile for all */
  profile: ProfileChoice;
  mode: ScoreMode;
  typeset: Typesetter;
  /** how forms are laid out and drawn; false lays them out for their findings only (check) */
  render: Draw | false;
}

/** One form of a file as the pipeline left it. */
export interface FormOutcome {
  /** error: nothing could be read (findings say why), nothing rendered */
  status: 'ok' | 'error';
  /** the profile's name, and whether the form's layout, the command line or the config chose it */
  profile: string;
  profileFrom: ProfileFrom;
  mode: ScoreMode;
  scored: ScoredForm | null;
  files: RenderedFile[];
  /** pages of the printed copy, when it was drawn */
  pages?: number;
  /** the annotated copy (see DrawnForm) */
  annotated: Uint8Array | null;
  /** every finding of every stage, in stage order */
  findings: Finding[];
}

export interface FileOutcome {
  /** the name used in the manifest and messages */
  source: string;
  sha256: string;
  /** when the workbook was last saved, as it records itself (docProps/core.xml), ISO; null when it does not say */
  modified?: string | null;
  forms: FormOutcome[];
  /** what was left out on purpose and why, said to the user but kept out of the archive: blank templates (INGEST_FORM_BLANK) */
  notes: Finding[];
  timings: Timings;
}

/** Every registered renderer over one sheet, on this thread. */
export async function renderSheet(sheet: FormSheet, typeset: Typesetter): Promise<RenderedFile[]> {
  const files: RenderedFile[] = [];
  for (const format of formats) {
    const render = await rendererFor(format);
    const t = performance.now();
    const bytes = await render(sheet, { typeset });
    files.push({ format, extension: registry[format].extension, bytes, ms: performance.now() - t });
  }
  return files;
}

export interface RenderedForm {
  /** as laid out, with the findings as its annotations */
  sheet: FormSheet;
  files: RenderedFile[];
  annotated: Uint8Array | null;
  /** what the layout found (characters the fonts cannot draw) */
  findings: Finding[];
  layoutMs: number;
}

/**
 * Layout and every renderer for one scored form, on this thread. The findings of the stages before
 * and the layout's own become the sheet's annotations, which the review view draws; a form with
 * an error or a warning (something to correct) also gets its annotated copy.
 */
export async function renderScored(scored: ScoredForm, profile: Profile, typeset: Typesetter, earlier: Finding[] = []): Promise<RenderedForm> {
  const t = performance.now();
  const laid = layoutForm(scored, profile, typeset);
  const sheet = annotate(laid.sheet, [...earlier, ...laid.findings]);
  const layoutMs = performance.now() - t;
  const files = await renderSheet(sheet, typeset);
  const annotated = (sheet.annotations ?? []).some(isProblem) ? await (await rendererFor('xlsx'))(sheet, { typeset, annotated: true }) : null;
  return { sheet, files, annotated, findings: laid.findings, layoutMs };
}

/** Forms laid out and drawn on this thread. */
export const drawHere =
  (typeset: Typesetter): Draw =>
  async (scored, profile, earlier) => {
    const { sheet, files, annotated, findings, layoutMs } = await renderScored(scored, profile, typeset, earlier);
    return { files, annotated, findings, layoutMs, pages: sheet.pages.length };
  };

/** The profile name a file that gave no form is recorded under. */
export function choiceName(choice: ProfileChoice): { profile: string; profileFrom: ProfileFrom } {
  return choice.kind === 'auto' ? { profile: 'auto', profileFrom: 'layout' } : { profile: choice.profile.name, profileFrom: choice.from };
}

function failed(options: ProcessOptions, findings: Finding[]): FormOutcome {
  return { status: 'error', ...choiceName(options.profile), mode: options.mode, scored: null, files: [], annotated: null, findings };
}

/** Ingest → score → layout → render for a workbook held in memory. Never throws for what the file holds. */
export async function processBuffer(bytes: Buffer, source: string, options: ProcessOptions, timings: Timings = noTimings()): Promise<FileOutcome> {
  const outcome: FileOutcome = { source, sha256: sha256(bytes), forms: [], notes: [], timings };
  const read = await timedAsync(timings, 'ingest', () => ingestBuffer(bytes, source));
  if (read.status === 'error') {
    outcome.forms.push(failed(options, read.findings));
    return outcome;
  }
  if (read.modified !== undefined) outcome.modified = read.modified;
  for (const form of read.forms) {
    if (form.refused) {
      // A table of the family this tool cannot score: said, not scored, nothing rendered.
      outcome.forms.push(failed(options, [...read.findings, ...form.findings]));
      continue;
    }
    if (isUnfilledForm(form.input)) {
      outcome.notes.push(finding('INGEST_FORM_BLANK', { file: source, sheet: form.input.source.sheet }));
      continue;
    }
    const { profile, from } = resolveProfile(options.profile, form.input.variant);
    const scored = timed(timings, 'score', () => scoreForm(form.input, profile, options.mode));
    const findings = [...read.findings, ...form.findings, ...scored.findings];
    if (scored.refused) {
      // No profile fits the form: said, not graded, nothing rendered.
      outcome.forms.push(failed(options, findings));
      continue;
    }
    const result: FormOutcome = { status: 'ok', profile: profile.name, profileFrom: from, mode: options.mode, scored, files: [], annotated: null, findings };
    if (options.render) {
      const drawn = await options.render(scored, profile, [...findings]);
      timings.layout += drawn.layoutMs;
      for (const f of drawn.files) timings.render[f.format] = (timings.render[f.format] ?? 0) + f.ms;
      result.files = drawn.files;
      result.pages = drawn.pages;
      result.annotated = drawn.annotated;
      findings.push(...drawn.findings);
    } else {
      // check draws nothing, but what the printed copy would lose (a character no font has, text
      // cut at a page) is said there too.
      findings.push(...timed(timings, 'layout', () => layoutForm(scored, profile, options.typeset)).findings);
    }
    outcome.forms.push(result);
  }
  return outcome;
}

/** The same for a file on disk; old .xls files go through LibreOffice first when it is installed. */
export async function processFile(path: string, source: string, options: ProcessOptions): Promise<FileOutcome> {
  const timings = noTimings();
  const t = performance.now();
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const log = new FindingLog(source);
    log.add('INGEST_FILE_UNREADABLE', null, { reason: `无法读取文件(${error instanceof Error ? error.message : String(error)})` });
    return { source, sha256: '', forms: [failed(options, log.list)], notes: [], timings };
  }
  timings.read += performance.now() - t;
  if (/\.xls$/i.test(path) && bytes.length > 0) {
    const digest = sha256(bytes);
    const converted = await convertXls(path);
    if (!converted.ok) {
      const log = new FindingLog(source);
      if (converted.reason === 'missing') log.add('INGEST_XLS_UNSUPPORTED', null);
      else log.add('INGEST_XLS_CONVERSION_FAILED', null, { detail: converted.detail });
      return { source, sha256: digest, forms: [failed(options, log.list)], notes: [], timings };
    }
    // The manifest records the file the user gave, not LibreOffice's conversion of it.
    return { ...(await processBuffer(converted.buffer, source, options, timings)), sha256: digest };
  }
  return processBuffer(bytes, source, options, timings);
}

/**
 * A form as an .xlsx workbook, printed as filled (no scores computed into it): the blank
 * template of `ziping init` (`template: true` marks input cells and validates numbers) and the
 * bench's generated inputs.
 */
export async function formWorkbook(input: FormInput, profile: Profile, typeset: Typesetter, options: LayoutOptions = {}): Promise<Uint8Array> {
  const { sheet } = layoutForm(scoreForm(input, profile, 'filled'), profile, typeset, options);
  return (await rendererFor('xlsx'))(sheet, { typeset });
}

/** The blank fillable template of a profile. */
export function templateWorkbook(profile: Profile, typeset: Typesetter): Promise<Uint8Array> {
  return formWorkbook(blankFormInput(profile), profile, typeset, { template: true });
}
