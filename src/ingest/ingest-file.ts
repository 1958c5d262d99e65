import { readFile } from 'node:fs/promises';
import type { Finding } from '../model/finding.js';
import { finding } from '../model/messages.js';
import { limits, type LimitName } from './xlsx/limits.js';
import { readWorkbook, type SheetState } from './xlsx/read-workbook.js';
import { readForm, regionsOf, strayTables, type ReadForm } from './read-form.js';

/** Everything read from one file: its forms, and problems that belong to the file as a whole. */
export interface IngestResult {
  file: string;
  /** `error` when the file could not be read as a workbook at all */
  status: 'ok' | 'error';
  forms: ReadForm[];
  findings: Finding[];
  /** every worksheet read, in tab order, with whether Excel shows its tab; forms are read from hidden ones too */
  sheets?: Array<{ name: string; state: SheetState }>;
  /** when the workbook was last saved, as it records itself (docProps/core.xml), ISO; null when it does not say */
  modified?: string | null;
}

const cfbSignature = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

const limitText: Record<LimitName, string> = {
  fileBytes: '文件大小',
  entries: '压缩包内部件数',
  totalInflatedBytes: '解压后总大小',
  partInflatedBytes: '单个部件解压后大小',
  sheets: '工作表个数',
  rowsPerSheet: '工作表行数',
  cellsPerSheet: '工作表单元格数',
  cellsPerWorkbook: '工作簿中有内容及合并的单元格总数',
  mergeRanges: '合并区域个数',
  mergedCells: '合并单元格覆盖的单元格数',
  sharedStrings: '共享字符串个数',
  sharedStringChars: '共享字符串总字数',
  cellChars: '单元格文字长度',
  sharedFormulaChars: '共享公式展开后的总长度',
  xmlTokenChars: '单段 XML 文字或标记长度',
};

function limitValue(name: LimitName): string {
  const v = limits[name];
  switch (name) {
    case 'rowsPerSheet':
      return `${v} 行`;
    case 'cellsPerSheet':
    case 'cellsPerWorkbook':
    case 'mergedCells':
      return `${v} 个单元格`;
    case 'cellChars':
    case 'sharedStringChars':
    case 'sharedFormulaChars':
    case 'xmlTokenChars':
      return `${v} 个字符`;
    case 'entries':
    case 'sheets':
    case 'mergeRanges':
    case 'sharedStrings':
      return `${v} 个`;
    default:
      return `${(v / 1024 / 1024).toFixed(0)} MB`;
  }
}

function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return `读取时出错(${text.slice(0, 120)})`;
}

/** Reads a workbook held in memory; `file` is the name used in messages. */
export async function ingestBuffer(buffer: Buffer, file: string): Promise<IngestResult> {
  const result: IngestResult = { file, status: 'ok', forms: [], findings: [] };
  if (buffer.length === 0) {
    result.status = 'error';
    result.findings.push(finding('INGEST_FILE_EMPTY', { file }));
    return result;
  }
  if (buffer.subarray(0, 4).equals(cfbSignature)) {
    // Office puts encrypted workbooks (and old .xls) in an OLE compound file, not a zip.
    result.status = 'error';
    const encrypted = buffer.includes(Buffer.from('EncryptedPackage', 'utf16le'));
    result.findings.push(encrypted ? finding('INGEST_FILE_ENCRYPTED', { file }) : finding('INGEST_FILE_OLD_FORMAT', { file }));
    return result;
  }
  const read = buffer.subarray(0, 2).toString('latin1') === 'PK' ? readWorkbook(buffer) : { ok: false as const, unreadable: '文件不是有效的 xlsx(zip)格式或已损坏' };
  if (!read.ok) {
    result.status = 'error';
    if ('limit' in read) {
      const hit = read.limit;
      result.findings.push(finding('INGEST_LIMIT_EXCEEDED', { file }, { what: `${limitText[hit.limit]}(${hit.part})`, found: hit.found, limit: limitValue(hit.limit) }));
    } else {
      result.findings.push(finding('INGEST_FILE_UNREADABLE', { file }, { reason: read.unreadable }));
    }
    return result;
  }
  result.sheets = read.sheets.map((s) => ({ name: s.name, state: s.state }));
  result.modified = read.modified;
  const grids = read.sheets.map((s) => s.grid);
  // The evaluator (a formula parser and Excel's function library) is loaded only for a workbook
  // that needs it: most files carry every formula's saved result.
  if (grids.some((g) => [...g.cells.values()].some((c) => c.kind === 'formulaNoResult'))) (await import('./formulas.js')).evaluateFormulas(grids);
  for (const { grid } of read.sheets) {
    const regions = regionsOf(grid);
    for (const region of regions) result.forms.push(readForm(grid, region, file));
    result.forms.push(...strayTables(grid, regions, file));
  }
  if (result.forms.length === 0) {
    result.status = 'error';
    result.findings.push(finding('INGEST_NO_FORM', { file }, { sheets: read.sheets.map((s) => s.name).join('、') || '无' }));
  }
  return result;
}

export async function ingestFile(path: string, displayName = path): Promise<IngestResult> {
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch (error) {
    return { file: displayName, status: 'error', forms: [], findings: [finding('INGEST_FILE_UNREADABLE', { file: displayName }, { reason: reasonOf(error) })] };
  }
  return ingestBuffer(buffer, displayName);
}
