import { posix } from 'node:path';
import { runMessage, type RunMessage } from '../model/archive-messages.js';
import { formFiles, type ManifestForm, type RemovedSource } from '../model/manifest.js';
import { shownPath } from '../model/shown-path.js';
import { formIdentity, predecessorOf } from './revisions.js';

/** The form of this run that takes an entry's place: its source, and which of the source's forms (one sheet may hold several). */
export interface Taker {
  source: string;
  index: number;
}

export interface SuccessionOptions {
  /** every form of the last manifest */
  previous: ManifestForm[];
  /** the forms kept from sources this run does not read (a moved year folder, serve's earlier uploads, removed inputs) */
  carried: ManifestForm[];
  /** sources of the last build that are gone: not read this run and no longer on disk (grows as earlier uploads are replaced) */
  gone: Set<string>;
  /** frees an output name (path without extension) that was kept for a form now dropped */
  release: (name: string) => void;
  /**
   * May `earlier`, a source still on disk that this run does not read, give way to `by`, one of this
   * run's, whose forms are all of its projects? The caller (serve: both are uploads) moves it away
   * and says yes; from then on it is gone.
   */
  replaceEarlier?: (earlier: string, by: string) => Promise<boolean>;
}

/**
 * Which earlier entry each fresh form follows (its history), and which entries leave the archive
 * because a form of this run took their place, so a project is counted once:
 * - a fresh form follows the entry of its own source, or else one of a gone source with its
 *   identity (formIdentity: 年度, 主管部门, 实施单位, 项目名称): that entry is taken over (its names
 *   freed for the new form, the form's history starts with it);
 * - any other entry of a gone source with the identity of a form of this run is superseded: a
 *   duplicate resolved by taking one file away (said, FORM_SUPERSEDED).
 * Entries of sources still read, or still on disk, are never taken: two files of one project both
 * present are a duplicate (DUPLICATE_FORM), not a correction.
 */
export class Successions {
  /** dropped entry → the form that took its place */
  private readonly dropped = new Map<ManifestForm, Taker>();
  private readonly superseded: Array<{ message: RunMessage; by: Taker }> = [];

  constructor(private readonly o: SuccessionOptions) {}

  private drop(entry: ManifestForm, by: Taker): void {
    this.dropped.set(entry, by);
    for (const f of formFiles(entry)) this.o.release(f.path.slice(0, f.path.length - posix.extname(f.path).length));
  }

  /** Gone entries with `entry`'s identity, other than its predecessor, are superseded by it (`by`). */
  private supersede(entry: ManifestForm, predecessor: ManifestForm | null, by: Taker): void {
    const identity = formIdentity(entry);
    if (identity === null) return;
    for (const p of this.o.carried) {
      if (p === predecessor || this.dropped.has(p) || p.source === entry.source || !this.o.gone.has(p.source) || formIdentity(p) !== identity) continue;
      this.drop(p, by);
      this.superseded.push({ message: runMessage('FORM_SUPERSEDED', { source: shownPath(p.source), name: p.projectName ?? '', by: shownPath(entry.source) }), by });
    }
  }

  /** Before any form is written: the up-to-date forms of one source (not rebuilt) supersede gone entries of their identity. */
  reused(source: string, forms: ManifestForm[]): void {
    forms.forEach((f, index) => this.supersede(f, null, { source, index }));
  }

  /**
   * The earlier result each fresh form of one input follows (null for none), before they are named:
   * what they take over is dropped and its names freed. An earlier source the caller agrees to
   * replace (replaceEarlier) is replaced first.
   */
  async follow(source: string, entries: ManifestForm[]): Promise<Array<ManifestForm | null>> {
    if (this.o.replaceEarlier) await this.replaceEarlier(source, entries, this.o.replaceEarlier);
    return entries.map((entry, index) => {
      const predecessor = predecessorOf(
        entry,
        this.o.previous.filter((p) => !this.dropped.has(p)),
        (s) => this.o.gone.has(s),
      );
      if (predecessor && predecessor.source !== entry.source) this.drop(predecessor, { source, index });
      this.supersede(entry, predecessor, { source, index });
      return predecessor;
    });
  }

  /** Earlier sources on disk, not read this run, all of whose forms have identities of `entries`. */
  private async replaceEarlier(source: string, entries: ManifestForm[], replace: (earlier: string, by: string) => Promise<boolean>): Promise<void> {
    const identities = new Set(entries.map(formIdentity).filter((i): i is string => i !== null));
    if (identities.size === 0) return;
    const bySource = new Map<string, ManifestForm[]>();
    for (const f of this.o.carried) if (f.source !== source && !this.o.gone.has(f.source) && !this.dropped.has(f)) bySource.set(f.source, [...(bySource.get(f.source) ?? []), f]);
    for (const [earlier, forms] of bySource) {
      if (!forms.every((f) => identities.has(formIdentity(f) ?? ''))) continue;
      if (await replace(earlier, source)) this.o.gone.add(earlier);
    }
  }

  /**
   * Entries this run dropped for a form that was written, with that form. Here and below, `written`
   * says whether a taker's form was written: an entry leaves the archive only for a form that was.
   * A corrected workbook whose one sheet could not be written (a file of it open in Excel) keeps
   * that project's earlier entry, and only that one, so no project is counted twice and no two
   * entries claim one file.
   */
  droppedEntries(written: (by: Taker) => boolean): Array<{ entry: ManifestForm; by: Taker }> {
    return [...this.dropped].filter(([, by]) => written(by)).map(([entry, by]) => ({ entry, by }));
  }

  /** Whether `entry` leaves the archive: a form took its place and was written. */
  private leaves(entry: ManifestForm, written: (by: Taker) => boolean): boolean {
    const by = this.dropped.get(entry);
    return by !== undefined && written(by);
  }

  /** `forms` less the entries whose place a written form took. */
  kept(forms: ManifestForm[], written: (by: Taker) => boolean): ManifestForm[] {
    return forms.filter((f) => !this.leaves(f, written));
  }

  /** FORM_SUPERSEDED for each entry a written form superseded. */
  messages(written: (by: Taker) => boolean): RunMessage[] {
    return this.superseded.filter((s) => written(s.by)).map((s) => s.message);
  }

  /** The removed inputs still in the archive: less the entries dropped, their outputs those of what is left. */
  removedLeft(removed: RemovedSource[], written: (by: Taker) => boolean): RemovedSource[] {
    const gone = (f: ManifestForm): boolean => this.leaves(f, written);
    return removed.flatMap((r) => {
      const all = this.o.carried.filter((f) => f.source === r.source);
      if (all.length === 0 || !all.some(gone)) return [r];
      const left = all.filter((f) => !gone(f));
      return left.length === 0 ? [] : [{ ...r, outputs: left.flatMap((f) => formFiles(f).map((o) => o.path)) }];
    });
  }
}
