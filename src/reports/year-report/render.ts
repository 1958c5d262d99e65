import type { PdfKitOutline } from 'pdfmake';
import type { FaceName } from '../../typeset/faces.js';
import type { Typesetter } from '../../typeset/typesetter.js';
import { reportDocument } from './document.js';
import type { ReportFacts } from './facts.js';
import { FAMILIES, ReportText } from './text-lines.js';

/**
 * The year's report as PDF bytes, laid out by pdfmake (which draws with pdfkit). This module is
 * imported only when a report is written: pdfmake, pdfkit and their dependencies load then, not
 * for every command.
 *
 * The faces are the typesetter's own files (fonts/, or the config's `fonts`): pdfkit embeds each as
 * a CFF-based CIDFontType0C subset of the glyphs drawn, with a ToUnicode map, so the text can be
 * searched and copied. The output is a function of the facts: fixed dates, a file ID pdfkit derives
 * from the document info, subset tags from the order fonts are first used.
 */
export async function renderReport(facts: ReportFacts, typeset: Typesetter): Promise<Uint8Array> {
  const { default: pdfmake } = await import('pdfmake');
  // Fonts come from bytes handed over here; nothing is fetched or read by path.
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy(() => false);
  const file = (face: FaceName): string => `ziping-${face}.otf`;
  for (const family of Object.values(FAMILIES)) for (const face of [family.normal, family.bold]) pdfmake.virtualfs.writeFileSync(file(face), typeset.faceBytes(face));
  pdfmake.setFonts(Object.fromEntries(Object.entries(FAMILIES).map(([name, f]) => [name, { normal: file(f.normal), bold: file(f.bold) }])));
  const output = pdfmake.createPdf(reportDocument(new ReportText(typeset), facts));
  const doc = await output.getStream();
  // pdfkit points each bookmark at the page's top right corner (XYZ left = page width), which
  // scrolls a zoomed-in reader sideways; null keeps the reader's own position and zoom.
  const openPage = (item: PdfKitOutline): void => {
    const dest = item.outlineData.Dest;
    if (dest) item.outlineData.Dest = [dest[0], 'XYZ', null, null, null];
    item.children.forEach(openPage);
  };
  doc.outline.children.forEach(openPage);
  doc._root.data.PageMode = 'UseOutlines';
  return new Uint8Array(await output.getBuffer());
}
