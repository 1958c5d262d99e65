import { createRequire } from 'node:module';
import { faceBytes, installSharedFontkit } from '../layout/font-store.js';
import { activeFontDir, faceFiles, type FaceName } from '../layout/fonts.js';

const require = createRequire(import.meta.url);

/** pdfmake's server build is a CommonJS singleton; typed here to what this project uses. */
export interface PdfMake {
  virtualfs: { storage: Record<string, Buffer>; existsSync(name: string): boolean };
  setFonts(fonts: Record<string, Record<'normal' | 'bold' | 'italics' | 'bolditalics', string>>): void;
  setUrlAccessPolicy(cb: (url: string) => boolean): void;
  setLocalAccessPolicy(cb: (path: string) => boolean): void;
  createPdf(doc: unknown): { getBuffer(): Promise<Buffer> };
}

let ready: { pdfmake: PdfMake; dir: string } | null = null;
let generation = 0;

/**
 * pdfmake with the committed fonts loaded once into its virtual file system: reading 26 MB of
 * fonts per document would dominate the time of a batch. No URL or disk access is allowed at
 * render time, so nothing is ever fetched.
 */
export function pdfmakeWithFonts(): PdfMake {
  const dir = activeFontDir();
  if (ready && ready.dir === dir) return ready.pdfmake;
  installSharedFontkit();
  const pdfmake = require('pdfmake') as PdfMake;
  // A new folder gets new virtual names: pdfmake caches fonts by name.
  const prefix = `g${generation++}-`;
  const name = (face: FaceName): string => `${prefix}${faceFiles[face]}`;
  // The same Buffer objects the layout measured with, so pdfkit's fontkit.create finds their parse;
  // read only when a document first uses the face (most forms never print in Sans Bold).
  for (const face of Object.keys(faceFiles) as FaceName[]) {
    Object.defineProperty(pdfmake.virtualfs.storage, name(face), { get: () => faceBytes(face), enumerable: true, configurable: true });
  }
  const family = (normal: FaceName, bold: FaceName): Record<'normal' | 'bold' | 'italics' | 'bolditalics', string> => ({
    normal: name(normal),
    bold: name(bold),
    italics: name(normal),
    bolditalics: name(bold),
  });
  pdfmake.setFonts({ song: family('serif', 'serifHeavy'), hei: family('sans', 'sansBold'), title: family('serifHeavy', 'serifHeavy') });
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy(() => false);
  ready = { pdfmake, dir };
  return pdfmake;
}
