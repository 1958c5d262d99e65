import { CffError, OP, readDict, type CffFont, type DictEntry } from './cff-font.js';

/**
 * A CFF subset that keeps the source font's CIDs: the charset maps each kept glyph to the CID it
 * has in the whole font, so a page that shows CID 12345 shows the same glyph whichever subset of
 * the font is embedded — one form's, or the union of a whole department's forms (合并打印.pdf).
 *
 * The charstrings are copied byte for byte; subroutines (none in the bundled faces, which are
 * desubroutinized) are copied whole, so a subroutinized font still subsets correctly, only larger.
 * Only the font dicts the kept glyphs use are kept, renumbered in their order.
 */
export function subsetCff(font: CffFont, glyphs: readonly number[]): Uint8Array {
  const gids = [...new Set([0, ...glyphs])].sort((a, b) => a - b);
  for (const gid of gids) if (gid < 0 || gid >= font.glyphCount) throw new CffError(`no glyph ${gid}`);

  const usedFds = [...new Set(gids.map((g) => font.fdOf[g] ?? 0))].sort((a, b) => a - b);
  const fdIndex = new Map(usedFds.map((fd, i) => [fd, i]));
  const charset = encodeCharset(gids.map((g) => font.cids[g] ?? 0));
  const fdSelect = encodeFdSelect(gids.map((g) => fdIndex.get(font.fdOf[g] ?? 0) ?? 0));
  // Kept as parts: the charstrings, most of the subset's bytes, are copied once, into the result.
  const charStrings = indexParts(gids.map((g) => font.charString(g)));
  const charStringsLength = charStrings.reduce((n, p) => n + p.length, 0);
  const { top: topFixed, fontDicts } = fixedParts(font);
  const used = usedFds.map((fd) => {
    const d = fontDicts[fd];
    if (!d) throw new CffError(`no font dict ${fd}`);
    return d;
  });

  const top = (at: { charset: number; fdSelect: number; charStrings: number; fdArray: number }): Uint8Array =>
    concat([
      topFixed,
      encodeEntry(intEntry(OP.charset, [at.charset])),
      encodeEntry(intEntry(OP.fdSelect, [at.fdSelect])),
      encodeEntry(intEntry(OP.charStrings, [at.charStrings])),
      encodeEntry(intEntry(OP.fdArray, [at.fdArray])),
    ]);
  const fdArray = (privateAt: number): Uint8Array => {
    let at = privateAt;
    return encodeIndex(
      used.map((d) => {
        const dict = concat([d.dict, encodeEntry(intEntry(OP.private, [d.privateDict.length, at]))]);
        at += d.privateDict.length + (d.subrs?.length ?? 0);
        return dict;
      }),
    );
  };

  // Every offset is written as a 5-byte integer, so the sizes are known before the offsets are.
  const header = Uint8Array.of(font.header[0] ?? 1, font.header[1] ?? 0, 4, 4);
  const placeholder = { charset: 0, fdSelect: 0, charStrings: 0, fdArray: 0 };
  const topIndexSize = encodeIndex([top(placeholder)]).length;
  const charsetAt = header.length + font.nameIndex.length + topIndexSize + font.stringIndex.length + font.globalSubrs.length;
  const fdSelectAt = charsetAt + charset.length;
  const charStringsAt = fdSelectAt + fdSelect.length;
  const fdArrayAt = charStringsAt + charStringsLength;
  const privateAt = fdArrayAt + fdArray(0).length;
  return concat([
    header,
    font.nameIndex,
    encodeIndex([top({ charset: charsetAt, fdSelect: fdSelectAt, charStrings: charStringsAt, fdArray: fdArrayAt })]),
    font.stringIndex,
    font.globalSubrs,
    charset,
    fdSelect,
    ...charStrings,
    fdArray(privateAt),
    ...used.flatMap((d) => (d.subrs ? [d.privateDict, d.subrs] : [d.privateDict])),
  ]);
}

/** The parts of a font's dicts that no subset changes, encoded once per font. */
interface FixedParts {
  /** the Top DICT without the offsets a subset rewrites */
  top: Uint8Array;
  fontDicts: Array<{
    /** the font dict without its Private entry */
    dict: Uint8Array;
    /** the Private DICT, its Subrs (when it has them) pointing right after it */
    privateDict: Uint8Array;
    subrs: Uint8Array | null;
  }>;
}

const fixed = new WeakMap<CffFont, FixedParts>();

function fixedParts(font: CffFont): FixedParts {
  let parts = fixed.get(font);
  if (!parts) {
    parts = {
      top: concat(withoutOps(font.topDict, [OP.charset, OP.encoding, OP.charStrings, OP.private, OP.fdArray, OP.fdSelect]).map(encodeEntry)),
      fontDicts: font.fontDicts.map((d) => {
        const entries = concat(withoutOps(readDict(d.privateBytes), [OP.subrs]).map(encodeEntry));
        // A Subrs entry is 6 bytes: its offset, from the DICT's start, is the DICT's length.
        const privateDict = d.subrs ? concat([entries, encodeEntry(intEntry(OP.subrs, [entries.length + 6]))]) : entries;
        return { dict: concat(withoutOps(d.dict, [OP.private]).map(encodeEntry)), privateDict, subrs: d.subrs };
      }),
    };
    fixed.set(font, parts);
  }
  return parts;
}

const withoutOps = (dict: DictEntry[], ops: number[]): DictEntry[] => dict.filter((e) => !ops.includes(e.op));

/** An entry whose operands are written as 5-byte integers (operator 29), whatever their value. */
function intEntry(op: number, operands: number[]): DictEntry {
  const raw = new Uint8Array(operands.length * 5);
  operands.forEach((v, i) => {
    raw[i * 5] = 29;
    new DataView(raw.buffer).setInt32(i * 5 + 1, v);
  });
  return { op, operands, raw };
}

function encodeEntry(e: DictEntry): Uint8Array {
  const op = e.op >= 1200 ? [12, e.op - 1200] : [e.op];
  return concat([e.raw, Uint8Array.from(op)]);
}

/** Charset format 0 (a CID per glyph) or 2 (runs of consecutive CIDs), whichever is smaller. */
function encodeCharset(cids: number[]): Uint8Array {
  const rest = cids.slice(1);
  const ranges: Array<[number, number]> = [];
  for (const cid of rest) {
    const last = ranges[ranges.length - 1];
    if (last && cid === last[0] + last[1] + 1 && last[1] < 0xffff) last[1]++;
    else ranges.push([cid, 0]);
  }
  if (1 + 4 * ranges.length < 1 + 2 * rest.length) {
    const out = new Uint8Array(1 + 4 * ranges.length);
    const view = new DataView(out.buffer);
    out[0] = 2;
    ranges.forEach(([first, left], i) => {
      view.setUint16(1 + 4 * i, first);
      view.setUint16(3 + 4 * i, left);
    });
    return out;
  }
  const out = new Uint8Array(1 + 2 * rest.length);
  const view = new DataView(out.buffer);
  rest.forEach((cid, i) => view.setUint16(1 + 2 * i, cid));
  return out;
}

/** FDSelect format 3: runs of glyphs with the same font dict. */
function encodeFdSelect(fds: number[]): Uint8Array {
  const ranges: Array<[number, number]> = [];
  fds.forEach((fd, gid) => {
    if (ranges[ranges.length - 1]?.[1] !== fd) ranges.push([gid, fd]);
  });
  const out = new Uint8Array(5 + 3 * ranges.length);
  const view = new DataView(out.buffer);
  out[0] = 3;
  view.setUint16(1, ranges.length);
  ranges.forEach(([first, fd], i) => {
    view.setUint16(3 + 3 * i, first);
    out[5 + 3 * i] = fd;
  });
  view.setUint16(3 + 3 * ranges.length, fds.length);
  return out;
}

/** An INDEX with the smallest offset size its data allows. */
function encodeIndex(items: Uint8Array[]): Uint8Array {
  return concat(indexParts(items));
}

/** An INDEX as its header followed by its items, not yet joined. */
function indexParts(items: Uint8Array[]): Uint8Array[] {
  if (items.length === 0) return [new Uint8Array(2)];
  const total = items.reduce((n, i) => n + i.length, 0);
  const size = total + 1 < 0x100 ? 1 : total + 1 < 0x10000 ? 2 : total + 1 < 0x1000000 ? 3 : 4;
  const head = new Uint8Array(3 + (items.length + 1) * size);
  head[0] = items.length >> 8;
  head[1] = items.length & 0xff;
  head[2] = size;
  let offset = 1;
  for (let i = 0; i <= items.length; i++) {
    for (let k = 0; k < size; k++) head[3 + i * size + k] = (offset >> (8 * (size - 1 - k))) & 0xff;
    offset += items[i]?.length ?? 0;
  }
  return [head, ...items];
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
