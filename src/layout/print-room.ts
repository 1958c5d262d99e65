import { A4, type FormSheet } from '../model/form-sheet.js';

type PageSetup = FormSheet['page'];

/**
 * How much of a page one program prints rows on, and the height it gives a row of `points`.
 * The .xlsx carries a manual break after every page the layout plans; a page that does not fit
 * in one program spills its last row onto a page of its own there, so the layout plans every
 * page to fit in all of them.
 */
interface Printer {
  name: string;
  room: (page: PageSetup) => number;
  height: (points: number) => number;
}

const body = (page: PageSetup): number => A4.height - page.margins.top - page.margins.bottom;

/**
 * LibreOffice grows the page footer (第 N 页，共 M 页) past the room the bottom margin leaves
 * it, as tall as the line of the CJK face it draws the footer with, and takes that from the
 * page body: measured 4.05–4.10 pt with LibreOffice 7.4 and Noto CJK (the tallest CJK line
 * among the faces offices map 宋体 to), 2 pt with a Latin face. 0.4 pt more for faces a little
 * taller; test/render/print-libreoffice.test.ts measures it again.
 */
export const LIBREOFFICE_FOOTER = 4.5;

/** Rounded to whole `unit`s, half up: how a program keeps a row height in its own unit. */
const toUnit = (points: number, unit: number): number => Math.round(points / unit - 1e-9) * unit;

const printers: Printer[] = [
  { name: 'PDF', room: body, height: (h) => h },
  // Row heights in twips (7.x) or hundredths of a millimetre (earlier versions): the larger.
  { name: 'LibreOffice', room: (page) => body(page) - LIBREOFFICE_FOOTER, height: (h) => Math.max(toUnit(h, 1 / 20), toUnit(h, 72 / 2540)) },
  // Excel and WPS keep a row's height in whole pixels of the screen they run on: 96 dpi at
  // 100 % scaling, 120 at 125 %, 144 at 150 %. The layout's heights are whole pixels at 96 dpi;
  // at 120 dpi a 42 px row (31.5 pt) becomes 53 px (31.8 pt), and a page of them runs longer.
  ...[96, 120, 144].map((dpi): Printer => ({ name: `Excel/WPS ${dpi} dpi`, room: body, height: (h) => toUnit(h, 72 / dpi) })),
];

/** The tallest run of rows every program prints on one page, points: what any single row may take. */
export function printableHeight(page: PageSetup): number {
  return Math.min(...printers.map((p) => p.room(page))) - 1;
}

/** The rows placed on one page so far, as each program measures them. */
export class PageFill {
  private readonly used: number[] = printers.map(() => 0);
  constructor(private readonly page: PageSetup) {}

  /** Whether rows of these heights still fit below what is placed, in every program. */
  fits(heights: number[]): boolean {
    return printers.every((p, i) => (this.used[i] ?? 0) + heights.reduce((sum, h) => sum + p.height(h), 0) <= p.room(this.page) + 1e-9);
  }

  add(height: number): void {
    printers.forEach((p, i) => {
      this.used[i] = (this.used[i] ?? 0) + p.height(height);
    });
  }
}
