/**
 * Generators for bad and hostile input files (robustness tests). Every generator is deterministic:
 * the same call writes the same bytes. Large files (zip bombs, a million rows, a 10 MB cell) are
 * written streamed, so generating them never holds the inflated content in memory.
 */
import { createCipheriv, createHash, createHmac } from 'node:crypto';
import { once } from 'node:events';
import { copyFile, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { mulberry32 } from '../../src/bench/random.js';
import { fixture, seedPath } from './pipeline.js';

// ───────────────────────────── deterministic randomness ─────────────────────────────

/** mulberry32 (shared with the bench's generated inputs): a tiny seeded PRNG giving floats in [0, 1). */
export { mulberry32 };

export function prngBytes(random: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(random() * 256);
  return b;
}

// ───────────────────────────── zip writing ─────────────────────────────

/** One part of a zip: bytes, a streamed source (deflated on the fly), or data already deflated. */
export type ZipEntry = { name: string; declaredSize?: number; declaredCrc?: number } & (
  { data: Buffer | string } | { chunks: () => AsyncIterable<Buffer | string> | Iterable<Buffer | string>; level?: number } | { deflated: () => Iterable<Buffer>; crc: number; size: number }
);

// 2021-01-01 00:00:00 in MS-DOS format: fixed, so generated files are byte-identical run to run.
const DOS_TIME = 0;
const DOS_DATE = ((2021 - 1980) << 9) | (1 << 5) | 1;

function localHeader(name: Buffer, crc: number, compressed: number, size: number): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(0x0800, 6); // UTF-8 names
  h.writeUInt16LE(8, 8); // deflate
  h.writeUInt16LE(DOS_TIME, 10);
  h.writeUInt16LE(DOS_DATE, 12);
  h.writeUInt32LE(crc >>> 0, 14);
  h.writeUInt32LE(compressed >>> 0, 18);
  h.writeUInt32LE(size >>> 0, 22);
  h.writeUInt16LE(name.length, 26);
  h.writeUInt16LE(0, 28);
  return Buffer.concat([h, name]);
}

function centralHeader(name: Buffer, crc: number, compressed: number, size: number, offset: number): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(0x0800, 8);
  h.writeUInt16LE(8, 10);
  h.writeUInt16LE(DOS_TIME, 12);
  h.writeUInt16LE(DOS_DATE, 14);
  h.writeUInt32LE(crc >>> 0, 16);
  h.writeUInt32LE(compressed >>> 0, 20);
  h.writeUInt32LE(size >>> 0, 24);
  h.writeUInt16LE(name.length, 28);
  h.writeUInt32LE(offset >>> 0, 42);
  return Buffer.concat([h, name]);
}

/**
 * Writes a zip by hand: local headers, deflated data, central directory. Streamed entries are
 * deflated as they are produced, and their CRC and sizes patched into the local header afterwards;
 * `declaredSize`/`declaredCrc` make the headers lie (as a zip bomb does); `eocdEntries` makes the
 * end record misstate how many entries the central directory holds.
 */
export async function writeZip(path: string, entries: ZipEntry[], options: { eocdEntries?: number } = {}): Promise<void> {
  const fh = await open(path, 'w');
  const central: Buffer[] = [];
  let pos = 0;
  const put = async (b: Buffer): Promise<void> => {
    await fh.write(b, 0, b.length, pos);
    pos += b.length;
  };
  try {
    for (const e of entries) {
      const name = Buffer.from(e.name, 'utf8');
      const offset = pos;
      await put(localHeader(name, 0, 0, 0));
      let crc = 0;
      let size = 0;
      let compressed = 0;
      if ('data' in e) {
        const data = Buffer.from(e.data);
        crc = zlib.crc32(data);
        size = data.length;
        const out = zlib.deflateRawSync(data, { level: 9 });
        compressed = out.length;
        await put(out);
      } else if ('deflated' in e) {
        crc = e.crc;
        size = e.size;
        for (const part of e.deflated()) {
          compressed += part.length;
          await put(part);
        }
      } else {
        const deflate = zlib.createDeflateRaw({ level: e.level ?? 6 });
        const feed = (async () => {
          for await (const chunk of e.chunks()) {
            const b = Buffer.from(chunk);
            crc = zlib.crc32(b, crc);
            size += b.length;
            if (!deflate.write(b)) await once(deflate, 'drain');
          }
          deflate.end();
        })();
        feed.catch((error: unknown) => deflate.destroy(error as Error));
        for await (const out of deflate as AsyncIterable<Buffer>) {
          compressed += out.length;
          await put(out);
        }
        await feed;
      }
      const shownCrc = e.declaredCrc ?? crc;
      const shownSize = e.declaredSize ?? size;
      const patched = localHeader(name, shownCrc, compressed, shownSize);
      await fh.write(patched, 0, patched.length, offset);
      central.push(centralHeader(name, shownCrc, compressed, shownSize, offset));
    }
    const cdOffset = pos;
    const cd = Buffer.concat(central);
    await put(cd);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(options.eocdEntries ?? entries.length, 8);
    eocd.writeUInt16LE(options.eocdEntries ?? entries.length, 10);
    eocd.writeUInt32LE(cd.length, 12);
    eocd.writeUInt32LE(cdOffset, 16);
    await put(eocd);
  } finally {
    await fh.close();
  }
}

/** The parts of a workbook, in order, as name → bytes. */
export async function zipParts(path: string): Promise<Array<{ name: string; data: Buffer }>> {
  const zip = await JSZip.loadAsync(await readFile(path));
  const parts: Array<{ name: string; data: Buffer }> = [];
  for (const f of Object.values(zip.files)) if (!f.dir) parts.push({ name: f.name, data: await f.async('nodebuffer') });
  return parts;
}

/** The seed's parts with one part replaced (kept in the seed's order). */
async function seedWithPart(name: string, replacement: ZipEntry): Promise<ZipEntry[]> {
  const parts = await zipParts(seedPath);
  if (!parts.some((p) => p.name === name)) throw new Error(`seed has no part ${name}`);
  return parts.map((p) => (p.name === name ? replacement : { name: p.name, data: p.data }));
}

async function seedPartText(name: string): Promise<string> {
  const part = (await zipParts(seedPath)).find((p) => p.name === name);
  if (!part) throw new Error(`seed has no part ${name}`);
  return part.data.toString('utf8');
}

function splitAt(xml: string, marker: string): [string, string] {
  const i = xml.indexOf(marker);
  if (i < 0) throw new Error(`marker ${marker} not found`);
  return [xml.slice(0, i), xml.slice(i)];
}

// ───────────────────────────── hostile zips ─────────────────────────────

export const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;

/**
 * A zip bomb: the seed with one part (its sheet XML by default) padded by whitespace where XML
 * allows it (before `</sheetData>`, or before the root's closing tag) to `inflatedBytes`
 * (default 2.1 GiB, under the 4 GiB a plain zip can declare). The padding's deflate data is made once for 1 MiB and repeated:
 * blocks are byte-aligned (sync flush) and only refer back to spaces, so the repeats form one
 * valid deflate stream; ~2 MB on disk, written in well under a second plus the CRC pass.
 * `lie`: the headers declare the seed sheet's real size, so only inflating reveals the bomb.
 */
export async function writeZipBomb(path: string, options: { inflatedBytes?: number; lie?: boolean; part?: string } = {}): Promise<{ inflated: number; compressed: number }> {
  const part = options.part ?? 'xl/worksheets/sheet1.xml';
  const original = await seedPartText(part);
  // Whitespace goes where XML ignores it: before </sheetData>, or before the root's closing tag.
  const cut = part.startsWith('xl/worksheets/') ? original.indexOf('</sheetData>') : original.lastIndexOf('</');
  if (cut < 0) throw new Error(`no place for padding in ${part}`);
  const [head, tail] = [original.slice(0, cut), original.slice(cut)];
  const window = Buffer.alloc(32 * 1024, 0x20);
  const prefix = Buffer.concat([Buffer.from(head, 'utf8'), window]);
  const chunk = Buffer.alloc(MiB, 0x20);
  const suffix = Buffer.from(tail, 'utf8');
  const wanted = options.inflatedBytes ?? Math.floor(2.1 * GiB);
  const repeats = Math.max(1, Math.ceil((wanted - prefix.length - suffix.length) / chunk.length));
  const size = prefix.length + repeats * chunk.length + suffix.length;
  if (size >= 2 ** 32) throw new Error('a plain zip cannot declare 4 GiB or more');
  const sync = zlib.constants.Z_SYNC_FLUSH;
  const dPrefix = zlib.deflateRawSync(prefix, { level: 9, finishFlush: sync });
  const dChunk = zlib.deflateRawSync(chunk, { level: 9, finishFlush: sync, dictionary: window });
  const dSuffix = zlib.deflateRawSync(suffix, { level: 9, dictionary: window });
  let crc = zlib.crc32(prefix);
  for (let i = 0; i < repeats; i++) crc = zlib.crc32(chunk, crc);
  crc = zlib.crc32(suffix, crc);
  const bomb: ZipEntry = {
    name: part,
    deflated: function* () {
      yield dPrefix;
      for (let i = 0; i < repeats; i++) yield dChunk;
      yield dSuffix;
    },
    crc,
    size,
    ...(options.lie ? { declaredSize: Buffer.byteLength(original), declaredCrc: zlib.crc32(original) } : {}),
  };
  await writeZip(path, await seedWithPart(part, bomb));
  return { inflated: size, compressed: dPrefix.length + repeats * dChunk.length + dSuffix.length };
}

/** The seed with `extraRows` more rows (each holding a number) after its form: a million by default. */
export async function writeMillionRows(path: string, extraRows = 1_000_000): Promise<void> {
  const part = 'xl/worksheets/sheet1.xml';
  const [head, tail] = splitAt(await seedPartText(part), '</sheetData>');
  const firstRow = 41;
  const entry: ZipEntry = {
    name: part,
    level: 1,
    chunks: function* () {
      yield head;
      const batch = 10_000;
      for (let start = firstRow; start < firstRow + extraRows; start += batch) {
        let s = '';
        for (let r = start; r < Math.min(start + batch, firstRow + extraRows); r++) s += `<row r="${r}"><c r="A${r}"><v>${r}</v></c></row>`;
        yield s;
      }
      yield tail;
    },
  };
  await writeZip(path, await seedWithPart(part, entry));
}

/** The seed whose 项目名称 (shared string 4, cell C4) is one string of `bytes` bytes (10 MiB by default). */
export async function writeHugeCell(path: string, bytes = 10 * MiB): Promise<void> {
  const part = 'xl/sharedStrings.xml';
  const xml = await seedPartText(part);
  const [head, tail] = splitAt(xml, '机构编制管理事务经费</t>');
  const rest = tail.slice('机构编制管理事务经费'.length);
  const entry: ZipEntry = {
    name: part,
    chunks: function* () {
      yield head;
      const block = Buffer.alloc(MiB, 'A');
      for (let left = bytes; left > 0; left -= MiB) yield left >= MiB ? block : block.subarray(0, left);
      yield rest;
    },
  };
  await writeZip(path, await seedWithPart(part, entry));
}

/**
 * The seed with its sheet XML stored under another part name (`/xl/worksheets/sheet1.xml`, with a
 * leading slash, which exceljs strips) and `extraRows` more rows; `eocdEntries` makes the zip's
 * end record misstate its entry count (JSZip reads the central directory regardless).
 */
export async function writeDisguisedRows(path: string, options: { extraRows: number; partName?: string; eocdEntries?: number }): Promise<void> {
  const part = 'xl/worksheets/sheet1.xml';
  const [head, tail] = splitAt(await seedPartText(part), '</sheetData>');
  let rows = '';
  for (let r = 41; r < 41 + options.extraRows; r++) rows += `<row r="${r}"><c r="A${r}"><v>${r}</v></c></row>`;
  const entries = await seedWithPart(part, { name: options.partName ?? part, data: head + rows + tail });
  await writeZip(path, entries, options.eocdEntries === undefined ? {} : { eocdEntries: options.eocdEntries });
}

/** The seed whose 项目名称 (C4) is rich text: `runs` runs of `runChars` characters, each under the per-run limit. */
export async function writeRichTextCell(path: string, runs: number, runChars = 30_000): Promise<void> {
  const part = 'xl/sharedStrings.xml';
  const xml = await seedPartText(part);
  const rich = `<si>${`<r><t>${'项'.repeat(runChars)}</t></r>`.repeat(runs)}</si>`;
  await writeZip(path, await seedWithPart(part, { name: part, data: xml.replace('<si><t>机构编制管理事务经费</t></si>', rich) }));
}

/** The seed with one more merged range, e.g. `K1:AZ100000`: a few bytes that cover millions of cells. */
export async function writeMergeBomb(path: string, ref: string): Promise<void> {
  const part = 'xl/worksheets/sheet1.xml';
  const xml = await seedPartText(part);
  const data = xml.replace(/<mergeCells count="(\d+)">/, (_m, n: string) => `<mergeCells count="${Number(n) + 1}"><mergeCell ref="${ref}"/>`);
  await writeZip(path, await seedWithPart(part, { name: part, data }));
}

/** The seed with `rows` more rows of `cols` numeric cells each: within the row limit, but millions of cells. */
export async function writeWideSheet(path: string, rows: number, cols: number): Promise<void> {
  const part = 'xl/worksheets/sheet1.xml';
  const [head, tail] = splitAt(await seedPartText(part), '</sheetData>');
  const letters = Array.from({ length: cols }, (_, c) => {
    let s = '';
    for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
    return s;
  });
  const entry: ZipEntry = {
    name: part,
    level: 1,
    chunks: function* () {
      yield head;
      for (let r = 41; r < 41 + rows; r++) yield `<row r="${r}">${letters.map((l) => `<c r="${l}${r}"><v>1</v></c>`).join('')}</row>`;
      yield tail;
    },
  };
  await writeZip(path, await seedWithPart(part, entry));
}

/** The seed with one more cell at XFD1 (the last column) and one at A1048576 (the last row). */
export async function writeFarCells(path: string): Promise<void> {
  const part = 'xl/worksheets/sheet1.xml';
  const [head, tail] = splitAt(await seedPartText(part), '</row>');
  const [body, end] = splitAt(`${head}<c r="XFD1" t="inlineStr"><is><t>远</t></is></c>${tail}`, '</sheetData>');
  const data = `${body}<row r="1048576"><c r="A1048576"><v>1</v></c></row>${end}`;
  await writeZip(path, await seedWithPart(part, { name: part, data }));
}

/**
 * The seed with `count` more merged ranges below row 50, columns L to AE: ranges of two cells side
 * by side, ten to a row; or, `inside`, one range over `count` cells followed by a one-cell range on
 * each of those cells, so every later range overlaps the first and is dropped.
 */
export async function writeManyMerges(path: string, count: number, options: { inside?: boolean } = {}): Promise<void> {
  const part = 'xl/worksheets/sheet1.xml';
  const xml = await seedPartText(part);
  const refs: string[] = [];
  const width = options.inside ? 20 : 10;
  for (let i = 0; i < count; i++) {
    const row = 50 + Math.floor(i / width);
    const col = options.inside ? 12 + (i % width) : 12 + (i % width) * 2;
    refs.push(options.inside ? `${columnName(col)}${row}:${columnName(col)}${row}` : `${columnName(col)}${row}:${columnName(col + 1)}${row}`);
  }
  if (options.inside) refs.unshift(`L50:AE${50 + Math.ceil(count / width) - 1}`);
  const merges = refs.map((ref) => `<mergeCell ref="${ref}"/>`).join('');
  const data = xml.replace(/<mergeCells count="(\d+)">/, (_m, n: string) => `<mergeCells count="${Number(n) + refs.length}">${merges}`);
  await writeZip(path, await seedWithPart(part, { name: part, data }));
}

/**
 * The seed with `cells` more cells whose attributes are separated by tabs and newlines
 * (`<c\tr="A41"\n>`): the old guard counted only `<c ` and `<c>`.
 */
export async function writeTabSeparatedCells(path: string, cells: number, perRow = 100): Promise<void> {
  const part = 'xl/worksheets/sheet1.xml';
  const [head, tail] = splitAt(await seedPartText(part), '</sheetData>');
  const entry: ZipEntry = {
    name: part,
    level: 1,
    chunks: function* () {
      yield head;
      for (let start = 0; start < cells; start += perRow) {
        const r = 41 + start / perRow;
        let row = `<row\tr="${r}">`;
        for (let c = 0; c < Math.min(perRow, cells - start); c++) row += `<c\tr="${columnName(c + 1)}${r}"\n\tt="n"><v>1</v></c>`;
        yield `${row}</row>`;
      }
      yield tail;
    },
  };
  await writeZip(path, await seedWithPart(part, entry));
}

function columnName(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/**
 * The seed with its sheet stored as `partName` and the workbook's relationship pointing there
 * through `target` (relative like `worksheets/sheet1.xml_` or absolute like
 * `/xl/worksheets/sheet1.xml`), plus `extraRows` more rows.
 */
export async function writeRenamedSheet(path: string, options: { partName: string; target: string; extraRows: number }): Promise<void> {
  const part = 'xl/worksheets/sheet1.xml';
  const [head, tail] = splitAt(await seedPartText(part), '</sheetData>');
  let rows = '';
  for (let r = 41; r < 41 + options.extraRows; r++) rows += `<row r="${r}"><c r="A${r}"><v>${r}</v></c></row>`;
  const rels = (await seedPartText('xl/_rels/workbook.xml.rels')).replace('Target="worksheets/sheet1.xml"', `Target="${options.target}"`);
  const parts = (await zipParts(seedPath)).map((p) =>
    p.name === part ? { name: options.partName, data: head + rows + tail } : p.name === 'xl/_rels/workbook.xml.rels' ? { name: p.name, data: rels } : { name: p.name, data: p.data },
  );
  await writeZip(path, parts);
}

/**
 * The same zip in zip64 form: every central directory entry carries its sizes and offset in a
 * zip64 extra field (the 32-bit fields all ones), and a zip64 end record and locator come before
 * the end record, whose own fields are all ones. `lie` makes the zip64 fields misstate things.
 */
export function toZip64(zip: Buffer, lie: { entries?: number; centralSize?: number; sizeOf?: { name: string; size: number } } = {}): Buffer {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  const big = (n: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  };
  const central: Buffer[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLength);
    const header = Buffer.from(zip.subarray(p, p + 46));
    const size = lie.sizeOf?.name === name ? lie.sizeOf.size : header.readUInt32LE(24);
    const extra = Buffer.concat([Buffer.from([0x01, 0x00, 24, 0x00]), big(size), big(header.readUInt32LE(20)), big(header.readUInt32LE(42))]);
    header.writeUInt32LE(0xffffffff, 20);
    header.writeUInt32LE(0xffffffff, 24);
    header.writeUInt32LE(0xffffffff, 42);
    header.writeUInt16LE(45, 6);
    header.writeUInt16LE(extra.length, 30);
    header.writeUInt16LE(0, 32);
    central.push(header, zip.subarray(p + 46, p + 46 + nameLength), extra);
    p += 46 + nameLength + extraLength + commentLength;
  }
  const cd = Buffer.concat(central);
  const body = zip.subarray(0, cdOffset);
  const recordAt = body.length + cd.length;
  const record = Buffer.concat([
    Buffer.from([0x50, 0x4b, 0x06, 0x06]),
    big(44),
    Buffer.from([45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    big(lie.entries ?? count),
    big(lie.entries ?? count),
    big(lie.centralSize ?? cd.length),
    big(body.length),
  ]);
  const locator = Buffer.concat([Buffer.from([0x50, 0x4b, 0x06, 0x07]), Buffer.alloc(4), big(recordAt), Buffer.from([1, 0, 0, 0])]);
  const end = Buffer.alloc(22, 0xff);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt32LE(0, 4);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([body, cd, record, locator, end]);
}

// ───────────────────────────── OLE2 compound file (CFB) ─────────────────────────────

export type CfbNode = { name: string; data: Buffer } | { name: string; children: CfbNode[] };

const ENDOFCHAIN = 0xfffffffe;
const FREESECT = 0xffffffff;
const FATSECT = 0xfffffffd;
const NOSTREAM = 0xffffffff;
const SECTOR = 512;
const MINI = 64;
const CUTOFF = 4096;

/** CFB sibling order: shorter names first, then by upper-cased UTF-16 code units. */
function cfbCompare(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  const ua = a.toUpperCase();
  const ub = b.toUpperCase();
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/**
 * A version 3 compound file (MS-CFB): 512-byte sectors, streams under 4096 bytes in the mini
 * stream, one FAT (up to 109 FAT sectors, no DIFAT sectors), siblings as balanced binary trees.
 */
export function buildCfb(root: CfbNode[]): Buffer {
  interface Dir {
    name: string;
    type: 1 | 2 | 5;
    data?: Buffer;
    children: number[];
    left: number;
    right: number;
    child: number;
    start: number;
    size: number;
  }
  const dirs: Dir[] = [{ name: 'Root Entry', type: 5, children: [], left: NOSTREAM, right: NOSTREAM, child: NOSTREAM, start: ENDOFCHAIN, size: 0 }];
  const add = (node: CfbNode, parent: number): void => {
    const index = dirs.length;
    if ('data' in node) dirs.push({ name: node.name, type: 2, data: node.data, children: [], left: NOSTREAM, right: NOSTREAM, child: NOSTREAM, start: ENDOFCHAIN, size: node.data.length });
    else dirs.push({ name: node.name, type: 1, children: [], left: NOSTREAM, right: NOSTREAM, child: NOSTREAM, start: 0, size: 0 });
    dirs[parent]?.children.push(index);
    if ('children' in node) for (const c of node.children) add(c, index);
  };
  for (const n of root) add(n, 0);
  const tree = (ids: number[]): number => {
    if (ids.length === 0) return NOSTREAM;
    const mid = Math.floor(ids.length / 2);
    const id = ids[mid] as number;
    const d = dirs[id] as Dir;
    d.left = tree(ids.slice(0, mid));
    d.right = tree(ids.slice(mid + 1));
    return id;
  };
  for (const d of dirs) d.child = tree([...d.children].sort((a, b) => cfbCompare((dirs[a] as Dir).name, (dirs[b] as Dir).name)));

  // Mini stream: small streams in 64-byte mini sectors.
  const miniFat: number[] = [];
  const miniParts: Buffer[] = [];
  for (const d of dirs) {
    if (d.type !== 2 || !d.data || d.data.length >= CUTOFF) continue;
    if (d.data.length === 0) continue;
    const n = Math.ceil(d.data.length / MINI);
    d.start = miniFat.length;
    for (let i = 0; i < n; i++) miniFat.push(i === n - 1 ? ENDOFCHAIN : miniFat.length + 1);
    miniParts.push(d.data, Buffer.alloc(n * MINI - d.data.length));
  }
  const miniStream = Buffer.concat(miniParts);

  // Regular sectors: big streams, the mini stream, the mini FAT, the directory; then the FAT.
  const sectors: Buffer[] = [];
  const fat: number[] = [];
  const chain = (data: Buffer): number => {
    if (data.length === 0) return ENDOFCHAIN;
    const start = sectors.length;
    const n = Math.ceil(data.length / SECTOR);
    for (let i = 0; i < n; i++) {
      const s = Buffer.alloc(SECTOR);
      data.copy(s, 0, i * SECTOR, Math.min(data.length, (i + 1) * SECTOR));
      sectors.push(s);
      fat.push(i === n - 1 ? ENDOFCHAIN : start + i + 1);
    }
    return start;
  };
  for (const d of dirs) if (d.type === 2 && d.data && d.data.length >= CUTOFF) d.start = chain(d.data);
  const root0 = dirs[0] as Dir;
  root0.start = chain(miniStream);
  root0.size = miniStream.length;
  const miniFatBytes = Buffer.alloc(Math.ceil(miniFat.length / 128) * SECTOR, 0xff);
  miniFat.forEach((v, i) => miniFatBytes.writeUInt32LE(v >>> 0, i * 4));
  const miniFatStart = chain(miniFatBytes);
  const miniFatSectors = miniFatBytes.length / SECTOR;

  const dirBytes = Buffer.alloc(Math.ceil(dirs.length / 4) * SECTOR);
  for (let i = 0; i < dirBytes.length / 128; i++) {
    const o = i * 128;
    const d = dirs[i];
    if (!d) {
      dirBytes.writeUInt32LE(NOSTREAM, o + 68);
      dirBytes.writeUInt32LE(NOSTREAM, o + 72);
      dirBytes.writeUInt32LE(NOSTREAM, o + 76);
      continue;
    }
    if (d.name.length > 31) throw new Error(`CFB name too long: ${d.name}`);
    dirBytes.write(d.name, o, 'utf16le');
    dirBytes.writeUInt16LE((d.name.length + 1) * 2, o + 64);
    dirBytes[o + 66] = d.type;
    dirBytes[o + 67] = 1; // black
    dirBytes.writeUInt32LE(d.left >>> 0, o + 68);
    dirBytes.writeUInt32LE(d.right >>> 0, o + 72);
    dirBytes.writeUInt32LE(d.child >>> 0, o + 76);
    dirBytes.writeUInt32LE(d.start >>> 0, o + 116);
    dirBytes.writeUInt32LE(d.size >>> 0, o + 120);
  }
  const dirStart = chain(dirBytes);

  let fatSectors = 1;
  while (sectors.length + fatSectors > fatSectors * 128) fatSectors++;
  if (fatSectors > 109) throw new Error('CFB too large for a header-only DIFAT');
  const fatStart = sectors.length;
  for (let i = 0; i < fatSectors; i++) fat.push(FATSECT);
  const fatBytes = Buffer.alloc(fatSectors * SECTOR, 0xff);
  fat.forEach((v, i) => fatBytes.writeUInt32LE(v >>> 0, i * 4));
  for (let i = 0; i < fatSectors; i++) sectors.push(fatBytes.subarray(i * SECTOR, (i + 1) * SECTOR));

  const header = Buffer.alloc(SECTOR);
  Buffer.from('d0cf11e0a1b11ae1', 'hex').copy(header, 0);
  header.writeUInt16LE(0x003e, 24);
  header.writeUInt16LE(0x0003, 26);
  header.writeUInt16LE(0xfffe, 28);
  header.writeUInt16LE(9, 30);
  header.writeUInt16LE(6, 32);
  header.writeUInt32LE(0, 40);
  header.writeUInt32LE(fatSectors, 44);
  header.writeUInt32LE(dirStart, 48);
  header.writeUInt32LE(0, 52);
  header.writeUInt32LE(CUTOFF, 56);
  header.writeUInt32LE(miniFatSectors > 0 ? miniFatStart : ENDOFCHAIN, 60);
  header.writeUInt32LE(miniFatSectors, 64);
  header.writeUInt32LE(ENDOFCHAIN, 68);
  header.writeUInt32LE(0, 72);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i < fatSectors ? fatStart + i : FREESECT, 76 + i * 4);
  return Buffer.concat([header, ...sectors]);
}

// ───────────────────────────── ECMA-376 agile encryption (MS-OFFCRYPTO 2.3.4.10 ff.) ─────────────────────────────

const sha512 = (...parts: Buffer[]): Buffer => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest();
};
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const aes = (key: Buffer, iv: Buffer, data: Buffer): Buffer => {
  const c = createCipheriv('aes-256-cbc', key, iv.subarray(0, 16));
  c.setAutoPadding(false);
  const padded = data.length % 16 === 0 ? data : Buffer.concat([data, Buffer.alloc(16 - (data.length % 16))]);
  return Buffer.concat([c.update(padded), c.final()]);
};
const lpUnicode = (s: string): Buffer => {
  const text = Buffer.from(s, 'utf16le');
  return Buffer.concat([u32(text.length), text, Buffer.alloc((4 - (text.length % 4)) % 4)]);
};
const version10 = Buffer.from([1, 0, 0, 0]);

/** The \x06DataSpaces storage Office writes beside an encrypted package (MS-OFFCRYPTO 2.1.5–2.1.9). */
function dataSpaces(): CfbNode {
  const versionInfo = Buffer.concat([lpUnicode('Microsoft.Container.DataSpaces'), version10, version10, version10]);
  const entryBody = Buffer.concat([u32(1), u32(0), lpUnicode('EncryptedPackage'), lpUnicode('StrongEncryptionDataSpace')]);
  const map = Buffer.concat([u32(8), u32(1), u32(entryBody.length + 4), entryBody]);
  const definition = Buffer.concat([u32(8), u32(1), lpUnicode('StrongEncryptionTransform')]);
  const idPart = Buffer.concat([u32(1), lpUnicode('{FF9A3F03-56EF-4613-BDD5-5A41C1D07246}')]);
  const primary = Buffer.concat([u32(idPart.length + 4), idPart, lpUnicode('Microsoft.Container.EncryptionTransform'), version10, version10, version10, u32(0), u32(0), u32(0), u32(4)]);
  return {
    name: '\u0006DataSpaces',
    children: [
      { name: 'Version', data: versionInfo },
      { name: 'DataSpaceMap', data: map },
      { name: 'DataSpaceInfo', children: [{ name: 'StrongEncryptionDataSpace', data: definition }] },
      { name: 'TransformInfo', children: [{ name: 'StrongEncryptionTransform', children: [{ name: '\u0006Primary', data: primary }] }] },
    ],
  };
}

/**
 * A package encrypted as Excel does with a password (agile encryption: AES-256-CBC, SHA-512,
 * 100 000 spins, HMAC integrity), inside a compound file with EncryptionInfo, EncryptedPackage and
 * \x06DataSpaces. Salts and keys come from `seed`, so the output is deterministic.
 */
export function encryptPackage(pkg: Buffer, password: string, seed = 20211231): Buffer {
  const random = mulberry32(seed);
  const keySalt = prngBytes(random, 16);
  const passwordSalt = prngBytes(random, 16);
  const secretKey = prngBytes(random, 32);
  const verifierInput = prngBytes(random, 16);
  const hmacKey = prngBytes(random, 64);
  const spinCount = 100_000;

  let h = sha512(passwordSalt, Buffer.from(password, 'utf16le'));
  for (let i = 0; i < spinCount; i++) h = sha512(u32(i), h);
  const passwordKey = (block: string): Buffer => sha512(h, Buffer.from(block, 'hex')).subarray(0, 32);
  const encryptedVerifierHashInput = aes(passwordKey('fea7d2763b4b9e79'), passwordSalt, verifierInput);
  const encryptedVerifierHashValue = aes(passwordKey('d7aa0f6d3061344e'), passwordSalt, sha512(verifierInput));
  const encryptedKeyValue = aes(passwordKey('146e0be7abacd0d6'), passwordSalt, secretKey);

  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(pkg.length));
  const segments: Buffer[] = [size];
  for (let i = 0, n = 0; i < pkg.length; i += 4096, n++) segments.push(aes(secretKey, sha512(keySalt, u32(n)), pkg.subarray(i, i + 4096)));
  const encryptedPackage = Buffer.concat(segments);
  const hmacValue = createHmac('sha512', hmacKey).update(encryptedPackage).digest();
  const encryptedHmacKey = aes(secretKey, sha512(keySalt, Buffer.from('5fb2ad010cb9e1f6', 'hex')), hmacKey);
  const encryptedHmacValue = aes(secretKey, sha512(keySalt, Buffer.from('a0677f02b22c8433', 'hex')), hmacValue);

  const b64 = (b: Buffer): string => b.toString('base64');
  const params = 'blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"';
  const xml =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' +
    '<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption" xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password" xmlns:c="http://schemas.microsoft.com/office/2006/keyEncryptor/certificate">' +
    `<keyData saltSize="16" ${params} saltValue="${b64(keySalt)}"/>` +
    `<dataIntegrity encryptedHmacKey="${b64(encryptedHmacKey)}" encryptedHmacValue="${b64(encryptedHmacValue)}"/>` +
    '<keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password">' +
    `<p:encryptedKey spinCount="${spinCount}" saltSize="16" ${params} saltValue="${b64(passwordSalt)}" encryptedVerifierHashInput="${b64(encryptedVerifierHashInput)}" encryptedVerifierHashValue="${b64(encryptedVerifierHashValue)}" encryptedKeyValue="${b64(encryptedKeyValue)}"/>` +
    '</keyEncryptor></keyEncryptors></encryption>';
  const info = Buffer.concat([Buffer.from([4, 0, 4, 0]), u32(0x40), Buffer.from(xml, 'utf8')]);
  return buildCfb([dataSpaces(), { name: 'EncryptionInfo', data: info }, { name: 'EncryptedPackage', data: encryptedPackage }]);
}

export const ENCRYPTED_PASSWORD = 'ziping-2021';

// ───────────────────────────── edited copies of the seed ─────────────────────────────

export type CellEdits = Record<string, ExcelJS.CellValue>;

/** The seed form with some cells changed (exceljs), written to `path`. */
export async function writeSeedVariant(path: string, edits: CellEdits, source = seedPath): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(source);
  const ws = wb.worksheets[0];
  if (!ws) throw new Error('seed has no sheet');
  for (const [address, value] of Object.entries(edits)) ws.getCell(address).value = value;
  wb.created = new Date(Date.UTC(2021, 0, 1));
  wb.modified = new Date(Date.UTC(2021, 0, 1));
  await wb.xlsx.writeFile(path);
}

/** A workbook that is a valid .xlsx but holds no 自评表 (a budget list). */
export async function writeNoFormWorkbook(path: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.created = new Date(Date.UTC(2021, 0, 1));
  wb.modified = new Date(Date.UTC(2021, 0, 1));
  const ws = wb.addWorksheet('预算明细');
  ws.addRow(['序号', '科目', '金额(万元)']);
  ws.addRow([1, '办公费', 12.5]);
  ws.addRow([2, '差旅费', 8]);
  wb.addWorksheet('说明').getCell('A1').value = '本文件只是预算明细，不是绩效自评表。';
  await wb.xlsx.writeFile(path);
}

// ───────────────────────────── the bad folder ─────────────────────────────

/** What the run must say about one file. */
export interface BadCase {
  file: string;
  what: string;
  /** error: nothing rendered; ok: the form is still produced, with the finding */
  status: 'error' | 'ok';
  /** any of these codes will do (first is the expected one) */
  codes: string[];
  /** cells the finding must name (`Sheet1!H14`), when the problem sits in a cell */
  cells?: string[];
  /** text the message must contain besides the file name (e.g. which limit) */
  says?: string[];
}

export const GOOD_FORMS = ['2021-机构编制管理事务经费.xlsx', 'hebei-2019.xlsx'] as const;

/** Project names placed in C4/C5 of seed copies that must not name a file outside out/. */
export const HOSTILE_NAMES = ['../../x', 'CON', 'a/b', 'a:*?"<>|b', 'nul.txt', ' trailing dot. ', '名'.repeat(100) + 'x'.repeat(200), ''] as const;

/**
 * Writes every bad and hostile file of the robustness issue, plus the two good forms, into `dir`.
 * Returns what each bad file must produce. Takes a few seconds (the zip bombs' CRC pass).
 */
export async function writeBadFolder(dir: string): Promise<BadCase[]> {
  await mkdir(dir, { recursive: true });
  const at = (name: string): string => join(dir, name);
  await copyFile(seedPath, at(GOOD_FORMS[0]));
  await copyFile(fixture('hebei-2019.xlsx'), at(GOOD_FORMS[1]));
  const cases: BadCase[] = [];
  const bad = (c: BadCase): void => void cases.push(c);

  await writeFile(at('空文件.xlsx'), Buffer.alloc(0));
  bad({ file: '空文件.xlsx', what: 'empty file', status: 'error', codes: ['INGEST_FILE_EMPTY'] });

  await writeFile(at('其实是CSV.xlsx'), '\ufeff项目名称,全年预算数,全年执行数\n机构编制管理事务经费,128,88.27\n');
  bad({ file: '其实是CSV.xlsx', what: 'text/CSV named .xlsx', status: 'error', codes: ['INGEST_FILE_UNREADABLE'] });

  const seedBytes = await readFile(seedPath);
  await writeFile(at('截断.xlsx'), seedBytes.subarray(0, Math.floor(seedBytes.length * 0.6)));
  bad({ file: '截断.xlsx', what: 'truncated .xlsx', status: 'error', codes: ['INGEST_FILE_UNREADABLE'] });

  await writeFile(at('加密.xlsx'), encryptPackage(seedBytes, ENCRYPTED_PASSWORD));
  bad({ file: '加密.xlsx', what: 'password-protected workbook', status: 'error', codes: ['INGEST_FILE_ENCRYPTED'] });

  await writeFile(at('旧版内容.xlsx'), buildCfb([{ name: 'Workbook', data: prngBytes(mulberry32(97), 6000) }]));
  bad({ file: '旧版内容.xlsx', what: 'old .xls (compound file) named .xlsx', status: 'error', codes: ['INGEST_FILE_OLD_FORMAT'] });

  await writeNoFormWorkbook(at('没有自评表.xlsx'));
  bad({ file: '没有自评表.xlsx', what: 'workbook with no form', status: 'error', codes: ['INGEST_NO_FORM'], says: ['预算明细'] });

  await writeSeedVariant(at('项目名称空白.xlsx'), { C4: null });
  bad({ file: '项目名称空白.xlsx', what: '项目名称 blank', status: 'ok', codes: ['INGEST_PROJECT_NAME_MISSING'], cells: ['Sheet1!C4'] });

  // Without its label, the row above 主管部门 still holds the name: the form is read, the label reported.
  await writeSeedVariant(at('项目名称标签缺失.xlsx'), { A4: null, C4: '缺少标签的项目' });
  bad({ file: '项目名称标签缺失.xlsx', what: '项目名称 label missing', status: 'ok', codes: ['INGEST_LABEL_MISSING'], cells: ['Sheet1!A4'] });

  await writeSeedVariant(at('全年预算数为零.xlsx'), { C4: '预算为零的项目', D7: 0 });
  bad({ file: '全年预算数为零.xlsx', what: '全年预算数 0', status: 'ok', codes: ['FUNDS_BUDGET_MISSING'], cells: ['Sheet1!D7'] });

  await writeSeedVariant(at('全年预算数空白.xlsx'), { C4: '预算空白的项目', D7: null });
  bad({ file: '全年预算数空白.xlsx', what: '全年预算数 blank', status: 'ok', codes: ['FUNDS_BUDGET_MISSING'], cells: ['Sheet1!D7'] });

  await writeSeedVariant(at('公式错误.xlsx'), {
    C4: '公式出错的项目',
    E7: { formula: '#REF!+1', result: { error: '#REF!' } } as ExcelJS.CellValue,
    H14: { formula: 'G14/0', result: { error: '#DIV/0!' } } as ExcelJS.CellValue,
  });
  bad({ file: '公式错误.xlsx', what: 'formula errors', status: 'ok', codes: ['INGEST_FORMULA_ERROR'], cells: ['Sheet1!E7', 'Sheet1!H14'], says: ['#REF!', '#DIV/0!'] });

  await writeSeedVariant(at('数字无法识别.xlsx'), { C4: '数字写成文字的项目', E7: '约八十万', H15: '满分' });
  bad({ file: '数字无法识别.xlsx', what: 'unreadable numbers', status: 'ok', codes: ['INGEST_NUMBER_UNREADABLE'], cells: ['Sheet1!E7', 'Sheet1!H15'], says: ['约八十万', '满分'] });

  await copyFile(seedPath, at('重复填报-机构编制管理事务经费.xlsx'));
  bad({ file: '重复填报-机构编制管理事务经费.xlsx', what: 'second form with the same name', status: 'ok', codes: ['DUPLICATE_FORM'], cells: ['Sheet1!C4'], says: [GOOD_FORMS[0]] });

  await writeSeedVariant(at('危险名称.xlsx'), { C4: '../../x', C5: 'a/b', F5: 'CON' });
  bad({ file: '危险名称.xlsx', what: 'path-hostile names', status: 'ok', codes: [] });

  await writeZipBomb(at('压缩炸弹.xlsx'));
  bad({ file: '压缩炸弹.xlsx', what: 'zip bomb, sizes declared', status: 'error', codes: ['INGEST_LIMIT_EXCEEDED'], says: ['解压后总大小'] });

  await writeZipBomb(at('压缩炸弹-谎报大小.xlsx'), { lie: true });
  bad({ file: '压缩炸弹-谎报大小.xlsx', what: 'zip bomb, sizes understated', status: 'error', codes: ['INGEST_LIMIT_EXCEEDED'], says: ['单个部件解压后大小', 'xl/worksheets/sheet1.xml'] });

  // exceljs inflates every part, not only the sheets: a bomb in the styles must be caught too.
  await writeZipBomb(at('压缩炸弹-样式部件.xlsx'), { lie: true, part: 'xl/styles.xml' });
  bad({ file: '压缩炸弹-样式部件.xlsx', what: 'zip bomb in xl/styles.xml, sizes understated', status: 'error', codes: ['INGEST_LIMIT_EXCEEDED'], says: ['单个部件解压后大小', 'xl/styles.xml'] });

  // The reader stops at the first row past the limit, so the message gives that count, not the total.
  await writeMillionRows(at('一百万行.xlsx'));
  bad({ file: '一百万行.xlsx', what: 'a million rows', status: 'error', codes: ['INGEST_LIMIT_EXCEEDED'], says: ['工作表行数', '20001 行以上'] });

  await writeHugeCell(at('超长单元格.xlsx'));
  // Stopped a megabyte into the text, before the parser holds all ten.
  bad({ file: '超长单元格.xlsx', what: 'a 10 MB cell', status: 'error', codes: ['INGEST_LIMIT_EXCEEDED'], says: ['单元格文字长度', '个字符以上'] });

  return cases;
}
