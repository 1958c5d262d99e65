import { inflateRawSync } from 'node:zlib';

/**
 * Limits checked before exceljs sees a file. exceljs inflates every part into memory and builds an
 * object per cell, so a zip bomb or a sheet with a million rows would take the whole run down.
 * Forms are small: these limits are far above any real one.
 */
export const limits = {
  fileBytes: 50 * 1024 * 1024,
  entries: 2_000,
  /** declared total of all parts once inflated */
  totalInflatedBytes: 300 * 1024 * 1024,
  /** one sheet or shared-strings part once inflated (checked by actually inflating, not by trusting the header) */
  partInflatedBytes: 100 * 1024 * 1024,
  rowsPerSheet: 20_000,
  /** Excel itself allows 32,767 characters in a cell */
  cellChars: 32_767,
} as const;

export type LimitName = keyof typeof limits;

export interface LimitHit {
  limit: LimitName;
  part: string;
  found: string;
}

interface Entry {
  name: string;
  method: number;
  compressed: number;
  inflated: number;
  localOffset: number;
}

function centralDirectory(zip: Buffer): Entry[] | null {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > zip.length) return null;
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== 0x02014b50) return null;
    const nameLength = zip.readUInt16LE(p + 28);
    entries.push({
      name: zip.toString('utf8', p + 46, p + 46 + nameLength),
      method: zip.readUInt16LE(p + 10),
      compressed: zip.readUInt32LE(p + 20),
      inflated: zip.readUInt32LE(p + 24),
      localOffset: zip.readUInt32LE(p + 42),
    });
    p += 46 + nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return entries;
}

/** Inflates one part, stopping at the limit instead of trusting the size the header declares. */
function inflatePart(zip: Buffer, e: Entry): Buffer | 'too-big' | null {
  const h = e.localOffset;
  if (h + 30 > zip.length || zip.readUInt32LE(h) !== 0x04034b50) return null;
  const start = h + 30 + zip.readUInt16LE(h + 26) + zip.readUInt16LE(h + 28);
  const data = zip.subarray(start, start + e.compressed);
  if (e.method === 0) return data.length > limits.partInflatedBytes ? 'too-big' : data;
  try {
    return inflateRawSync(data, { maxOutputLength: limits.partInflatedBytes });
  } catch (error) {
    if (error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return 'too-big';
    return null;
  }
}

function longestText(xml: string): number {
  let longest = 0;
  const re = /<t(?:\s[^>]*)?>([^<]*)<\/t>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) longest = Math.max(longest, m[1]?.length ?? 0);
  return longest;
}

function countRows(xml: string): number {
  let n = 0;
  for (let i = xml.indexOf('<row'); i >= 0; i = xml.indexOf('<row', i + 4)) n++;
  return n;
}

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** The first limit a workbook exceeds, or null. Unreadable zips are left to the reader to report. */
export function checkLimits(zip: Buffer): LimitHit | null {
  if (zip.length > limits.fileBytes) return { limit: 'fileBytes', part: '整个文件', found: mb(zip.length) };
  const entries = centralDirectory(zip);
  if (!entries) return null;
  if (entries.length > limits.entries) return { limit: 'entries', part: '整个文件', found: `${entries.length} 个部件` };
  const declared = entries.reduce((sum, e) => sum + e.inflated, 0);
  if (declared > limits.totalInflatedBytes) return { limit: 'totalInflatedBytes', part: '整个文件', found: mb(declared) };
  let inflatedTotal = 0;
  for (const e of entries) {
    // Every part is inflated with a cap: the sizes a zip declares can lie, and exceljs reads
    // more than the sheets (themes, styles, drawings).
    if (e.inflated > limits.partInflatedBytes) return { limit: 'partInflatedBytes', part: e.name, found: mb(e.inflated) };
    const data = inflatePart(zip, e);
    if (data === 'too-big') return { limit: 'partInflatedBytes', part: e.name, found: `超过 ${mb(limits.partInflatedBytes)}` };
    if (data === null) continue;
    inflatedTotal += data.length;
    if (inflatedTotal > limits.totalInflatedBytes) return { limit: 'totalInflatedBytes', part: e.name, found: `超过 ${mb(limits.totalInflatedBytes)}` };
    const isSheet = /^xl\/worksheets\/[^/]+\.xml$/.test(e.name);
    if (!isSheet && e.name !== 'xl/sharedStrings.xml') continue;
    const xml = data.toString('utf8');
    if (isSheet) {
      const rows = countRows(xml);
      if (rows > limits.rowsPerSheet) return { limit: 'rowsPerSheet', part: e.name, found: `${rows} 行` };
    }
    const longest = longestText(xml);
    if (longest > limits.cellChars) return { limit: 'cellChars', part: e.name, found: `${longest} 个字符` };
  }
  return null;
}
