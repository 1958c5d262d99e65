import { readEntry, zipEntries } from '../zip/zip-file.js';

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
  /** cells covered by merged ranges in one sheet */
  mergedCells: 200_000,
  /** cells written in one sheet (a form has a few hundred) */
  cellsPerSheet: 200_000,
  /** Excel itself allows 32,767 characters in a cell */
  cellChars: 32_767,
} as const;

export type LimitName = keyof typeof limits;

export interface LimitHit {
  limit: LimitName;
  part: string;
  found: string;
}

/**
 * The longest text one cell can show: a shared or inline string is the sum of its runs (rich text
 * is many <r><t>…</t></r> that exceljs joins), a plain value is its <v>.
 */
function longestText(xml: string): number {
  let longest = 0;
  const textLength = (fragment: string): number => {
    let n = 0;
    const re = /<t(?:\s[^>]*)?>([^<]*)<\/t>/g;
    for (let m = re.exec(fragment); m; m = re.exec(fragment)) n += m[1]?.length ?? 0;
    return n;
  };
  for (const tag of ['si', 'is'] as const) {
    const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g');
    for (let m = re.exec(xml); m; m = re.exec(xml)) longest = Math.max(longest, textLength(m[1] ?? ''));
  }
  const v = /<v>([^<]*)<\/v>/g;
  for (let m = v.exec(xml); m; m = v.exec(xml)) longest = Math.max(longest, m[1]?.length ?? 0);
  return longest;
}

/** Cells a sheet's merged ranges cover (exceljs creates every one of them), and the last row they reach. */
function mergedCells(xml: string): { total: number; lastRow: number } {
  let total = 0;
  let lastRow = 0;
  const re = /<mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"/g;
  const col = (s: string): number => [...s].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const rows = Math.abs(Number(m[4] ?? m[2]) - Number(m[2])) + 1;
    const cols = Math.abs(col(m[3] ?? m[1] ?? 'A') - col(m[1] ?? 'A')) + 1;
    total += rows * cols;
    lastRow = Math.max(lastRow, Number(m[2]), Number(m[4] ?? m[2]));
  }
  return { total, lastRow };
}

function countTag(xml: string, open: string): number {
  let n = 0;
  for (let i = xml.indexOf(open); i >= 0; i = xml.indexOf(open, i + open.length)) n++;
  return n;
}

const countRows = (xml: string): number => countTag(xml, '<row');
/** `<c ` and `<c>`: exceljs builds an object for each. */
const countCells = (xml: string): number => countTag(xml, '<c ') + countTag(xml, '<c>');

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

export interface GuardResult {
  hit: LimitHit | null;
  /** every part, inflated (null when the zip could not be read: the reader will say so) */
  parts: Array<{ name: string; data: Buffer }> | null;
}

/**
 * The first limit a workbook exceeds, if any, and its parts inflated: they are checked by actually
 * inflating them with a cap (a zip's declared sizes can lie), and handed on so nothing is
 * inflated twice.
 */
export function checkLimits(zip: Buffer): GuardResult {
  const none = (hit: LimitHit): GuardResult => ({ hit, parts: null });
  if (zip.length > limits.fileBytes) return none({ limit: 'fileBytes', part: '整个文件', found: mb(zip.length) });
  const entries = zipEntries(zip);
  if (!entries) return { hit: null, parts: null };
  if (entries.length > limits.entries) return none({ limit: 'entries', part: '整个文件', found: `${entries.length} 个部件` });
  const declared = entries.reduce((sum, e) => sum + e.size, 0);
  if (declared > limits.totalInflatedBytes) return none({ limit: 'totalInflatedBytes', part: '整个文件', found: mb(declared) });
  let inflatedTotal = 0;
  const parts: Array<{ name: string; data: Buffer }> = [];
  let readable = true;
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    if (e.size > limits.partInflatedBytes) return none({ limit: 'partInflatedBytes', part: e.name, found: mb(e.size) });
    const data = readEntry(zip, e, limits.partInflatedBytes);
    if (data === 'too-big') return none({ limit: 'partInflatedBytes', part: e.name, found: `超过 ${mb(limits.partInflatedBytes)}` });
    if (data === null) {
      readable = false;
      continue;
    }
    inflatedTotal += data.length;
    if (inflatedTotal > limits.totalInflatedBytes) return none({ limit: 'totalInflatedBytes', part: e.name, found: `超过 ${mb(limits.totalInflatedBytes)}` });
    parts.push({ name: e.name, data });
    // Checked in every XML part, whatever its name: exceljs also reads `/xl/worksheets/…`.
    if (!/\.xml$/i.test(e.name)) continue;
    const xml = data.toString('utf8');
    const rows = countRows(xml);
    if (rows > limits.rowsPerSheet) return none({ limit: 'rowsPerSheet', part: e.name, found: `${rows} 行` });
    const cells = countCells(xml);
    if (cells > limits.cellsPerSheet) return none({ limit: 'cellsPerSheet', part: e.name, found: `${cells} 个单元格` });
    const merged = mergedCells(xml);
    if (merged.lastRow > limits.rowsPerSheet) return none({ limit: 'rowsPerSheet', part: e.name, found: `合并单元格延伸到第 ${merged.lastRow} 行` });
    if (merged.total > limits.mergedCells) return none({ limit: 'mergedCells', part: e.name, found: `${merged.total} 个单元格` });
    const longest = longestText(xml);
    if (longest > limits.cellChars) return none({ limit: 'cellChars', part: e.name, found: `${longest} 个字符` });
  }
  return { hit: null, parts: readable ? parts : null };
}
