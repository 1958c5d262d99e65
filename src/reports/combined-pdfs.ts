import { posix } from 'node:path';
import { canonicalJson, sha256Hex, type ArchiveFs } from '../archive/archive-fs.js';
import { runMessage, type RunMessage } from '../model/archive-messages.js';
import type { DepartmentFile, ManifestForm } from '../model/manifest.js';
import { combinePdfs, type CombinedPart } from '../render/pdf-combine.js';
import type { Typesetter } from '../typeset/typesetter.js';
import { generator } from '../version.js';
import { yearFolder } from './year-folder.js';
import { writeOwnFile } from '../archive/own-files.js';
import { removeWritten } from './written-files.js';

/** The combined file's name in each department folder; output-names keeps forms off it. */
export const COMBINED_NAME = '合并打印';

/** 项目名称 in Chinese order, numbers by value (第6号 before 第12号). */
const byName = new Intl.Collator('zh-CN', { numeric: true });
/** A form's PDF path without `.pdf`, compared by code unit (no locale): `经费` before `经费-2`. */
const stem = (f: ManifestForm): string => (f.outputs?.pdf ?? '').replace(/\.pdf$/i, '');
const codeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The processed forms by the folder their copies are in, for each folder whose forms are all of one
 * year and one department (as the default name pattern files them): what a department's files
 * (合并打印.pdf, 复核意见.xlsx) are made of. A folder a custom name pattern mixes gets none.
 */
export function departmentFolders(forms: ManifestForm[]): Array<{ folder: string; year: string; department: string; forms: ManifestForm[] }> {
  const byFolder = new Map<string, ManifestForm[]>();
  for (const f of forms) {
    if (f.status !== 'ok' || !f.outputs?.pdf) continue;
    const folder = posix.dirname(f.outputs.pdf);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), f]);
  }
  const out = [];
  for (const [folder, list] of byFolder) {
    const years = new Set(list.map(yearFolder));
    const departments = new Set(list.map((f) => f.department ?? ''));
    const [year] = years;
    if (years.size !== 1 || departments.size !== 1 || year === undefined) continue;
    out.push({ folder, year, department: list[0]?.department || posix.basename(folder), forms: list });
  }
  return out;
}

export interface CombinedGroup {
  /** relative to out: `<年度>/<主管部门>/合并打印.pdf` with the default name pattern */
  path: string;
  /** the year folder whose page lists it */
  year: string;
  department: string;
  forms: ManifestForm[];
}

/**
 * The archive's forms by the folder their PDFs are in, for every folder with two or more forms of
 * one year and one department (the default name pattern gives each year and department its own
 * folder): offices submit one PDF per department and year. A folder where a custom name pattern
 * mixes years or departments gets no combined file rather than one that mixes them. The forms are
 * in 项目名称 order, then by PDF path, the same on every build and every machine.
 */
export function combinedGroups(forms: ManifestForm[]): CombinedGroup[] {
  const groups: CombinedGroup[] = [];
  for (const { folder, year, department, forms: list } of departmentFolders(forms)) {
    if (list.length < 2) continue;
    groups.push({
      path: folder === '.' ? `${COMBINED_NAME}.pdf` : `${folder}/${COMBINED_NAME}.pdf`,
      year,
      department,
      forms: [...list].sort((a, b) => byName.compare(a.projectName ?? '', b.projectName ?? '') || codeUnits(stem(a), stem(b))),
    });
  }
  return groups.sort((a, b) => codeUnits(a.path, b.path));
}

/** What a combined file is written from; the version of the way it is assembled (2: the faces shared across forms) is part of it. */
const digestOf = (group: CombinedGroup): string =>
  sha256Hex(canonicalJson({ generator, assembly: 2, forms: group.forms.map((f) => ({ pdf: f.outputs?.pdf, sha256: f.outputs?.sha256.pdf, title: f.projectName })) }));

/** A form's PDF that is gone or changed since the build verified it (moved away during the run). */
class PartMissing extends Error {
  constructor(readonly path: string) {
    super(path);
  }
}

/**
 * Writes the combined PDF of each group whose forms changed since the last build, or whose file
 * on disk is missing or differs from what was written (said: someone edited or deleted it), and
 * keeps the others. The forms' PDFs are read one at a time as they are copied in.
 */
export async function writeCombinedPdfs(
  fs: ArchiveFs,
  groups: CombinedGroup[],
  previous: DepartmentFile[],
  typeset: Typesetter,
): Promise<{ combined: DepartmentFile[]; written: string[]; messages: RunMessage[] }> {
  const combined: DepartmentFile[] = [];
  const written: string[] = [];
  const messages: RunMessage[] = [];
  for (const group of groups) {
    const digest = digestOf(group);
    const before = previous.find((c) => c.path === group.path);
    const onDisk = before ? await fs.hash(group.path) : null;
    if (before && before.forms === digest && onDisk === before.sha256) {
      combined.push(before);
      continue;
    }
    const parts: CombinedPart[] = group.forms.map((f) => {
      const path = f.outputs?.pdf ?? f.source;
      return {
        title: f.projectName ?? posix.basename(path, '.pdf'),
        pdf: async () => {
          const pdf = f.outputs ? await fs.readBytes(f.outputs.pdf) : null;
          // The build has just verified or written every form's PDF; one gone now is said, and the
          // combined file waits for the next build rather than leave it out.
          if (pdf === null || sha256Hex(pdf) !== f.outputs?.sha256.pdf) throw new PartMissing(path);
          return pdf;
        },
      };
    });
    const title = `${/^\d{4}$/.test(group.year) ? `${group.year}年度 ` : ''}${group.department} 项目支出绩效自评表(合并打印)`;
    let bytes: Uint8Array;
    try {
      bytes = await combinePdfs(parts, title, typeset);
    } catch (error) {
      if (!(error instanceof PartMissing)) throw error;
      if (before) combined.push(before);
      messages.push(runMessage('COMBINED_PDF_SKIPPED', { path: fs.shown(group.path), missing: fs.shown(error.path) }));
      continue;
    }
    const done = await writeOwnFile(fs, group.path, bytes, before !== undefined, '合并打印文件', messages);
    // Not written (open in a PDF reader): as when a part is missing, the record stays for the next build.
    if (done === 'failed' && before) combined.push(before);
    if (done !== 'written' && done !== 'same') continue;
    if (before && before.forms === digest) messages.push(runMessage('COMBINED_PDF_REPAIRED', { path: fs.shown(group.path) }));
    if (done === 'written') written.push(group.path);
    combined.push({ path: group.path, sha256: sha256Hex(bytes), forms: digest });
  }
  return { combined, written, messages };
}

/**
 * Removes combined files the last build wrote whose folder no longer has a group: only files this
 * tool wrote (the previous manifest says which) and only while they still hold what it wrote.
 */
export function removeCombinedPdfs(fs: ArchiveFs, previous: DepartmentFile[], kept: Set<string>): Promise<RunMessage[]> {
  return removeWritten(fs, previous, kept, 'COMBINED_PDF_REMOVED');
}
