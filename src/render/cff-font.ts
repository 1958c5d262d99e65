/**
 * The CFF table of an OpenType font (Adobe TN #5176), read as far as a subset needs: where each
 * glyph's charstring is, its CID (the charset) and its font dict (FDSelect). Nothing is decoded
 * beyond the table's indexes and dicts, so reading a 7.9 MB face takes well under a millisecond.
 */

/** An INDEX: its items' places in the table, and where the INDEX itself starts and ends. */
export interface CffIndex {
  start: number;
  end: number;
  /** absolute offsets of each item's first byte, and one past the last item */
  offsets: number[];
}

/** One DICT entry: the operator (12 x as 1200 + x) and its operands as written. */
export interface DictEntry {
  op: number;
  operands: number[];
  /** the operand bytes exactly as stored (copied unchanged when the entry is kept) */
  raw: Uint8Array;
}

export const OP = {
  charset: 15,
  encoding: 16,
  charStrings: 17,
  private: 18,
  subrs: 19,
  ros: 1230,
  cidCount: 1234,
  fdArray: 1236,
  fdSelect: 1237,
} as const;

export class CffError extends Error {}

const u16 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);

function offsetAt(b: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + (b[at + i] ?? 0);
  return v;
}

export function readIndex(b: Uint8Array, start: number): CffIndex {
  const count = u16(b, start);
  if (count === 0) return { start, end: start + 2, offsets: [] };
  const size = b[start + 2] ?? 0;
  if (size < 1 || size > 4) throw new CffError(`INDEX at ${start}: offset size ${size}`);
  const base = start + 3 + (count + 1) * size - 1;
  const offsets: number[] = [];
  for (let i = 0; i <= count; i++) offsets.push(base + offsetAt(b, start + 3 + i * size, size));
  const end = offsets[count] ?? base;
  if (end > b.length) throw new CffError(`INDEX at ${start} runs past the table`);
  return { start, end, offsets };
}

export const indexItem = (b: Uint8Array, index: CffIndex, i: number): Uint8Array => b.subarray(index.offsets[i] ?? 0, index.offsets[i + 1] ?? 0);

/** A DICT's entries in order (TN #5176 §4). Real numbers are kept as raw bytes and read as 0: no operator a subset rewrites takes one. */
export function readDict(b: Uint8Array): DictEntry[] {
  const entries: DictEntry[] = [];
  let operands: number[] = [];
  let from = 0;
  let i = 0;
  while (i < b.length) {
    const b0 = b[i] ?? 0;
    if (b0 <= 21) {
      const op = b0 === 12 ? 1200 + (b[i + 1] ?? 0) : b0;
      entries.push({ op, operands, raw: b.subarray(from, i) });
      i += b0 === 12 ? 2 : 1;
      from = i;
      operands = [];
    } else if (b0 === 28) {
      operands.push((((b[i + 1] ?? 0) << 24) >> 16) | (b[i + 2] ?? 0));
      i += 3;
    } else if (b0 === 29) {
      operands.push(((b[i + 1] ?? 0) << 24) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 8) | (b[i + 4] ?? 0));
      i += 5;
    } else if (b0 === 30) {
      i++;
      // Nibbles up to the one that ends the number (0xf).
      while (i < b.length && ((b[i] ?? 0) & 0x0f) !== 0x0f && ((b[i] ?? 0) & 0xf0) !== 0xf0) i++;
      i++;
      operands.push(0);
    } else if (b0 >= 32 && b0 <= 246) {
      operands.push(b0 - 139);
      i++;
    } else if (b0 >= 247 && b0 <= 250) {
      operands.push((b0 - 247) * 256 + (b[i + 1] ?? 0) + 108);
      i += 2;
    } else if (b0 >= 251 && b0 <= 254) {
      operands.push(-(b0 - 251) * 256 - (b[i + 1] ?? 0) - 108);
      i += 2;
    } else {
      throw new CffError(`DICT: byte ${b0}`);
    }
  }
  return entries;
}

const entry = (dict: DictEntry[], op: number): number[] | undefined => dict.find((e) => e.op === op)?.operands;

/** A font dict of the FDArray and its Private DICT, with the local subroutines it points to. */
export interface FontDict {
  dict: DictEntry[];
  privateBytes: Uint8Array;
  /** the Private DICT's local Subrs INDEX, as stored, or null */
  subrs: Uint8Array | null;
}

/** The glyph ids of a charset, read into CID per glyph (glyph 0, .notdef, is CID 0). */
function readCharset(b: Uint8Array, at: number, glyphs: number): Uint16Array {
  const cids = new Uint16Array(glyphs);
  const format = b[at];
  let p = at + 1;
  let gid = 1;
  if (format === 0) {
    for (; gid < glyphs; gid++, p += 2) cids[gid] = u16(b, p);
  } else if (format === 1 || format === 2) {
    while (gid < glyphs) {
      const first = u16(b, p);
      const left = format === 1 ? (b[p + 2] ?? 0) : u16(b, p + 2);
      p += format === 1 ? 3 : 4;
      for (let i = 0; i <= left && gid < glyphs; i++) cids[gid++] = first + i;
    }
  } else {
    throw new CffError(`charset format ${format}`);
  }
  return cids;
}

function readFdSelect(b: Uint8Array, at: number, glyphs: number): Uint8Array {
  const fds = new Uint8Array(glyphs);
  const format = b[at];
  if (format === 0) {
    fds.set(b.subarray(at + 1, at + 1 + glyphs));
  } else if (format === 3) {
    const ranges = u16(b, at + 1);
    for (let r = 0; r < ranges; r++) {
      const p = at + 3 + r * 3;
      const first = u16(b, p);
      const next = u16(b, p + 3);
      fds.fill(b[p + 2] ?? 0, first, Math.min(next, glyphs));
    }
  } else {
    throw new CffError(`FDSelect format ${format}`);
  }
  return fds;
}

/**
 * A CID-keyed CFF font: the kind every CJK OpenType font is (Noto, Source Han). Glyphs are reached
 * by CID; the charset says which glyph each CID is.
 */
export class CffFont {
  readonly header: Uint8Array;
  readonly nameIndex: Uint8Array;
  readonly topDict: DictEntry[];
  readonly stringIndex: Uint8Array;
  readonly globalSubrs: Uint8Array;
  readonly charStrings: CffIndex;
  /** CID of each glyph */
  readonly cids: Uint16Array;
  /** font dict of each glyph */
  readonly fdOf: Uint8Array;
  readonly fontDicts: FontDict[];
  private gidByCid: Map<number, number> | null = null;

  constructor(readonly bytes: Uint8Array) {
    const b = bytes;
    const hdrSize = b[2] ?? 4;
    if (b[0] !== 1) throw new CffError(`CFF version ${b[0]}`);
    this.header = b.subarray(0, 4);
    const names = readIndex(b, hdrSize);
    this.nameIndex = b.subarray(names.start, names.end);
    const tops = readIndex(b, names.end);
    if (tops.offsets.length !== 2) throw new CffError('CFF with more than one font');
    this.topDict = readDict(indexItem(b, tops, 0));
    const strings = readIndex(b, tops.end);
    this.stringIndex = b.subarray(strings.start, strings.end);
    const gsubrs = readIndex(b, strings.end);
    this.globalSubrs = b.subarray(gsubrs.start, gsubrs.end);
    const at = (op: number): number => {
      const v = entry(this.topDict, op)?.[0];
      if (v === undefined) throw new CffError(`Top DICT without operator ${op}`);
      return v;
    };
    if (!entry(this.topDict, OP.ros)) throw new CffError('not a CID-keyed font');
    this.charStrings = readIndex(b, at(OP.charStrings));
    const glyphs = this.charStrings.offsets.length - 1;
    this.cids = readCharset(b, at(OP.charset), glyphs);
    this.fdOf = readFdSelect(b, at(OP.fdSelect), glyphs);
    const fdArray = readIndex(b, at(OP.fdArray));
    this.fontDicts = [];
    for (let i = 0; i + 1 < fdArray.offsets.length; i++) {
      const dict = readDict(indexItem(b, fdArray, i));
      const [size = 0, offset = 0] = entry(dict, OP.private) ?? [];
      const privateBytes = b.subarray(offset, offset + size);
      const subrsAt = entry(readDict(privateBytes), OP.subrs)?.[0];
      const subrs = subrsAt === undefined ? null : ((ix) => b.subarray(ix.start, ix.end))(readIndex(b, offset + subrsAt));
      this.fontDicts.push({ dict, privateBytes, subrs });
    }
  }

  get glyphCount(): number {
    return this.cids.length;
  }

  /** The glyph a CID shows, or undefined when the font has none. */
  gidOf(cid: number): number | undefined {
    if (!this.gidByCid) {
      this.gidByCid = new Map();
      this.cids.forEach((c, gid) => this.gidByCid?.set(c, gid));
    }
    return this.gidByCid.get(cid);
  }

  charString(gid: number): Uint8Array {
    return indexItem(this.bytes, this.charStrings, gid);
  }
}

/** An OpenType font's tables by tag: offset and length in the file. */
export function tableDirectory(font: Uint8Array): Map<string, { offset: number; length: number }> {
  const tables = new Map<string, { offset: number; length: number }>();
  const count = u16(font, 4);
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  for (let i = 0; i < count; i++) {
    const p = 12 + 16 * i;
    const tag = String.fromCharCode(font[p] ?? 0, font[p + 1] ?? 0, font[p + 2] ?? 0, font[p + 3] ?? 0);
    tables.set(tag, { offset: view.getUint32(p + 8), length: view.getUint32(p + 12) });
  }
  return tables;
}
