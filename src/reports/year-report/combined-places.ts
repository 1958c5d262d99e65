import type { ManifestForm } from '../../model/manifest.js';
import type { CombinedGroup } from '../combined-pdfs.js';
import type { CombinedPlace } from './facts.js';

/**
 * The page each form starts on in its department's 合并打印.pdf. The combined file holds the
 * group's forms one after another in the group's order (combined-pdfs.ts), each with all its pages,
 * so a form starts one page after the pages of the forms before it. A form whose page count is not
 * known (an entry from before pages were recorded whose PDF cannot be read) leaves the pages from
 * it on unknown rather than guessed.
 */
export async function combinedPlaces(groups: CombinedGroup[], pagesOf: (f: ManifestForm) => Promise<number | null>): Promise<Map<ManifestForm, CombinedPlace>> {
  const places = new Map<ManifestForm, CombinedPlace>();
  for (const group of groups) {
    let next: number | null = 1;
    for (const f of group.forms) {
      places.set(f, { path: group.path, page: next });
      const pages: number | null = next === null ? null : await pagesOf(f);
      next = next === null || pages === null ? null : next + pages;
    }
  }
  return places;
}

/** Pages of a form's PDF as the manifest records them, else as the PDF itself says (entries written before `pages` was recorded). */
export async function formPages(f: ManifestForm, readPdf: (path: string) => Promise<Uint8Array | null>): Promise<number | null> {
  if (f.pages !== undefined) return f.pages;
  const bytes = f.outputs ? await readPdf(f.outputs.pdf) : null;
  if (bytes === null) return null;
  try {
    // The forms' PDFs are this tool's own: its reader counts their pages.
    const { PdfReader } = await import('../../render/pdf-read.js');
    return new PdfReader(bytes).pages().length;
  } catch {
    return null;
  }
}
