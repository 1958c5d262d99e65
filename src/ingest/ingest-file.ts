import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Finding } from '../model/finding.js';
import { finding } from '../model/messages.js';
import { gridFromWorksheet } from './grid.js';
import { dropOverlappingMerges } from './repair-merges.js';
import { writeZip } from '../zip/zip-file.js';
import { checkLimits, limits, type LimitName } from './zip-guard.js';
import { readForm, regionsOf, type ReadForm } from './read-form.js';

/** Everything read from one file: its forms, and problems that belong to the file as a whole. */
export interface IngestResult {
  file: string;
  /** `error` when the file could not be read as a workbook at all */
  status: 'ok' | 'error';
  forms: ReadForm[];
  findings: Finding[];
}

const cfbSignature = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

const limitText: Record<LimitName, string> = {
  fileBytes: '文件大小',
  entries: '压缩包内部件数',
  totalInflatedBytes: '解压后总大小',
  partInflatedBytes: '单个部件解压后大小',
  rowsPerSheet: '工作表行数',
  mergedCells: '合并单元格覆盖的单元格数',
  cellsPerSheet: '工作表单元格数',
  cellChars: '单元格文字长度',
};

function limitValue(name: LimitName): string {
  const v = limits[name];
  if (name === 'rowsPerSheet') return `${v} 行`;
  if (name === 'mergedCells' || name === 'cellsPerSheet') return `${v} 个单元格`;
  if (name === 'cellChars') return `${v} 个字符`;
  if (name === 'entries') return `${v} 个`;
  return `${(v / 1024 / 1024).toFixed(0)} MB`;
}

function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/end of central directory|zip|signature|invalid|corrupt/i.test(text)) return '文件不是有效的 xlsx(zip)格式或已损坏';
  return `读取时出错(${text.slice(0, 120)})`;
}

/** Parts of a sheet the reader never looks at; exceljs skips building them. */
const loadOptions = {
  ignoreNodes: [
    'dataValidations',
    'pageSetup',
    'printOptions',
    'headerFooter',
    'sheetViews',
    'sheetPr',
    'pageMargins',
    'conditionalFormatting',
    'drawing',
    'picture',
    'autoFilter',
    'extLst',
    'rowBreaks',
    'tableParts',
    'sheetProtection',
    'dimension',
    'sheetFormatPr',
    'cols',
  ],
} as unknown as Parameters<ExcelJS.Xlsx['load']>[1];

async function loadInto(workbook: ExcelJS.Workbook, buffer: Buffer): Promise<void> {
  try {
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer, loadOptions);
  } catch (error) {
    if (!(error instanceof Error && /already merged/.test(error.message))) throw error;
    const repaired = await dropOverlappingMerges(buffer);
    workbook.eachSheet((ws) => workbook.removeWorksheet(ws.id));
    await workbook.xlsx.load(repaired as unknown as ArrayBuffer, loadOptions);
  }
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
  const { hit, parts } = checkLimits(buffer);
  if (hit) {
    result.status = 'error';
    result.findings.push(finding('INGEST_LIMIT_EXCEEDED', { file }, { what: `${limitText[hit.limit]}(${hit.part})`, found: hit.found, limit: limitValue(hit.limit) }));
    return result;
  }
  const workbook = new ExcelJS.Workbook();
  try {
    if (buffer.subarray(0, 2).toString('latin1') !== 'PK') throw new Error('signature: not a zip file');
    // exceljs gets the parts already inflated (stored), so it only has to slice them.
    await loadInto(workbook, parts ? writeZip(parts, false) : buffer);
  } catch (error) {
    result.status = 'error';
    result.findings.push(finding('INGEST_FILE_UNREADABLE', { file }, { reason: reasonOf(error) }));
    return result;
  }
  for (const worksheet of workbook.worksheets) {
    const grid = gridFromWorksheet(worksheet);
    for (const region of regionsOf(grid)) result.forms.push(readForm(grid, region, file));
  }
  if (result.forms.length === 0) {
    result.status = 'error';
    result.findings.push(finding('INGEST_NO_FORM', { file }, { sheets: workbook.worksheets.map((w) => w.name).join('、') || '无' }));
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
