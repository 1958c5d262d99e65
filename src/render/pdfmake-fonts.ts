import { createRequire } from 'node:module';
import { faceFiles, faceNames, type FaceName } from '../typeset/faces.js';
import { installSharedFontkit } from '../typeset/fontkit-shared.js';
import type { Typesetter } from '../typeset/typesetter.js';

const require = createRequire(import.meta.url);

/** pdfmake's server build is a CommonJS singleton; typed here to what this project uses. */
export interface PdfMake {
  virtualfs: { storage: Record<string, Buffer>; existsSync(name: string): boolean };
  setFonts(fonts: Record<string, Record<'normal' | 'bold' | 'italics' | 'bolditalics', string>>): void;
  setUrlAccessPolicy(cb: (url: string) => boolean): void;
  setLocalAccessPolicy(cb: (path: string) => boolean): void;
  createPdf(doc: unknown): { getBuffer(): Promise<Buffer> };
}

let current: { pdfmake: PdfMake; typeset: Typesetter } | null = null;
let generation = 0;

/**
 * pdfmake with the typesetter's fonts in its virtual file system: the same Buffer objects the
 * layout measured with, so pdfkit's fontkit.create finds their parse, and read only when a
 * document first uses the face (most forms never print in Sans Bold). No URL or disk access is
 * allowed at render time, so nothing is ever fetched.
 */
export function pdfmakeFor(typeset: Typesetter): PdfMake {
  if (current && current.typeset === typeset) return current.pdfmake;
  installSharedFontkit();
  const pdfmake = require('pdfmake') as PdfMake;
  // Another typesetter gets new virtual names: pdfmake caches fonts by name.
  const prefix = `g${generation++}-`;
  const name = (face: FaceName): string => `${prefix}${faceFiles[face]}`;
  for (const face of faceNames) {
    Object.defineProperty(pdfmake.virtualfs.storage, name(face), { get: () => typeset.faceBytes(face), enumerable: true, configurable: true });
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
  current = { pdfmake, typeset };
  return pdfmake;
}
