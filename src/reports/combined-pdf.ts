import { type PDFArray, type PDFDict, PDFDocument, PDFHexString, PDFName, PDFNull, PDFNumber, type PDFRef, ParseSpeeds } from 'pdf-lib';
import { FIXED_DATE } from '../zip/fixed-date.js';

export interface CombinedPart {
  /** the bookmark: the project's name as printed on its form */
  title: string;
  /** the form's own PDF, as written to the archive */
  pdf: Uint8Array;
}

/**
 * One PDF holding a department's forms one after another, a bookmark per project, for printing
 * a year's forms in one go. The pages are the forms' own (copied, not redrawn), so the combined
 * file prints exactly what each form's PDF prints; every form's font subsets come along under
 * their content-derived tags (see render/pdf-font.ts), so no two different subsets share a name.
 * Dates and producer are fixed: the same forms give the same bytes.
 */
export async function combinedPdf(parts: CombinedPart[], title: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(title);
  doc.setAuthor('ziping');
  doc.setCreator('ziping');
  doc.setProducer('ziping');
  doc.setCreationDate(FIXED_DATE);
  doc.setModificationDate(FIXED_DATE);
  const firstPages: Array<{ title: string; page: PDFRef }> = [];
  // Every part is a PDF this tool wrote (its sha256 checked against the manifest): parsed at
  // full speed (pdf-lib otherwise yields to the event loop every 100 objects), strictly.
  for (const part of parts) {
    const source = await PDFDocument.load(part.pdf, { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest, throwOnInvalidObject: true });
    const pages = await doc.copyPages(source, source.getPageIndices());
    pages.forEach((page) => doc.addPage(page));
    const first = pages[0];
    if (first) firstPages.push({ title: part.title, page: first.ref });
  }
  addOutline(doc, firstPages);
  return doc.save({ useObjectStreams: false, addDefaultPage: false, objectsPerTick: Infinity });
}

/**
 * A flat outline (PDF 32000-1 §12.3.3): one item per project, each opening its first page. pdf-lib
 * writes outlines only through its low-level objects.
 */
function addOutline(doc: PDFDocument, items: Array<{ title: string; page: PDFRef }>): void {
  if (items.length === 0) return;
  const context = doc.context;
  const outlineRef = context.nextRef();
  const refs = items.map(() => context.nextRef());
  items.forEach((item, i) => {
    const dict = context.obj({}) as PDFDict;
    dict.set(PDFName.of('Title'), PDFHexString.fromText(item.title));
    dict.set(PDFName.of('Parent'), outlineRef);
    const dest = context.obj([item.page, PDFName.of('XYZ'), PDFNull, PDFNull, PDFNull]) as PDFArray;
    dict.set(PDFName.of('Dest'), dest);
    const prev = refs[i - 1];
    const next = refs[i + 1];
    if (prev) dict.set(PDFName.of('Prev'), prev);
    if (next) dict.set(PDFName.of('Next'), next);
    const ref = refs[i];
    if (ref) context.assign(ref, dict);
  });
  const outline = context.obj({}) as PDFDict;
  outline.set(PDFName.of('Type'), PDFName.of('Outlines'));
  const [first, last] = [refs[0], refs[refs.length - 1]];
  if (first) outline.set(PDFName.of('First'), first);
  if (last) outline.set(PDFName.of('Last'), last);
  outline.set(PDFName.of('Count'), PDFNumber.of(items.length));
  context.assign(outlineRef, outline);
  doc.catalog.set(PDFName.of('Outlines'), outlineRef);
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
}
