import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { faceFiles, facePath, type FaceName } from '../layout/fonts.js';

const require = createRequire(import.meta.url);

/** pdfmake's server build is a CommonJS singleton; typed here to what this project uses. */
export interface PdfMake {
  virtualfs: { writeFileSync(name: string, content: Buffer): void; existsSync(name: string): boolean };
  setFonts(fonts: Record<string, Record<'normal' | 'bold' | 'italics' | 'bolditalics', string>>): void;
  setUrlAccessPolicy(cb: (url: string) => boolean): void;
  setLocalAccessPolicy(cb: (path: string) => boolean): void;
  createPdf(doc: unknown): { getBuffer(): Promise<Buffer> };
}

let ready: PdfMake | null = null;

/**
 * pdfmake with the committed fonts loaded once into its virtual file system: reading 26 MB of
 * fonts per document would dominate the time of a batch. No URL or disk access is allowed at
 * render time, so nothing is ever fetched.
 */
export function pdfmakeWithFonts(): PdfMake {
  if (ready) return ready;
  const pdfmake = require('pdfmake') as PdfMake;
  for (const face of Object.keys(faceFiles) as FaceName[]) {
    if (!pdfmake.virtualfs.existsSync(faceFiles[face])) pdfmake.virtualfs.writeFileSync(faceFiles[face], readFileSync(facePath(face)));
  }
  const family = (normal: FaceName, bold: FaceName): Record<'normal' | 'bold' | 'italics' | 'bolditalics', string> => ({
    normal: faceFiles[normal],
    bold: faceFiles[bold],
    italics: faceFiles[normal],
    bolditalics: faceFiles[bold],
  });
  pdfmake.setFonts({ song: family('serif', 'serifHeavy'), hei: family('sans', 'sansBold'), title: family('serifHeavy', 'serifHeavy') });
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy(() => false);
  ready = pdfmake;
  return pdfmake;
}
