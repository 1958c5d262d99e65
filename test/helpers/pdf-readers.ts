import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The PDF readers a printed form must satisfy besides pdf.js: poppler (pdftoppm, pdftotext),
 * MuPDF (mutool) and Ghostscript, each asked for page images and page text; and qpdf's check.
 */
export const readers = ['poppler', 'mupdf', 'ghostscript'] as const;
export type Reader = (typeof readers)[number];

function tempDir(pdf: Uint8Array): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ziping-readers-'));
  const file = join(dir, 'f.pdf');
  writeFileSync(file, pdf);
  return { dir, file };
}

/** The files a reader wrote, one per page, in page order (numbered page-1, page-2… without padding by some readers). */
function pageFiles(dir: string, ext: string): Buffer[] {
  const num = (f: string): number => Number(/(\d+)\.\w+$/.exec(f)?.[1] ?? 0);
  return readdirSync(dir)
    .filter((f) => f.startsWith('page-') && f.endsWith(ext))
    .sort((a, b) => num(a) - num(b))
    .map((f) => readFileSync(join(dir, f)));
}

/** Every page as a grey image (PGM) at `dpi`, drawn by `reader`. */
export function pageImages(pdf: Uint8Array, reader: Reader, dpi = 36): Buffer[] {
  const { dir, file } = tempDir(pdf);
  const out = join(dir, 'page');
  if (reader === 'poppler') execFileSync('pdftoppm', ['-r', String(dpi), '-gray', file, out]);
  else if (reader === 'mupdf') execFileSync('mutool', ['draw', '-q', '-r', String(dpi), '-c', 'gray', '-o', `${out}-%d.pgm`, file], { stdio: 'ignore' });
  else execFileSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=pgmraw', `-r${dpi}`, `-sOutputFile=${out}-%d.pgm`, file]);
  return pageFiles(dir, '.pgm');
}

/** Every page's text as `reader` extracts it (through the fonts' ToUnicode maps). */
export function pageTexts(pdf: Uint8Array, reader: Reader): string[] {
  const { dir, file } = tempDir(pdf);
  if (reader === 'poppler') {
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    return text.split('\f').slice(0, -1);
  }
  if (reader === 'mupdf') execFileSync('mutool', ['draw', '-q', '-F', 'txt', '-o', join(dir, 'page-%d.txt'), file], { stdio: 'ignore' });
  else execFileSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=txtwrite', `-sOutputFile=${join(dir, 'page-%d.txt')}`, file]);
  return pageFiles(dir, '.txt').map((b) => b.toString('utf8'));
}

/** qpdf --check's report; throws when qpdf finds an error (exit 2) or warns (exit 3). */
export function qpdfCheck(pdf: Uint8Array): string {
  const { file } = tempDir(pdf);
  return execFileSync('qpdf', ['--check', file], { encoding: 'utf8' });
}

/** The characters of a text without its whitespace, sorted: what every reader must agree on, whatever order it reads a page in. */
export const characters = (text: string): string => [...text.replace(/\s+/g, '')].sort().join('');
