/**
 * What must hold of an output folder after any run, killed, refused or faulted: the manifest
 * verifies (schema and its own checksum), every form it lists has its outputs on disk with the
 * recorded sha256, each year's pages list exactly the manifest's forms of that year (and no year
 * without forms keeps pages), and no temporaries or lock are left behind.
 */
import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { expect } from 'vitest';
import { manifestText } from '../../src/archive/manifest-file.js';
import { visibleLine } from '../../src/model/display-text.js';
import { Manifest, outputFiles } from '../../src/model/manifest.js';
import { renderArchiveIndex, ROOT_INDEX_FILE } from '../../src/reports/archive-index.js';
import { formsByYear } from '../../src/reports/year-reports.js';
import { loadWorkbook } from './xlsx.js';

export const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/** Every entry under `dir` (files by sha256, links by target, folders as such), without following links. */
export async function hashTree(dir: string): Promise<Map<string, string>> {
  const tree = new Map<string, string>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const path = join(e.parentPath, e.name);
    const rel = relative(dir, path).split(sep).join('/');
    if (e.isSymbolicLink()) tree.set(rel, `link → ${await readlink(path)}`);
    else if (e.isFile()) tree.set(rel, sha256(await readFile(path)));
    else if (e.isDirectory()) tree.set(rel, 'dir');
    else tree.set(rel, 'other');
  }
  return tree;
}

export async function readManifest(out: string): Promise<Manifest> {
  const text = await readFile(join(out, 'manifest.json'), 'utf8');
  const manifest = Manifest.parse(JSON.parse(text));
  // Written by this tool, untouched since: its checksum holds.
  expect(manifestText(manifest).text, 'manifest.json checksum').toBe(text);
  return manifest;
}

/** The archive's own page (out/index.html) shows exactly what the manifest holds. */
export async function expectRootIndexOf(out: string, manifest: Manifest, label: string): Promise<void> {
  const page = await readFile(join(out, 'index.html'), 'utf8').catch(() => null);
  expect(page, `${label}: index.html is there`).not.toBeNull();
  expect(page, `${label}: index.html shows the manifest's forms and year reports`).toBe(await renderArchiveIndex(manifest.forms, manifest.generator, manifest.yearReports ?? []));
}

/** Every file the manifest says the archive wrote: the forms' copies, views and annotated copies, and each year's own files. */
export function claimedPaths(manifest: Manifest): Set<string> {
  const paths = new Set<string>(manifest.forms.length > 0 ? [ROOT_INDEX_FILE] : []);
  for (const f of manifest.forms) {
    for (const o of outputFiles(f.outputs)) paths.add(o.path);
    if (f.annotated) paths.add(f.annotated.path);
  }
  for (const y of manifest.yearReports ?? []) {
    paths.add(y.index);
    paths.add(y.summary);
    for (const c of [...(y.combined ?? []), ...(y.review ?? [])]) paths.add(c.path);
    if (y.report) paths.add(y.report.path);
  }
  return paths;
}

export interface ArchiveCheck {
  manifest: Manifest;
  forms: number;
  outputs: number;
  years: string[];
}

export async function expectArchiveConsistent(out: string, label: string, options: { lockMayRemain?: boolean } = {}): Promise<ArchiveCheck> {
  const manifest = await readManifest(out);
  let outputs = 0;
  for (const form of manifest.forms) {
    for (const o of outputFiles(form.outputs)) {
      const info = await lstat(join(out, o.path)).catch(() => null);
      expect(info?.isFile(), `${label}: ${o.path} of ${form.source} is a file on disk`).toBe(true);
      expect(sha256(await readFile(join(out, o.path))), `${label}: sha256 of ${o.path}`).toBe(o.sha256);
      outputs++;
    }
  }
  const years = formsByYear(manifest.forms);
  for (const [year, forms] of years) {
    const ok = forms.filter((f) => f.status === 'ok');
    const page = await readFile(join(out, year, 'index.html'), 'utf8');
    expect(page, `${label}: ${year}/index.html project count`).toContain(`<li>项目数<b>${ok.length}</b></li>`);
    for (const f of ok) if (f.outputs) expect(page, `${label}: ${year}/index.html links ${f.outputs.pdf}`).toContain(encodeURIComponent(f.outputs.pdf.split('/').pop() ?? ''));
    const book = await loadWorkbook(join(out, year, '汇总表.xlsx'));
    const sheet = book.getWorksheet('汇总表');
    if (!sheet) throw new Error(`${label}: ${year}/汇总表.xlsx has no 汇总表 sheet`);
    const names: string[] = [];
    // Row 1 is the header, the last row 合计.
    for (let r = 2; r < sheet.rowCount; r++) names.push(String(sheet.getRow(r).getCell(3).value ?? ''));
    expect(names.sort(), `${label}: ${year}/汇总表.xlsx lists the manifest's forms of ${year}`).toEqual(ok.map((f) => visibleLine(f.projectName ?? '')).sort());
    const recorded = manifest.yearReports?.find((r) => r.year === year);
    expect(recorded, `${label}: manifest records the pages of ${year}`).toBeDefined();
  }
  if (manifest.forms.length > 0) await expectRootIndexOf(out, manifest, label);
  // No year keeps pages without forms, no temporaries, no lock.
  const entries = await readdir(out, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    const rel = relative(out, join(e.parentPath, e.name)).split(sep).join('/');
    // (Only year folders: a folder of the user's beside them, with --out ., may hold an index.html of its own.)
    if (e.isFile() && rel.split('/').length === 2 && /^(\d+|未知年度)$/.test(rel.split('/')[0] ?? '') && (e.name === 'index.html' || e.name === '汇总表.xlsx'))
      expect(years.has(rel.split('/')[0] ?? ''), `${label}: ${rel} belongs to a year with forms`).toBe(true);
    expect(e.name.startsWith('.ziping-tmp-'), `${label}: temporary left: ${rel}`).toBe(false);
    if (!options.lockMayRemain) expect(rel, `${label}: lock left`).not.toBe('.ziping-lock');
  }
  return { manifest, forms: manifest.forms.length, outputs, years: [...years.keys()].sort() };
}
