import { posix } from 'node:path';
import { runMessage, type RunMessage } from '../model/archive-messages.js';
import { formFiles, type ManifestForm, type RemovedSource } from '../model/manifest.js';
import { shownPath } from '../model/shown-path.js';
import { formIdentity, predecessorOf } from './revisions.js';

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
  /** dropped entry → the source whose form took its place */
  private readonly dropped = new Map<ManifestForm, string>();
  readonly messages: RunMessage[] = [];

  constructor(private readonly o: SuccessionOptions) {}

  private drop(entry: ManifestForm, by: string): void {
    this.dropped.set(entry, by);
    for (const f of formFiles(entry)) this.o.release(f.path.slice(0, f.path.length - posix.extname(f.path).length));
  }

  /** Gone entries with `entry`'s identity, other than its predecessor, are superseded by it. */
  private supersede(entry: ManifestForm, predecessor: ManifestForm | null): void {
    const identity = formIdentity(entry);
    if (identity === null) return;
    for (const p of this.o.carried) {
      if (p === predecessor || this.dropped.has(p) || p.source === entry.source || !this.o.gone.has(p.source) || formIdentity(p) !== identity) continue;
      this.drop(p, entry.source);
      this.messages.push(runMessage('FORM_SUPERSEDED', { source: shownPath(p.source), name: p.projectName ?? '', by: shownPath(entry.source) }));
    }
  }

  /** Before any form is written: the up-to-date forms of this run (not rebuilt) supersede gone entries of their identity. */
  reused(forms: ManifestForm[]): void {
    for (const f of forms) this.supersede(f, null);
  }

  /**
   * The earlier result each fresh form of one input follows (null for none), before they are named:
   * what they take over is dropped and its names freed. An earlier source the caller agrees to
   * replace (replaceEarlier) is replaced first.
   */
  async follow(source: string, entries: ManifestForm[]): Promise<Array<ManifestForm | null>> {
    if (this.o.replaceEarlier) await this.replaceEarlier(source, entries, this.o.replaceEarlier);
    return entries.map((entry) => {
      const predecessor = predecessorOf(
        entry,
        this.o.previous.filter((p) => !this.dropped.has(p)),
        (s) => this.o.gone.has(s),
      );
      if (predecessor && predecessor.source !== entry.source) this.drop(predecessor, source);
      this.supersede(entry, predecessor);
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

  /** Entries this run dropped, with the source that took each one's place. */
  droppedEntries(): Array<{ entry: ManifestForm; by: string }> {
    return [...this.dropped].map(([entry, by]) => ({ entry, by }));
  }

  /** `forms` less what was dropped (only for the takers `done` says were written, when the run ends early). */
  kept(forms: ManifestForm[], done: (source: string) => boolean = () => true): ManifestForm[] {
    return forms.filter((f) => {
      const by = this.dropped.get(f);
      return by === undefined || !done(by);
    });
  }

  /** The removed inputs still in the archive: less the entries dropped, their outputs those of what is left. */
  removedLeft(removed: RemovedSource[]): RemovedSource[] {
    return removed.flatMap((r) => {
      const all = this.o.carried.filter((f) => f.source === r.source);
      if (all.length === 0 || !all.some((f) => this.dropped.has(f))) return [r];
      const left = all.filter((f) => !this.dropped.has(f));
      return left.length === 0 ? [] : [{ ...r, outputs: left.flatMap((f) => formFiles(f).map((o) => o.path)) }];
    });
  }
}
