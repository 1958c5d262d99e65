import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { apply, multiply, type Matrix } from './print-check.js';

/**
 * What a PDF draws, read back with pdf.js: filled rectangles with their colour (chart bars) and
 * text items with their position, in points from the page's top-left corner.
 */

export interface FilledRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** `#rrggbb` */
  color: string;
}

export interface TextItem {
  text: string;
  x: number;
  /** the baseline, from the top of the page */
  y: number;
  width: number;
}

export interface DrawnPage {
  height: number;
  rects: FilledRect[];
  texts: TextItem[];
}

const hex = (rgb: ArrayLike<number>): string =>
  `#${[0, 1, 2]
    .map((i) =>
      Math.round(rgb[i] ?? 0)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;

/** Rectangles as filled, walked from the page's operators (the fill colour in force when the path is painted). */
function filled(fnArray: number[], argsArray: unknown[][], height: number): FilledRect[] {
  const out: FilledRect[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const stack: Matrix[] = [];
  let color = '#000000';
  let pending: Array<[number, number, number, number]> = [];
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = argsArray[i] ?? [];
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? [1, 0, 0, 1, 0, 0];
    else if (fn === OPS.transform) ctm = multiply(ctm, args as Matrix);
    else if (fn === OPS.setFillRGBColor) color = typeof args[0] === 'string' ? args[0] : hex(args as unknown as ArrayLike<number>);
    else if (fn === OPS.constructPath) {
      const [ops, coords] = args as [number[], number[]];
      let k = 0;
      for (const op of ops) {
        if (op === OPS.rectangle) {
          const [x, y, w, h] = coords.slice(k, k + 4) as [number, number, number, number];
          const [ax, ay] = apply(ctm, x, y);
          const [bx, by] = apply(ctm, x + w, y + h);
          pending.push([Math.min(ax, bx), height - Math.max(ay, by), Math.max(ax, bx), height - Math.min(ay, by)]);
          k += 4;
        } else if (op === OPS.moveTo || op === OPS.lineTo) k += 2;
        else if (op === OPS.curveTo) k += 6;
        else if (op === OPS.curveTo2 || op === OPS.curveTo3) k += 4;
      }
    } else if (fn === OPS.fill || fn === OPS.eoFill) {
      for (const [x0, y0, x1, y1] of pending) out.push({ x0, y0, x1, y1, color });
      pending = [];
    } else if (fn === OPS.stroke || fn === OPS.endPath || fn === OPS.closeStroke) pending = [];
  }
  return out;
}

export async function drawnPages(pdf: Uint8Array): Promise<DrawnPage[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  const pages: DrawnPage[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const height = (page.view as number[])[3] ?? 0;
    const ops = await page.getOperatorList();
    const content = await page.getTextContent();
    const texts = content.items.flatMap((item) =>
      'str' in item && item.str.trim() !== '' ? [{ text: item.str, x: item.transform[4] as number, y: height - (item.transform[5] as number), width: item.width }] : [],
    );
    pages.push({ height, rects: filled(ops.fnArray, ops.argsArray as unknown[][], height), texts });
  }
  await doc.destroy();
  return pages;
}

/** A page's text, top to bottom and left to right, items on one baseline (±1 pt) joined. */
export function pageLines(page: DrawnPage): string[] {
  const sorted = [...page.texts].sort((a, b) => a.y - b.y || a.x - b.x);
  const lines: TextItem[][] = [];
  for (const t of sorted) {
    const last = lines[lines.length - 1];
    if (last && Math.abs((last[0]?.y ?? 0) - t.y) <= 1) last.push(t);
    else lines.push([t]);
  }
  return lines.map((l) =>
    l
      .sort((a, b) => a.x - b.x)
      .map((t) => t.text)
      .join(''),
  );
}

function tempPdf(pdf: Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'ziping-readers-')), 'f.pdf');
  writeFileSync(path, pdf);
  return path;
}

/**
 * What each of four independent PDF readers says about a file: qpdf's structural check, MuPDF
 * drawing every page, Ghostscript interpreting every page, poppler extracting the text. Each
 * entry is what that reader printed that signals trouble (empty when it read the file cleanly).
 */
export function pdfReaders(pdf: Uint8Array): { qpdf: string; mupdf: string; ghostscript: string; popplerText: string } {
  const file = tempPdf(pdf);
  const qpdf = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
  const mupdf = spawnSync('mutool', ['draw', '-q', '-o', '/dev/null', '-r', '36', file], { encoding: 'utf8' });
  const mupdfInfo = spawnSync('mutool', ['info', file], { encoding: 'utf8' });
  const gs = spawnSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=nullpage', file], { encoding: 'utf8' });
  const output = (r: ReturnType<typeof spawnSync>): string => `${String(r.stdout ?? '')}${String(r.stderr ?? '')}`;
  const failed = (r: ReturnType<typeof spawnSync>): string => (r.status === 0 ? '' : `exit ${String(r.status)}: ${output(r)}`);
  const lines = (r: ReturnType<typeof spawnSync>, bad: RegExp, aside?: RegExp): string =>
    output(r)
      .split('\n')
      .filter((l) => bad.test(l) && !(aside && aside.test(l)))
      .join('\n');
  return {
    // Exit 0 is a clean check (3 means warnings, 2 errors); its warnings start with WARNING.
    qpdf: failed(qpdf) || lines(qpdf, /WARNING/),
    // mutool says it was built without ICC colour management: about itself, not the file.
    mupdf: [failed(mupdf) || lines(mupdf, /warning|error/i, /ICC support is not available/), failed(mupdfInfo) || lines(mupdfInfo, /warning|error/i)].filter(Boolean).join('\n'),
    // Quiet Ghostscript prints nothing unless something is wrong ("**** Error …", "   **** Warning …").
    ghostscript: failed(gs) || output(gs).trim(),
    popplerText: execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }),
  };
}
