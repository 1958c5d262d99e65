import { Literal, Name, Ref, type PdfValue } from './pdf-objects.js';

/**
 * Reading back the PDFs this tool wrote (PDF 32000-1 §7.2–7.5): a cross-reference table, objects
 * and streams, parsed into the writer's own values (pdf-objects.ts), so a page can be copied into
 * another file as it is. Strings stay as they were written (a Literal of their source). Files with
 * cross-reference streams or object streams — never written by this tool — are refused.
 */

export class PdfReadError extends Error {}

/** A stream as stored: its dictionary and its bytes, still encoded. */
export class RawStream {
  constructor(
    readonly dict: Record<string, PdfValue>,
    readonly data: Uint8Array,
  ) {}
}

export type ReadValue = PdfValue | RawStream;
export type Dict = Record<string, PdfValue>;

const WHITE = new Set([0, 9, 10, 12, 13, 32]);
const DELIM = new Set('()<>[]{}/%'.split('').map((c) => c.charCodeAt(0)));
const isWhite = (c: number | undefined): boolean => c !== undefined && WHITE.has(c);
const isRegular = (c: number | undefined): boolean => c !== undefined && !WHITE.has(c) && !DELIM.has(c);
const latin1 = (b: Uint8Array, from: number, to: number): string => Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('latin1');

class Lexer {
  constructor(
    readonly b: Uint8Array,
    public at: number,
  ) {}

  skip(): void {
    for (;;) {
      while (isWhite(this.b[this.at])) this.at++;
      if (this.b[this.at] !== 0x25) return; // %
      while (this.at < this.b.length && this.b[this.at] !== 10 && this.b[this.at] !== 13) this.at++;
    }
  }

  /** A keyword or number: the run of regular characters at the current place. */
  word(): string {
    this.skip();
    const from = this.at;
    while (isRegular(this.b[this.at])) this.at++;
    return latin1(this.b, from, this.at);
  }

  peekWord(): string {
    const at = this.at;
    const w = this.word();
    this.at = at;
    return w;
  }

  expect(word: string): void {
    const w = this.word();
    if (w !== word) throw new PdfReadError(`expected ${word} at ${this.at}, found ${JSON.stringify(w.slice(0, 20))}`);
  }

  value(): PdfValue {
    this.skip();
    const c = this.b[this.at];
    if (c === undefined) throw new PdfReadError('unexpected end of file');
    if (c === 0x2f) return this.name(); // /
    if (c === 0x5b) {
      // [
      this.at++;
      const items: PdfValue[] = [];
      for (this.skip(); this.b[this.at] !== 0x5d; this.skip()) {
        if (this.at >= this.b.length) throw new PdfReadError('unterminated array');
        items.push(this.value());
      }
      this.at++;
      return items;
    }
    if (c === 0x3c && this.b[this.at + 1] === 0x3c) return this.dict();
    if (c === 0x3c) {
      const end = this.b.indexOf(0x3e, this.at);
      if (end < 0) throw new PdfReadError('unterminated hex string');
      const literal = new Literal(latin1(this.b, this.at, end + 1));
      this.at = end + 1;
      return literal;
    }
    if (c === 0x28) return this.string();
    const w = this.word();
    if (w === 'true' || w === 'false') return w === 'true';
    if (w === 'null') return null;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(w)) throw new PdfReadError(`unexpected ${JSON.stringify(w.slice(0, 20))} at ${this.at}`);
    // `12 0 R`: an integer followed by an integer and R is a reference.
    if (/^\d+$/.test(w)) {
      const at = this.at;
      const gen = this.word();
      if (/^\d+$/.test(gen) && this.word() === 'R') return new Ref(Number(w));
      this.at = at;
    }
    return Number(w);
  }

  private name(): Name {
    this.at++;
    const from = this.at;
    while (isRegular(this.b[this.at])) this.at++;
    const raw = latin1(this.b, from, this.at);
    const bytes = Buffer.from(
      raw.replace(/#([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    );
    return new Name(bytes.toString('utf8'));
  }

  dict(): Dict {
    this.skip();
    if (!(this.b[this.at] === 0x3c && this.b[this.at + 1] === 0x3c)) throw new PdfReadError(`expected a dictionary at ${this.at}`);
    this.at += 2;
    const dict: Dict = {};
    for (this.skip(); !(this.b[this.at] === 0x3e && this.b[this.at + 1] === 0x3e); this.skip()) {
      if (this.at >= this.b.length) throw new PdfReadError('unterminated dictionary');
      const key = this.value();
      if (!(key instanceof Name)) throw new PdfReadError(`dictionary key at ${this.at} is not a name`);
      dict[key.name] = this.value();
    }
    this.at += 2;
    return dict;
  }

  /** A literal string, balanced parentheses and escapes included, kept as written. */
  private string(): Literal {
    const from = this.at;
    let depth = 0;
    for (; this.at < this.b.length; this.at++) {
      const c = this.b[this.at];
      if (c === 0x5c) this.at++;
      else if (c === 0x28) depth++;
      else if (c === 0x29 && --depth === 0) {
        this.at++;
        return new Literal(latin1(this.b, from, this.at));
      }
    }
    throw new PdfReadError('unterminated string');
  }
}

/** A PDF file's objects, each parsed when first asked for. */
export class PdfReader {
  readonly trailer: Dict;
  private readonly offsets = new Map<number, number>();
  private readonly cache = new Map<number, ReadValue>();

  constructor(readonly bytes: Uint8Array) {
    const tail = latin1(bytes, Math.max(0, bytes.length - 1024), bytes.length);
    const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
    if (!m) throw new PdfReadError('no startxref');
    let trailer: Dict | null = null;
    for (let at: number | null = Number(m[1]); at !== null;) {
      const part = this.section(at);
      trailer ??= part;
      at = typeof part.Prev === 'number' ? part.Prev : null;
    }
    if (!trailer) throw new PdfReadError('no trailer');
    this.trailer = trailer;
  }

  /** One cross-reference section and its trailer; newer sections (read first) win. */
  private section(at: number): Dict {
    const lex = new Lexer(this.bytes, at);
    if (lex.word() !== 'xref') throw new PdfReadError('cross-reference streams are not read (not written by ziping)');
    while (lex.peekWord() !== 'trailer') {
      const first = Number(lex.word());
      const count = Number(lex.word());
      if (!Number.isInteger(first) || !Number.isInteger(count)) throw new PdfReadError('damaged cross-reference table');
      for (let i = 0; i < count; i++) {
        const offset = Number(lex.word());
        lex.word();
        const kind = lex.word();
        if (kind === 'n' && !this.offsets.has(first + i)) this.offsets.set(first + i, offset);
      }
    }
    lex.expect('trailer');
    return lex.dict();
  }

  /** The object a reference points to (null for a free or missing one, §7.3.10). */
  get(ref: Ref): ReadValue {
    let value = this.cache.get(ref.id);
    if (value !== undefined) return value;
    const offset = this.offsets.get(ref.id);
    if (offset === undefined) return null;
    const lex = new Lexer(this.bytes, offset);
    if (Number(lex.word()) !== ref.id) throw new PdfReadError(`object ${ref.id} is not where the table says`);
    lex.word();
    lex.expect('obj');
    value = lex.value();
    if (lex.peekWord() === 'stream' && isDict(value)) {
      lex.word();
      // The stream's data starts after the end of the line that holds the keyword.
      if (this.bytes[lex.at] === 13) lex.at++;
      if (this.bytes[lex.at] === 10) lex.at++;
      const length = this.resolve(value.Length);
      if (typeof length !== 'number' || lex.at + length > this.bytes.length) throw new PdfReadError(`stream ${ref.id}: bad /Length`);
      value = new RawStream(value, this.bytes.subarray(lex.at, lex.at + length));
    }
    this.cache.set(ref.id, value);
    return value;
  }

  /** A value with one level of reference followed. */
  resolve(value: PdfValue | undefined): ReadValue | undefined {
    return value instanceof Ref ? this.get(value) : value;
  }

  dict(value: PdfValue | undefined): Dict | null {
    const v = this.resolve(value);
    return isDict(v) ? v : null;
  }

  stream(value: PdfValue | undefined): RawStream | null {
    const v = this.resolve(value);
    return v instanceof RawStream ? v : null;
  }

  /** The pages in order, each with the attributes it inherits from the page tree (§7.7.3.4). */
  pages(): Array<{ ref: Ref; dict: Dict }> {
    const out: Array<{ ref: Ref; dict: Dict }> = [];
    const inheritable = ['Resources', 'MediaBox', 'CropBox', 'Rotate'];
    const seen = new Set<number>();
    const walk = (ref: PdfValue | undefined, inherited: Dict): void => {
      if (!(ref instanceof Ref) || seen.has(ref.id)) throw new PdfReadError('damaged page tree');
      seen.add(ref.id);
      const node = this.dict(ref);
      if (!node) throw new PdfReadError(`page tree node ${ref.id} is not a dictionary`);
      const own: Dict = { ...inherited };
      for (const key of inheritable) if (node[key] !== undefined) own[key] = node[key] as PdfValue;
      const type = node.Type instanceof Name ? node.Type.name : '';
      if (type === 'Pages') {
        const kids = this.resolve(node.Kids);
        if (!Array.isArray(kids)) throw new PdfReadError('page tree node without Kids');
        for (const kid of kids) walk(kid, own);
      } else {
        out.push({ ref, dict: { ...node, ...own } });
      }
    };
    const root = this.dict(this.trailer.Root);
    walk(root?.Pages, {});
    return out;
  }
}

export function isDict(v: ReadValue | undefined): v is Dict {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Ref) &&
    !(v instanceof Name) &&
    !(v instanceof Literal) &&
    !(v instanceof RawStream) &&
    Object.getPrototypeOf(v) === Object.prototype
  );
}
