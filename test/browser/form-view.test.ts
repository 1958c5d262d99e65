import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellLabel } from '../../src/model/finding-parts.js';
import { A4 } from '../../src/model/form-sheet.js';
import { chromiumPath, horizontalOverflow, launchChromium, watchedPage } from '../helpers/browser.js';
import { drawnViews, longFormView, type DrawnView } from '../helpers/form-views.js';
import { fixture, seedPath } from '../helpers/pipeline.js';
import { referenceForms } from '../helpers/reference-forms.js';

const hasChromium = chromiumPath() !== null;
if (!hasChromium) console.warn('跳过浏览器测试：PATH 中没有 chromium(CI 由 .ci/run 用 apt 安装)。');

/** Reference images of the form view, as Typst keeps tests/ref/*.png; `ZIPING_UPDATE_REF=1` writes them anew. */
const REF = join(import.meta.dirname, 'ref');
/**
 * Screenshot tolerance: pixelmatch's per-pixel colour threshold 0.1 (its default; anti-aliased
 * pixels are not counted), and at most 0.2 % of the pixels may differ — enough for a font hinting
 * or anti-aliasing difference between Chromium builds, far too little for a moved mark, a lost
 * border or a changed line of text (each of which changes well over 1 % of the image).
 */
const PIXEL_THRESHOLD = 0.1;
const MAX_DIFFERENT = 0.002;

type Box = { x0: number; y0: number; x1: number; y1: number };

/** The bordered cell rectangles of each page of a PDF this project drew (`x y w h re S`, no transform), top-left origin. */
async function pdfCellBoxes(pdf: Buffer): Promise<Box[][]> {
  const { PDFDocument, PDFName, PDFRawStream, PDFArray } = await import('pdf-lib');
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  return doc.getPages().map((page) => {
    const contents = page.node.get(PDFName.of('Contents'));
    const refs = contents instanceof PDFArray ? contents.asArray() : [contents];
    const text = refs
      .map((r) => doc.context.lookup(r))
      .map((s) => (s instanceof PDFRawStream ? inflateSync(s.contents).toString('latin1') : ''))
      .join('\n');
    const boxes: Box[] = [];
    for (const m of text.matchAll(/(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re S/g)) {
      const [x, y, w, h] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
      boxes.push({ x0: x, y0: A4.height - y - h, x1: x + w, y1: A4.height - y });
    }
    return boxes;
  });
}

/** Boxes as fractions of the table's width, from its top-left corner: what a grid is, whatever its scale. */
function normalized(boxes: Box[]): Box[] {
  const left = Math.min(...boxes.map((b) => b.x0));
  const top = Math.min(...boxes.map((b) => b.y0));
  const width = Math.max(...boxes.map((b) => b.x1)) - left;
  return boxes.map((b) => ({ x0: (b.x0 - left) / width, y0: (b.y0 - top) / width, x1: (b.x1 - left) / width, y1: (b.y1 - top) / width }));
}

/** Every box of `a` has one of `b` within `tolerance` on each edge, one to one. */
function unmatched(a: Box[], b: Box[], tolerance: number): Box[] {
  const left = [...b];
  const missing: Box[] = [];
  for (const box of a) {
    const at = left.findIndex((o) => Math.abs(o.x0 - box.x0) <= tolerance && Math.abs(o.x1 - box.x1) <= tolerance && Math.abs(o.y0 - box.y0) <= tolerance && Math.abs(o.y1 - box.y1) <= tolerance);
    if (at < 0) missing.push(box);
    else left.splice(at, 1);
  }
  return [...missing, ...left];
}

let browser: Browser | undefined;
let dir = '';
const views = new Map<string, DrawnView>();

beforeAll(async () => {
  if (!hasChromium) return;
  dir = await mkdtemp(join(tmpdir(), 'ziping-view-'));
  for (const path of referenceForms()) for (const v of await drawnViews(path)) views.set(v.name, v);
  const long = await longFormView();
  views.set(long.name, long);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

async function open(view: DrawnView, width = 1400): Promise<{ page: Page; problems: string[] }> {
  if (!browser) throw new Error('Chromium did not start');
  const file = join(dir, `${view.name.replace(/[^\w.-]/g, '_')}-${views.size}.html`);
  await writeFile(file, view.html);
  const tab = await watchedPage(browser, width);
  await tab.page.goto(pathToFileURL(file).href);
  return tab;
}

describe.skipIf(!hasChromium)('the form view in Chromium, for every reference form and a 96-line form', () => {
  it('has the views to check', () => {
    expect(views.size).toBeGreaterThanOrEqual(referenceForms().length + 1);
    // Reference forms come with findings: the checks below meet marks on real forms.
    expect([...views.values()].filter((v) => (v.sheet.annotations ?? []).some((a) => a.at)).length).toBeGreaterThan(5);
  });

  it.each([...(hasChromium ? referenceForms().map((p) => basename(p)) : []), '96 lines'])(
    '%s: each finding on the cell that holds its text, each mark a finding, the grid as the PDF draws it',
    async (name) => {
      for (const view of [...views.values()].filter((v) => v.name === name || v.name.startsWith(`${name}#`))) {
        const { page, problems } = await open(view);
        const annotations = view.sheet.annotations ?? [];
        // Each finding whose input cell is printed: the printed cell showing that input cell carries
        // its mark, and the cell's box holds the cell's text as the layout broke it into lines.
        for (const a of annotations) {
          if (!a.at) {
            // None of the printed cells shows that input cell.
            expect(view.sheet.cells.some((c) => a.source !== null && c.source === a.source)).toBe(false);
            expect(await page.locator(`#f${a.no} a`).count()).toBe(0);
            continue;
          }
          const printed = view.sheet.cells.find((c) => c.row === a.at?.row && c.col === a.at.col);
          expect(printed?.source, `${view.name} ${a.code}`).toBe(a.source);
          const cell = page.locator(`td#c-${cellLabel(a.source)}`);
          const seen = await cell.evaluate((td, no) => {
            const box = td.getBoundingClientRect();
            const lines = [...td.querySelectorAll('.l')];
            const text = lines.map((l) => {
              const range = document.createRange();
              range.selectNodeContents(l);
              const r = range.getBoundingClientRect();
              return { text: l.textContent ?? '', inside: r.width === 0 || (r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1) };
            });
            const badge = td.querySelector(`a#m${no}`);
            return { marked: td.classList.contains('mk'), text, badge: badge?.getAttribute('href') ?? null };
          }, a.no);
          expect(seen.marked, `${view.name} ${a.source}`).toBe(true);
          expect(seen.badge).toBe(`#f${a.no}`);
          expect(seen.text.map((t) => t.text)).toEqual(printed?.text ? printed.lines : []);
          for (const t of seen.text) expect(t.inside, `${view.name} ${a.source}: “${t.text}” outside its cell`).toBe(true);
          // The remark links back to the mark.
          expect(await page.locator(`#f${a.no} a[href="#m${a.no}"]`).count()).toBe(1);
        }
        // Each marked cell: every number in it is a finding that sits on that cell.
        const marked = await page
          .locator('td.mk')
          .evaluateAll((tds) => tds.map((td) => ({ id: td.id, numbers: [...td.querySelectorAll('a.n')].map((n) => Number((n.textContent ?? '').replace(/\D/g, ''))) })));
        expect(marked.length).toBeGreaterThanOrEqual(new Set(annotations.filter((a) => a.at).map((a) => `${a.at?.row},${a.at?.col}`)).size);
        for (const m of marked) {
          expect(m.numbers.length).toBeGreaterThan(0);
          for (const no of m.numbers) {
            const a = annotations.find((x) => x.no === no);
            expect(a?.at, `${view.name} mark ${no}`).not.toBeNull();
            // The first part of a cell carries its id; a part on a later page only its numbers.
            if (m.id) expect(`c-${cellLabel(a?.source)}`).toBe(m.id);
          }
        }
        // The grid: page by page, every bordered cell where the PDF draws it, in proportion to the table's width (1 %).
        const pdfPages = await pdfCellBoxes(view.pdf);
        const htmlPages = await page.locator('table.grid').evaluateAll((tables) =>
          tables.map((t) =>
            [...t.querySelectorAll('td.bd')].map((td) => {
              const r = td.getBoundingClientRect();
              return { x0: r.left, y0: r.top, x1: r.right, y1: r.bottom };
            }),
          ),
        );
        expect(htmlPages.length).toBe(pdfPages.length);
        pdfPages.forEach((boxes, i) => {
          const html = htmlPages[i] ?? [];
          expect(html.length, `${view.name} page ${i + 1}`).toBe(boxes.length);
          expect(unmatched(normalized(boxes), normalized(html), 0.01), `${view.name} page ${i + 1}`).toEqual([]);
        });
        // Static: no script, and nothing went wrong loading it from a folder.
        expect(await page.locator('script').count()).toBe(0);
        expect(problems).toEqual([]);
        await page.close();
      }
    },
  );

  it('at 390 px: the page does not scroll sideways (the form scrolls in its own box) and the findings read in full', async () => {
    const seed = views.get(`${basename(seedPath)}#1`);
    if (!seed) throw new Error('no seed view');
    const { page, problems } = await open(seed, 390);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    const sheet = await page.locator('.sheet').evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    expect(sheet.scroll).toBeGreaterThan(sheet.client);
    const item = await page.locator('#f1').evaluate((li) => ({ right: li.getBoundingClientRect().right, width: document.documentElement.clientWidth }));
    expect(item.right).toBeLessThanOrEqual(item.width);
    // A click on a finding's cell jumps to the mark inside the scrolled form.
    await page.locator('#f1 a').click();
    expect(await page.evaluate(() => location.hash)).toBe('#m1');
    expect(problems).toEqual([]);
  });

  it.each([
    ['seed', `${basename(seedPath)}#1`],
    ['hebei-2019', `${basename(fixture('hebei-2019.xlsx'))}#1`],
  ])('looks as its reference image: %s', async (ref, name) => {
    const view = views.get(name);
    if (!view) throw new Error(`no view ${name}`);
    const { page } = await open(view, 1400);
    const shot = PNG.sync.read(await page.locator('.page').first().screenshot());
    const file = join(REF, `form-view-${ref}.png`);
    if (process.env.ZIPING_UPDATE_REF === '1' || !existsSync(file)) {
      mkdirSync(REF, { recursive: true });
      writeFileSync(file, PNG.sync.write(shot));
      if (process.env.ZIPING_UPDATE_REF !== '1') throw new Error(`reference image ${file} was missing: written, check it and commit it`);
    }
    const expected = PNG.sync.read(readFileSync(file));
    expect([shot.width, shot.height]).toEqual([expected.width, expected.height]);
    const different = pixelmatch(shot.data, expected.data, undefined, shot.width, shot.height, { threshold: PIXEL_THRESHOLD });
    expect(different / (shot.width * shot.height)).toBeLessThanOrEqual(MAX_DIFFERENT);
  });
});
