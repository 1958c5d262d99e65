import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { FIXED_DATE } from '../zip/fixed-date.js';

/**
 * The objects of a PDF file and their serialisation (PDF 32000-1 §7.3, §7.5): what a form's PDF
 * needs and no more — dictionaries, arrays, names, numbers, text strings, references and
 * streams, an xref table and a trailer. The page drawing is already decided by the layout, so
 * writing the file is bookkeeping; a general PDF library spent more time warming up its
 * generality than this takes in all.
 */

/** An indirect object's reference (`12 0 R`). */
export class Ref {
  constructor(readonly id: number) {}
}

/** A name (`/Type`); its characters outside the regular set are written as `#xx`. */
export class Name {
  constructor(readonly name: string) {}
}

/** A text string (title, bookmark): written as UTF-16BE with its byte order mark, in hex. */
export class Text {
  constructor(readonly text: string) {}
}

/** Content the caller formatted itself (an operator list, a CMap). */
export class Literal {
  constructor(readonly source: string) {}
}

export type PdfValue = number | boolean | null | Ref | Name | Text | Literal | PdfValue[] | { [key: string]: PdfValue | undefined };

export const name = (n: string): Name => new Name(n);

/**
 * Numbers as PDF readers take them: at most six decimals. JavaScript writes a number rounded so
 * in plain decimals (no exponent) for every magnitude a page can have, 1e-6 up to 1e21.
 */
export function pdfNumber(n: number): string {
  if (!Number.isFinite(n) || Math.abs(n) >= 1e21) throw new Error(`not a PDF number: ${n}`);
  return String(Math.round(n * 1e6) / 1e6);
}

const regular = /^[!-~]$/;
const delimiter = new Set(['(', ')', '<', '>', '[', ']', '{', '}', '/', '%', '#']);

function nameText(n: string): string {
  let out = '/';
  for (const byte of Buffer.from(n, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += regular.test(ch) && !delimiter.has(ch) ? ch : `#${byte.toString(16).padStart(2, '0').toUpperCase()}`;
  }
  return out;
}

function textString(text: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `<${hex}>`;
}

export function serialise(value: PdfValue): string {
  if (typeof value === 'number') return pdfNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  if (value instanceof Ref) return `${value.id} 0 R`;
  if (value instanceof Name) return nameText(value.name);
  if (value instanceof Text) return textString(value.text);
  if (value instanceof Literal) return value.source;
  if (Array.isArray(value)) return `[${value.map(serialise).join(' ')}]`;
  const entries = Object.entries(value).filter((e): e is [string, PdfValue] => e[1] !== undefined);
  return `<< ${entries.map(([k, v]) => `${nameText(k)} ${serialise(v)}`).join(' ')} >>`;
}

interface Stream {
  dict: Record<string, PdfValue | undefined>;
  data: Uint8Array;
}

/** A PDF being written: objects are numbered as they are asked for and may be filled in later. */
export class PdfFile {
  private readonly objects: Array<PdfValue | Stream | undefined> = [];

  /** A number for an object whose content comes later (a font, known when the pages are done). */
  ref(): Ref {
    this.objects.push(undefined);
    return new Ref(this.objects.length);
  }

  set(ref: Ref, value: PdfValue): Ref {
    this.objects[ref.id - 1] = value;
    return ref;
  }

  add(value: PdfValue): Ref {
    return this.set(this.ref(), value);
  }

  /**
   * A stream; `deflate` compresses it (page content, CMaps) — font programs, and streams copied
   * from another file (their dictionary says how they are encoded), are stored as they are.
   */
  stream(dict: Record<string, PdfValue | undefined>, data: Uint8Array | string, options: { deflate: boolean }, ref: Ref = this.ref()): Ref {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    this.objects[ref.id - 1] = options.deflate ? { dict: { ...dict, Filter: name('FlateDecode') }, data: deflateSync(bytes) } : { dict, data: bytes };
    return ref;
  }

  /** The file's bytes. Its ID is a digest of its content, so the same objects give the same file. */
  bytes(root: Ref, info: Ref): Buffer {
    // A binary comment after the header tells transfer programs the file is binary.
    const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xE2\xE3\xCF\xD3\n', 'latin1')];
    let offset = chunks[0]?.length ?? 0;
    const offsets: number[] = [];
    this.objects.forEach((object, i) => {
      if (object === undefined) throw new Error(`PDF object ${i + 1} was never written`);
      offsets.push(offset);
      const parts: Buffer[] = [];
      if (isStream(object)) {
        parts.push(
          Buffer.from(`${i + 1} 0 obj\n${serialise({ ...object.dict, Length: object.data.length })}\nstream\n`, 'latin1'),
          Buffer.from(object.data),
          Buffer.from('\nendstream\nendobj\n', 'latin1'),
        );
      } else {
        parts.push(Buffer.from(`${i + 1} 0 obj\n${serialise(object)}\nendobj\n`, 'latin1'));
      }
      for (const p of parts) {
        chunks.push(p);
        offset += p.length;
      }
    });
    const hash = createHash('sha256');
    for (const c of chunks) hash.update(c);
    const id = hash.digest('hex').slice(0, 32).toUpperCase();
    const xref = ['xref', `0 ${this.objects.length + 1}`, '0000000000 65535 f ', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n `)].join('\n');
    const trailer = `trailer\n${serialise({ Size: this.objects.length + 1, Root: root, Info: info, ID: [new Literal(`<${id}>`), new Literal(`<${id}>`)] })}\nstartxref\n${offset}\n%%EOF\n`;
    chunks.push(Buffer.from(`${xref}\n${trailer}`, 'latin1'));
    return Buffer.concat(chunks);
  }
}

function isStream(object: PdfValue | Stream): object is Stream {
  return typeof object === 'object' && object !== null && 'data' in object && object.data instanceof Uint8Array;
}

/** A PDF date string for a fixed date (§7.9.4). */
function pdfDate(date: Date): Literal {
  const p = (n: number): string => String(n).padStart(2, '0');
  return new Literal(`(D:${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z)`);
}

/** The document information dictionary (§14.3.3) of every PDF this tool writes: dated with the fixed date, so the same content gives the same bytes. */
export function documentInfo(file: PdfFile, title: string): Ref {
  const date = pdfDate(FIXED_DATE);
  return file.add({ Title: new Text(title), Author: new Text('ziping'), Creator: new Text('ziping'), Producer: new Text('ziping'), CreationDate: date, ModDate: date });
}
