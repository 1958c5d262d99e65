import { LimitExceeded, limits, mb, Unreadable } from './limits.js';

/** One entry of a zip's central directory, sizes and offset already widened from zip64 fields. */
export interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  /** the inflated size the zip declares; never trusted, only used to refuse early */
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const notZip = '文件不是有效的 xlsx(zip)格式或已损坏';

/** A 64-bit field as a number; past 2^53 it is Infinity, which every limit refuses. */
function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(v);
}

/** The end record: where the central directory is and how many entries it says it holds. */
function endRecord(zip: Buffer): { entries: number; cdSize: number; cdOffset: number } {
  // The end record is the last 22 bytes plus a comment of at most 65,535 bytes.
  const from = Math.max(0, zip.length - 22 - 0xffff);
  let at = -1;
  for (let i = zip.length - 22; i >= from; i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new Unreadable(notZip);
  if (zip.readUInt16LE(at + 4) !== 0 || zip.readUInt16LE(at + 6) !== 0) throw new Unreadable('文件是分卷压缩包的一部分，不是完整的 xlsx 文件');
  let entries = zip.readUInt16LE(at + 10);
  let cdSize = zip.readUInt32LE(at + 12);
  let cdOffset = zip.readUInt32LE(at + 16);
  // A zip64 locator right before the end record: the real numbers are in the zip64 end record,
  // whatever the 16/32-bit fields say (a writer may fill them with anything).
  if (at >= 20 && zip.readUInt32LE(at - 20) === ZIP64_LOCATOR) {
    const recordAt = u64(zip, at - 20 + 8);
    if (!(recordAt + 56 <= zip.length) || zip.readUInt32LE(recordAt) !== ZIP64_EOCD) throw new Unreadable(notZip);
    entries = u64(zip, recordAt + 32);
    cdSize = u64(zip, recordAt + 40);
    cdOffset = u64(zip, recordAt + 48);
  } else if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw new Unreadable(notZip);
  }
  return { entries, cdSize, cdOffset };
}

/** The zip64 extra field holds, in this order, only the fields whose 32-bit value is all ones. */
function widen(zip: Buffer, extraStart: number, extraEnd: number, e: ZipEntry): void {
  for (let p = extraStart; p + 4 <= extraEnd;) {
    const id = zip.readUInt16LE(p);
    const len = zip.readUInt16LE(p + 2);
    const end = p + 4 + len;
    if (end > extraEnd) break;
    if (id === 0x0001) {
      let q = p + 4;
      const take = (): number => {
        if (q + 8 > end) throw new Unreadable(notZip);
        const v = u64(zip, q);
        q += 8;
        return v;
      };
      if (e.size === 0xffffffff) e.size = take();
      if (e.compressedSize === 0xffffffff) e.compressedSize = take();
      if (e.localOffset === 0xffffffff) e.localOffset = take();
      return;
    }
    p = end;
  }
}

/**
 * Every entry of the central directory, read from its own bytes (the end record's entry count may
 * lie; the directory is walked to its end). Refuses a zip that declares too many entries or more
 * inflated bytes in total than the limits allow, before anything is inflated.
 */
export function centralDirectory(zip: Buffer): ZipEntry[] {
  if (zip.length > limits.fileBytes) throw new LimitExceeded({ limit: 'fileBytes', part: '整个文件', found: mb(zip.length) });
  if (zip.length < 22) throw new Unreadable(notZip);
  const end = endRecord(zip);
  if (end.entries > limits.entries) throw new LimitExceeded({ limit: 'entries', part: '整个文件', found: `${end.entries} 个部件` });
  const cdEnd = end.cdOffset + end.cdSize;
  if (!(cdEnd <= zip.length)) throw new Unreadable(notZip);
  const entries: ZipEntry[] = [];
  let declared = 0;
  for (let p = end.cdOffset; p + 46 <= cdEnd;) {
    if (zip.readUInt32LE(p) !== CENTRAL) break;
    if (entries.length === limits.entries) throw new LimitExceeded({ limit: 'entries', part: '整个文件', found: `超过 ${limits.entries} 个部件` });
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const nameEnd = p + 46 + nameLength;
    if (nameEnd + extraLength > cdEnd) throw new Unreadable(notZip);
    const flags = zip.readUInt16LE(p + 8);
    // Bit 11: UTF-8 names. Without it the name is in the DOS code page; the part names a
    // workbook uses are ASCII either way.
    const entry: ZipEntry = {
      name: zip.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, nameEnd),
      flags,
      method: zip.readUInt16LE(p + 10),
      compressedSize: zip.readUInt32LE(p + 20),
      size: zip.readUInt32LE(p + 24),
      localOffset: zip.readUInt32LE(p + 42),
    };
    widen(zip, nameEnd, nameEnd + extraLength, entry);
    declared += entry.size;
    if (declared > limits.totalInflatedBytes) throw new LimitExceeded({ limit: 'totalInflatedBytes', part: '整个文件', found: declared === Infinity ? '超过 8 EB' : mb(declared) });
    entries.push(entry);
    p = nameEnd + extraLength + commentLength;
  }
  if (entries.length === 0) throw new Unreadable(notZip);
  return entries;
}
