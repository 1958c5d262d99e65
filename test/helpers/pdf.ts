import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function tempPdf(buffer: Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'ziping-pdf-')), 'f.pdf');
  writeFileSync(path, buffer);
  return path;
}

/** The text of each page as pdftotext reads it (poppler-utils). */
export function pdfPages(buffer: Buffer, layout = false): string[] {
  const text = execFileSync('pdftotext', [...(layout ? ['-layout'] : []), '-enc', 'UTF-8', tempPdf(buffer), '-'], { encoding: 'utf8' });
  return text.split('\f').filter((p, i, all) => i < all.length - 1 || p.trim() !== '');
}

export function pdfInfo(buffer: Buffer): Record<string, string> {
  const text = execFileSync('pdfinfo', [tempPdf(buffer)], { encoding: 'utf8' });
  return Object.fromEntries(
    text
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]),
  );
}

export interface PdfFont {
  name: string;
  type: string;
  embedded: boolean;
  subset: boolean;
  unicode: boolean;
}

export function pdfFonts(buffer: Buffer): PdfFont[] {
  const lines = execFileSync('pdffonts', [tempPdf(buffer)], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .filter(Boolean);
  return lines.map((l) => {
    const cols = l.trim().split(/\s+/);
    const [emb, sub, uni] = cols.slice(-5, -2);
    return { name: cols[0] ?? '', type: cols.slice(1, -6).join(' '), embedded: emb === 'yes', subset: sub === 'yes', unicode: uni === 'yes' };
  });
}

/** Whitespace removed: pdftotext breaks lines where the cell wraps them. */
export const squash = (s: string): string => s.replace(/\s+/g, '');

/** Every embedded font program of a PDF: the descriptor's FontName (tag+name), the stream's dictionary keys and its bytes as stored. */
export async function pdfFontPrograms(buffer: Uint8Array): Promise<Array<{ name: string; filter: string | null; subtype: string | null; bytes: Uint8Array }>> {
  const { PDFDocument, PDFDict, PDFName, PDFRawStream } = await import('pdf-lib');
  const doc = await PDFDocument.load(buffer, { updateMetadata: false });
  const out: Array<{ name: string; filter: string | null; subtype: string | null; bytes: Uint8Array }> = [];
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict) || obj.get(PDFName.of('Type'))?.toString() !== '/FontDescriptor') continue;
    const file = obj.get(PDFName.of('FontFile3')) ?? obj.get(PDFName.of('FontFile2'));
    const stream = file ? doc.context.lookup(file) : undefined;
    if (!(stream instanceof PDFRawStream)) continue;
    out.push({
      name: obj.get(PDFName.of('FontName'))?.toString().replace(/^\//, '') ?? '',
      filter: stream.dict.get(PDFName.of('Filter'))?.toString() ?? null,
      subtype: stream.dict.get(PDFName.of('Subtype'))?.toString() ?? null,
      bytes: stream.contents,
    });
  }
  return out;
}

/** The outline (bookmarks) as a reader shows it: each item's title and the page number it opens. */
export async function pdfOutline(pdf: Uint8Array): Promise<Array<{ title: string; page: number }>> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
  const items = (await doc.getOutline()) ?? [];
  return Promise.all(
    items.map(async (item) => {
      const dest = Array.isArray(item.dest) ? item.dest : await doc.getDestination(String(item.dest));
      return { title: item.title, page: (await doc.getPageIndex(dest?.[0] as { num: number; gen: number })) + 1 };
    }),
  );
}

/** Every font's ToUnicode CMap of a PDF, inflated. */
export async function pdfToUnicodeMaps(buffer: Uint8Array): Promise<string[]> {
  const { PDFDocument, PDFDict, PDFName, PDFRawStream } = await import('pdf-lib');
  const { inflateSync } = await import('node:zlib');
  const doc = await PDFDocument.load(buffer, { updateMetadata: false });
  const maps: string[] = [];
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict) || obj.get(PDFName.of('Subtype'))?.toString() !== '/Type0') continue;
    const stream = doc.context.lookup(obj.get(PDFName.of('ToUnicode')));
    if (stream instanceof PDFRawStream) maps.push(inflateSync(stream.contents).toString('latin1'));
  }
  return maps;
}
