import { posix } from 'node:path';
import { canonicalJson, sha256Hex, type ArchiveFs } from '../archive/archive-fs.js';
import { runMessage, type RunMessage } from '../model/archive-messages.js';
import type { CombinedPdf, ManifestForm } from '../model/manifest.js';
import { generator } from '../version.js';

/** The combined file's name in each department folder; output-names keeps forms off it. */
export const COMBINED_NAME = '合并打印';

const collator = new Intl.Collator('zh-CN');
const numbered = new Intl.Collator('zh-CN', { numeric: true });
/** A form's PDF path without `.pdf`: `经费` before `经费-2` before `经费-10`. */
const stem = (f: ManifestForm): string => (f.outputs?.pdf ?? '').replace(/\.pdf$/i, '');

export interface CombinedGroup {
  /** relative to out: `<年度>/<主管部门>/合并打印.pdf` with the default name pattern */
  path: string;
  department: string;
  forms: ManifestForm[];
}

/**
 * The year's forms by the folder their PDFs are in (a department with the default name
 * pattern), for every folder with two or more forms: offices submit one PDF per department. In
 * each, the forms are in 项目名称 order (Chinese collation), then by PDF path, so the order is the
 * same on every build.
 */
export function combinedGroups(forms: ManifestForm[]): CombinedGroup[] {
  const byFolder = new Map<string, ManifestForm[]>();
  for (const f of forms) {
    if (f.status !== 'ok' || !f.outputs) continue;
    const folder = posix.dirname(f.outputs.pdf);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), f]);
  }
  return [...byFolder.entries()]
    .filter(([, list]) => list.length >= 2)
    .map(([folder, list]) => ({
      path: `${folder}/${COMBINED_NAME}.pdf`,
      department: list.find((f) => f.department)?.department ?? posix.basename(folder),
      forms: [...list].sort((a, b) => collator.compare(a.projectName ?? '', b.projectName ?? '') || numbered.compare(stem(a), stem(b))),
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

const digestOf = (group: CombinedGroup): string =>
  sha256Hex(canonicalJson({ generator, forms: group.forms.map((f) => ({ pdf: f.outputs?.pdf, sha256: f.outputs?.sha256.pdf, title: f.projectName })) }));

/**
 * Writes the combined PDF of each group whose forms changed since the last build (or whose file
 * on disk is missing or differs from what was written), keeps the others, and removes the
 * combined files of folders that no longer have two forms — only files this tool wrote, as the
 * previous manifest recorded them, and only while they still hold what it wrote.
 */
export async function writeCombinedPdfs(fs: ArchiveFs, year: string, forms: ManifestForm[], previous: CombinedPdf[]): Promise<{ combined: CombinedPdf[]; written: string[]; messages: RunMessage[] }> {
  const combined: CombinedPdf[] = [];
  const written: string[] = [];
  const messages: RunMessage[] = [];
  for (const group of combinedGroups(forms)) {
    const digest = digestOf(group);
    const before = previous.find((c) => c.path === group.path);
    if (before && before.forms === digest && (await fs.hash(group.path)) === before.sha256) {
      combined.push(before);
      continue;
    }
    const parts = [];
    let missing: string | null = null;
    for (const f of group.forms) {
      const path = f.outputs?.pdf ?? f.source;
      const pdf = f.outputs ? await fs.readBytes(f.outputs.pdf) : null;
      // The build has just verified or written every form's PDF; one gone now (moved away during
      // the run) is said, and the combined file waits for the next build rather than leave it out.
      if (pdf === null || sha256Hex(pdf) !== f.outputs?.sha256.pdf) {
        missing = path;
        break;
      }
      parts.push({ title: f.projectName ?? posix.basename(path, '.pdf'), pdf });
    }
    if (missing !== null) {
      if (before) combined.push(before);
      messages.push(runMessage('COMBINED_PDF_SKIPPED', { path: fs.shown(group.path), missing: fs.shown(missing) }));
      continue;
    }
    const title = `${/^\d{4}$/.test(year) ? `${year}年度 ` : ''}${group.department} 项目支出绩效自评表(合并打印)`;
    // pdf-lib is loaded by the first build that has a folder to combine, not by every command.
    const { combinedPdf } = await import('./combined-pdf.js');
    const bytes = await combinedPdf(parts, title);
    await fs.write(group.path, bytes);
    written.push(group.path);
    combined.push({ path: group.path, sha256: sha256Hex(bytes), forms: digest });
  }
  for (const old of previous) {
    if (combinedGroups(forms).some((g) => g.path === old.path)) continue;
    if ((await fs.hash(old.path)) !== old.sha256) continue;
    if (await fs.remove(old.path)) {
      messages.push(runMessage('COMBINED_PDF_REMOVED', { path: fs.shown(old.path) }));
      await fs.removeEmptyDirs(old.path);
    }
  }
  return { combined, written, messages };
}
