/**
 * What every reference form's copies show, in a form that survives a change of renderer: the PDF's
 * pages, fonts (without subset tags) and every glyph with its position to 0.01 pt; the xlsx's
 * cells (value, format, font, alignment, borders, fill), merges, rows, columns and print setup.
 * `npx tsx test/golden/render-structure.ts > test/golden/render-structure.json` records; the
 * structure test compares (a renderer rewrite must keep them, or say why they changed).
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import ExcelJS from 'exceljs';
import { processFile, renderScored } from '../../src/pipeline/process.js';
import { profileChoice, profileForLayout } from '../../src/profiles/load-profile.js';
import { scoreForm } from '../../src/score/score-form.js';
import { typesetterFor } from '../../src/typeset/typesetter.js';
import { pdfFonts } from '../helpers/pdf.js';
import { printedPages } from '../helpers/print-check.js';
import { referenceForms } from '../helpers/reference-forms.js';
import { syntheticForm } from '../helpers/synthetic.js';
import { partElements } from '../helpers/xlsx.js';

const typeset = typesetterFor();
const r2 = (n: number): number => Math.round(n * 100) / 100;
const digest = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

export interface Structure {
  pdf: { pages: number; fonts: string[]; glyphs: string[] };
  xlsx: { cells: string; merges: string[]; rows: string; cols: string; print: string; breaks: string[]; validations: string[] };
}

async function pdfFacts(pdf: Uint8Array): Promise<Structure['pdf']> {
  const pages = await printedPages(pdf);
  return {
    pages: pages.length,
    fonts: pdfFonts(Buffer.from(pdf))
      .map((f) => `${f.name.replace(/^[A-Z]{6}\+/, '')} emb=${f.embedded} sub=${f.subset} uni=${f.unicode}`)
      .sort(),
    // One digest per page of its glyphs in drawing order: the character and its box to 0.01 pt.
    glyphs: pages.map((p) => digest(p.texts.map((t) => `${t.text}@${r2(t.x0)},${r2(t.y0)},${r2(t.x1)},${r2(t.y1)}`).join('\n'))),
  };
}

async function xlsxFacts(xlsx: Uint8Array): Promise<Structure['xlsx']> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(xlsx) as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  if (!ws) throw new Error('no sheet');
  const cells: string[] = [];
  ws.eachRow({ includeEmpty: false }, (row) =>
    row.eachCell({ includeEmpty: true }, (c) => {
      const f = c.font ?? {};
      const a = c.alignment ?? {};
      const b = c.border ?? {};
      const fill = c.fill && 'fgColor' in c.fill ? (c.fill.fgColor?.argb ?? '') : '';
      cells.push(
        [
          c.address,
          JSON.stringify(c.value ?? null),
          c.numFmt ?? '',
          f.name,
          f.size,
          f.bold ? 'b' : '',
          a.horizontal,
          a.vertical,
          a.wrapText ? 'w' : '',
          ['top', 'left', 'bottom', 'right'].map((s) => (b as Record<string, { style?: string } | undefined>)[s]?.style ?? '-').join('/'),
          fill,
        ].join('|'),
      );
    }),
  );
  const rows: string[] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => rows.push(`${n}:${row.height}`));
  const ps = ws.pageSetup;
  return {
    cells: digest(cells.join('\n')),
    merges: [...ws.model.merges].sort(),
    rows: rows.join(' '),
    cols: ws.columns.map((c) => String(r2(c.width ?? 0))).join(' '),
    print: JSON.stringify({
      paper: ps.paperSize,
      orientation: ps.orientation,
      fit: ps.fitToPage ?? false,
      scale: ps.scale,
      centred: ps.horizontalCentered,
      margins: ps.margins,
      titles: ps.printTitlesRow,
      footer: ws.headerFooter.oddFooter,
    }),
    breaks: (await partElements(Buffer.from(xlsx), 'xl/worksheets/sheet1.xml', 'brk')).map((b) => b.id ?? ''),
    validations: (await partElements(Buffer.from(xlsx), 'xl/worksheets/sheet1.xml', 'dataValidation')).map((v) => `${v.sqref} ${v.type}`).sort(),
  };
}

async function structureOf(files: Array<{ format: string; bytes: Uint8Array }>): Promise<Structure> {
  const pdf = files.find((f) => f.format === 'pdf')?.bytes;
  const xlsx = files.find((f) => f.format === 'xlsx')?.bytes;
  if (!pdf || !xlsx) throw new Error('both formats expected');
  return { pdf: await pdfFacts(pdf), xlsx: await xlsxFacts(xlsx) };
}

export async function structures(): Promise<Record<string, Structure>> {
  const out: Record<string, Structure> = {};
  for (const path of referenceForms()) {
    const outcome = await processFile(path, basename(path), { profile: profileChoice('auto', 'option'), mode: 'auto', typeset, render: false });
    for (const [i, f] of outcome.forms.entries()) {
      if (!f.scored) continue;
      const r = await renderScored(f.scored, profileForLayout(f.scored.input.variant), typeset);
      out[`${path.replace(/.*\/(test\/fixtures\/|data\/)/, '$1')}#${i}`] = await structureOf(r.files);
    }
  }
  const profile = profileForLayout('ningxia10');
  out['96 lines'] = await structureOf((await renderScored(scoreForm(syntheticForm(96), profile, 'auto'), profile, typeset)).files);
  return out;
}

if (process.argv[1]?.endsWith('render-structure.ts')) console.log(JSON.stringify(await structures(), null, 1));
