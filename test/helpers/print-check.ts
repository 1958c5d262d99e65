import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { FormSheet } from '../../src/model/form-sheet.js';
import { root } from './pipeline.js';

/**
 * What a printed page shows, read back from the PDF with pdf.js: every text run's box (from its
 * font's ascent to its descent, across its advance) and every border line, in points from the
 * top-left corner. A PDF of ours and a spreadsheet printed by LibreOffice are read the same way.
 */
export interface Box {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface Segment {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface PrintedPage {
  width: number;
  height: number;
  texts: Box[];
  borders: Segment[];
}

export type Matrix = [number, number, number, number, number, number];
export const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[2] * n[1],
  m[1] * n[0] + m[3] * n[1],
  m[0] * n[2] + m[2] * n[3],
  m[1] * n[2] + m[3] * n[3],
  m[0] * n[4] + m[2] * n[5] + m[4],
  m[1] * n[4] + m[3] * n[5] + m[5],
];
export const apply = (m: Matrix, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface Glyph {
  unicode?: string;
  width?: number;
  isSpace?: boolean;
}

/**
 * Borders and the boxes of the characters actually drawn, walked from the page's operators:
 * paths stroked as lines (and filled rectangles thin enough to be lines, as some programs draw
 * borders), and every glyph of shown text with its em box (descent 0.12, ascent 0.88 of the
 * size, the CJK character box) — unless a clipping path hides it, as a spreadsheet clips a merged
 * cell's text printed again in a title row. In PDF user space (origin bottom-left).
 */
function drawnOnPage(fnArray: number[], argsArray: unknown[][]): { borders: Segment[]; texts: Box[] } {
  const borders: Segment[] = [];
  const texts: Box[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  let clip: Rect | null = null;
  const stack: Array<{ ctm: Matrix; clip: Rect | null }> = [];
  let pending: Segment[] = [];
  let clipNext = false;
  // Text state.
  let tm: Matrix = [1, 0, 0, 1, 0, 0];
  let lineX = 0;
  let lineY = 0;
  let x = 0;
  let y = 0;
  let size = 0;
  let charSpacing = 0;
  let wordSpacing = 0;
  let hScale = 1;
  let leading = 0;
  let rise = 0;

  const bbox = (segs: Segment[]): Rect | null => {
    if (segs.length === 0) return null;
    const xs = segs.flatMap((p) => [p.x0, p.x1]);
    const ys = segs.flatMap((p) => [p.y0, p.y1]);
    return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
  };
  const flush = (painted: 'stroke' | 'fill' | 'none'): void => {
    if (clipNext) {
      const b = bbox(pending);
      if (b) clip = clip ? { x0: Math.max(clip.x0, b.x0), y0: Math.max(clip.y0, b.y0), x1: Math.min(clip.x1, b.x1), y1: Math.min(clip.y1, b.y1) } : b;
      clipNext = false;
    }
    if (painted === 'stroke') borders.push(...pending);
    if (painted === 'fill') {
      // A filled rectangle under 2 pt thick is a rule; larger ones are backgrounds.
      const b = bbox(pending);
      if (b && b.x1 - b.x0 < 2) borders.push({ x0: (b.x0 + b.x1) / 2, x1: (b.x0 + b.x1) / 2, y0: b.y0, y1: b.y1 });
      else if (b && b.y1 - b.y0 < 2) borders.push({ x0: b.x0, x1: b.x1, y0: (b.y0 + b.y1) / 2, y1: (b.y0 + b.y1) / 2 });
    }
    pending = [];
  };
  const show = (glyphs: Array<Glyph | number | null>): void => {
    const m = multiply(ctm, tm);
    let dx = 0;
    for (const g of glyphs) {
      if (typeof g === 'number') {
        dx -= (g * size) / 1000;
        continue;
      }
      if (!g) continue;
      const advance = (g.width ?? 0) * size * 0.001 + charSpacing + (g.isSpace ? wordSpacing : 0);
      const left = (x + dx) * hScale;
      const right = (x + dx + advance) * hScale;
      const [ax, ay] = apply(m, left, y + rise - 0.12 * size);
      const [bx, by] = apply(m, right, y + rise + 0.88 * size);
      const box = { x0: Math.min(ax, bx), x1: Math.max(ax, bx), y0: Math.min(ay, by), y1: Math.max(ay, by) };
      const text = g.unicode ?? '';
      const hidden = clip !== null && (box.x1 <= clip.x0 || box.x0 >= clip.x1 || box.y1 <= clip.y0 || box.y0 >= clip.y1);
      if (text.trim() !== '' && !hidden) texts.push({ text, ...box });
      dx += advance;
    }
    x += dx;
  };
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = argsArray[i] ?? [];
    if (fn === OPS.save) stack.push({ ctm, clip });
    else if (fn === OPS.restore) ({ ctm, clip } = stack.pop() ?? { ctm: [1, 0, 0, 1, 0, 0], clip: null });
    else if (fn === OPS.transform) ctm = multiply(ctm, args as Matrix);
    else if (fn === OPS.constructPath) {
      const [ops, coords] = args as [number[], number[]];
      let k = 0;
      let start: [number, number] = [0, 0];
      let at: [number, number] = [0, 0];
      for (const op of ops) {
        if (op === OPS.rectangle) {
          const [rx, ry, w, h] = coords.slice(k, k + 4) as [number, number, number, number];
          k += 4;
          const c = [apply(ctm, rx, ry), apply(ctm, rx + w, ry), apply(ctm, rx + w, ry + h), apply(ctm, rx, ry + h)];
          for (let j = 0; j < 4; j++) {
            const a = c[j] as [number, number];
            const b = c[(j + 1) % 4] as [number, number];
            pending.push({ x0: a[0], y0: a[1], x1: b[0], y1: b[1] });
          }
        } else if (op === OPS.moveTo) {
          at = apply(ctm, coords[k] ?? 0, coords[k + 1] ?? 0);
          start = at;
          k += 2;
        } else if (op === OPS.lineTo) {
          const to = apply(ctm, coords[k] ?? 0, coords[k + 1] ?? 0);
          pending.push({ x0: at[0], y0: at[1], x1: to[0], y1: to[1] });
          at = to;
          k += 2;
        } else if (op === OPS.curveTo) k += 6;
        else if (op === OPS.curveTo2 || op === OPS.curveTo3) k += 4;
        else if (op === OPS.closePath) pending.push({ x0: at[0], y0: at[1], x1: start[0], y1: start[1] });
      }
    } else if (fn === OPS.clip || fn === OPS.eoClip) clipNext = true;
    else if (fn === OPS.stroke || fn === OPS.closeStroke) flush('stroke');
    else if (fn === OPS.fill || fn === OPS.eoFill) flush('fill');
    else if (fn === OPS.fillStroke || fn === OPS.eoFillStroke || fn === OPS.closeFillStroke || fn === OPS.closeEOFillStroke) flush('stroke');
    else if (fn === OPS.endPath) flush('none');
    else if (fn === OPS.beginText) {
      tm = [1, 0, 0, 1, 0, 0];
      x = lineX = 0;
      y = lineY = 0;
    } else if (fn === OPS.setFont) size = Math.abs(Number(args[1] ?? 0));
    else if (fn === OPS.setCharSpacing) charSpacing = Number(args[0] ?? 0);
    else if (fn === OPS.setWordSpacing) wordSpacing = Number(args[0] ?? 0);
    else if (fn === OPS.setHScale) hScale = Number(args[0] ?? 100) / 100;
    else if (fn === OPS.setLeading) leading = -Number(args[0] ?? 0);
    else if (fn === OPS.setTextRise) rise = Number(args[0] ?? 0);
    else if (fn === OPS.setTextMatrix) {
      tm = args as Matrix;
      x = lineX = 0;
      y = lineY = 0;
    } else if (fn === OPS.moveText || fn === OPS.setLeadingMoveText) {
      if (fn === OPS.setLeadingMoveText) leading = Number(args[1] ?? 0);
      x = lineX += Number(args[0] ?? 0);
      y = lineY += Number(args[1] ?? 0);
    } else if (fn === OPS.nextLine) {
      x = lineX;
      y = lineY += leading;
    } else if (fn === OPS.showText || fn === OPS.showSpacedText) show(args[0] as Array<Glyph | number | null>);
    else if (fn === OPS.nextLineShowText) {
      x = lineX;
      y = lineY += leading;
      show(args[0] as Array<Glyph | number | null>);
    } else if (fn === OPS.nextLineSetSpacingShowText) {
      wordSpacing = Number(args[0] ?? 0);
      charSpacing = Number(args[1] ?? 0);
      x = lineX;
      y = lineY += leading;
      show(args[2] as Array<Glyph | number | null>);
    }
  }
  return { borders, texts };
}

export async function printedPages(pdf: Uint8Array): Promise<PrintedPage[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  const pages: PrintedPage[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const [, , width, height] = page.view as [number, number, number, number];
    const ops = await page.getOperatorList();
    const drawn = drawnOnPage(ops.fnArray, ops.argsArray as unknown[][]);
    const flip = <T extends Rect>(r: T): T => ({ ...r, y0: height - r.y1, y1: height - r.y0 });
    const texts = drawn.texts.map(flip);
    const borders = drawn.borders.map((s) => flip({ x0: Math.min(s.x0, s.x1), x1: Math.max(s.x0, s.x1), y0: Math.min(s.y0, s.y1), y1: Math.max(s.y0, s.y1) }));
    pages.push({ width, height, texts, borders });
  }
  await doc.destroy();
  return pages;
}

/** Text boxes that come within `margin` points of a border line (or cross it): text over a border. */
export function textOverBorders(page: PrintedPage, margin = 0.5): Array<{ text: string; box: Box; border: Segment }> {
  const hits: Array<{ text: string; box: Box; border: Segment }> = [];
  for (const box of page.texts) {
    const b = { x0: box.x0 - margin, x1: box.x1 + margin, y0: box.y0 - margin, y1: box.y1 + margin };
    for (const s of page.borders) {
      const crosses = s.x0 <= b.x1 && s.x1 >= b.x0 && s.y0 <= b.y1 && s.y1 >= b.y0;
      if (crosses) {
        hits.push({ text: box.text, box, border: s });
        break;
      }
    }
  }
  return hits;
}

/**
 * A fontconfig file that gives LibreOffice the faces Chinese offices' fonts are printed with here:
 * the project's own Noto CJK SC (fonts/, so no system CJK fonts are needed) and Carlito for the
 * workbook's Calibri, whose digit width sets the columns (fonts-crosextra-carlito, installed by .ci/run).
 */
export function officeFontConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ziping-fc-'));
  const alias = (families: string[], to: string): string => families.map((f) => `<alias binding="same"><family>${f}</family><prefer><family>${to}</family></prefer></alias>`).join('\n');
  const file = join(dir, 'fonts.conf');
  writeFileSync(
    file,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${join(root, 'fonts')}</dir>
  <cachedir>${join(dir, 'cache')}</cachedir>
  ${alias(['宋体', 'SimSun', '方正小标宋简体', '方正小标宋_GBK', 'FZXiaoBiaoSong-B05S'], 'Noto Serif CJK SC')}
  ${alias(['黑体', 'SimHei'], 'Noto Sans CJK SC')}
  ${alias(['Calibri'], 'Carlito')}
</fontconfig>
`,
  );
  return file;
}

/**
 * Workbooks printed to PDF by LibreOffice with the offices' fonts mapped, in one batch (one
 * start-up): name → PDF bytes, or null for one that did not convert.
 */
export function libreOfficePdfs(xlsx: Map<string, Uint8Array>): Map<string, Buffer | null> {
  const dir = mkdtempSync(join(tmpdir(), 'ziping-lo-print-'));
  const inputs = [...xlsx].map(([name, bytes], i) => {
    const path = join(dir, `f${i}.xlsx`);
    writeFileSync(path, bytes);
    return { name, path, pdf: join(dir, `f${i}.pdf`) };
  });
  execFileSync('soffice', ['--headless', '--norestore', `-env:UserInstallation=file://${join(dir, 'profile')}`, '--convert-to', 'pdf', '--outdir', dir, ...inputs.map((i) => i.path)], {
    stdio: 'ignore',
    timeout: 600_000,
    env: { ...process.env, FONTCONFIG_FILE: officeFontConfig() },
  });
  const out = new Map<string, Buffer | null>();
  for (const i of inputs) {
    try {
      out.set(i.name, readFileSync(i.pdf));
    } catch {
      out.set(i.name, null);
    }
  }
  return out;
}

export function hasSoffice(): boolean {
  try {
    execFileSync('soffice', ['--version'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Sheets that measure how much of a page LibreOffice prints rows on, with the forms' page setup
 * and footer: a first row of `k` pixels, then 18 pt rows and no manual break. Where LibreOffice
 * breaks the first page tells its usable height to the pixel.
 */
export function usableHeightProbes(page: FormSheet['page']): Map<number, FormSheet> {
  const style = { font: 'song', size: 9, bold: false, align: 'center', valign: 'middle', wrap: true, border: true, input: false } as const;
  const probes = new Map<number, FormSheet>();
  for (let k = 1; k <= 24; k++) {
    const rows = [k * 0.75, ...Array.from({ length: 60 }, () => 18)];
    const cells = rows.map((_, i) => ({ row: i + 1, col: 1, rowSpan: 1, colSpan: 1, text: String(i + 1), lines: [String(i + 1)], leading: 12, style, source: null }));
    probes.set(k, { name: 'probe', title: 'probe', columns: [300], rows, cells, repeatRows: null, page, pages: [{ rows: [] }] });
  }
  return probes;
}

/** From the probes' prints: the tallest run of rows LibreOffice kept on a page and the shortest it did not, points. */
export async function usableHeight(probes: Map<number, FormSheet>, printed: (k: number) => Buffer | null | undefined): Promise<{ fits: number; spills: number }> {
  let fits = 0;
  let spills = Infinity;
  for (const [k, sheet] of probes) {
    const pdf = printed(k);
    if (!pdf) throw new Error(`probe ${k} not printed`);
    const [first] = await printedPages(pdf);
    // Every row is bordered: the rules across page 1 are one more than the rows on it.
    const rules = new Set(first?.borders.filter((b) => b.y1 - b.y0 < 0.1 && b.x1 - b.x0 > 1).map((b) => b.y0.toFixed(1)));
    const shown = rules.size - 1;
    const height = (n: number): number => sheet.rows.slice(0, n).reduce((a, b) => a + b, 0);
    fits = Math.max(fits, height(shown));
    spills = Math.min(spills, height(shown + 1));
  }
  return { fits, spills };
}
