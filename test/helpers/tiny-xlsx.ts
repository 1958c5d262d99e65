/**
 * Tiny workbooks written part by part, for reader tests that need XML no spreadsheet program
 * writes (attributes in odd order, missing `r`, prefixed elements, odd part names).
 */
import { writeZip } from '../../src/zip/zip-file.js';

export const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';

export interface TinySheet {
  name?: string;
  state?: 'visible' | 'hidden' | 'veryHidden';
  /** the whole worksheet part */
  xml: string;
  /** where the part is stored in the zip (default `xl/worksheets/sheet<n>.xml`) */
  part?: string;
  /** the relationship's target (default the part, relative to xl/) */
  target?: string;
}

export interface TinyWorkbook {
  sheets: TinySheet[];
  /** `<si>` items of the shared strings part, or a whole part when it starts with `<?xml` or `<` + name */
  sharedStrings?: string[];
  /** the whole styles part */
  styles?: string;
  date1904?: boolean;
  /** the whole workbook part, instead of one built from `sheets` */
  workbookXml?: string;
  /** docProps/core.xml, listed in the package relationships */
  coreXml?: string;
}

/** A worksheet part with the given rows (and anything after sheetData, such as mergeCells). */
export function sheetXml(rows: string, after = ''): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><dimension ref="A1:Z99"/><sheetData>${rows}</sheetData>${after}</worksheet>`;
}

/** A styles part whose cell styles 0, 1, 2 … have these number formats (ids, custom ones from 176 on). */
export function stylesXml(formats: Array<number | string>): string {
  const custom = formats.filter((f): f is string => typeof f === 'string');
  const numFmts = custom.length
    ? `<numFmts count="${custom.length}">${custom.map((code, i) => `<numFmt numFmtId="${176 + i}" formatCode="${code.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"/>`).join('')}</numFmts>`
    : '';
  let next = 176;
  const xfs = formats.map((f) => `<xf numFmtId="${typeof f === 'number' ? f : next++}" fontId="0" fillId="0" borderId="0" xfId="0"/>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${MAIN}">${numFmts}<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="${formats.length}">${xfs}</cellXfs></styleSheet>`;
}

export function tinyXlsx(book: TinyWorkbook): Buffer {
  const parts: Array<{ name: string; data: Uint8Array }> = [];
  const add = (name: string, text: string): void => void parts.push({ name, data: Buffer.from(text, 'utf8') });
  const core = book.coreXml === undefined ? '' : `<Relationship Id="rId2" Type="${PKG}/metadata/core-properties" Target="docProps/core.xml"/>`;
  add('_rels/.rels', `<?xml version="1.0"?><Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/>${core}</Relationships>`);
  if (book.coreXml !== undefined) add('docProps/core.xml', book.coreXml);
  const rels: string[] = [];
  const sheets: string[] = [];
  book.sheets.forEach((sheet, i) => {
    const part = sheet.part ?? `xl/worksheets/sheet${i + 1}.xml`;
    const target = sheet.target ?? part.replace(/^xl\//, '');
    rels.push(`<Relationship Id="rIdS${i + 1}" Type="${REL}/worksheet" Target="${target}"/>`);
    sheets.push(`<sheet name="${sheet.name ?? `Sheet${i + 1}`}" sheetId="${i + 1}"${sheet.state ? ` state="${sheet.state}"` : ''} r:id="rIdS${i + 1}"/>`);
    add(part, sheet.xml);
  });
  if (book.sharedStrings) {
    rels.push(`<Relationship Id="rIdSS" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>`);
    add('xl/sharedStrings.xml', `<?xml version="1.0"?><sst xmlns="${MAIN}" count="${book.sharedStrings.length}">${book.sharedStrings.join('')}</sst>`);
  }
  if (book.styles) {
    rels.push(`<Relationship Id="rIdST" Type="${REL}/styles" Target="styles.xml"/>`);
    add('xl/styles.xml', book.styles);
  }
  add('xl/_rels/workbook.xml.rels', `<?xml version="1.0"?><Relationships xmlns="${PKG}">${rels.join('')}</Relationships>`);
  add(
    'xl/workbook.xml',
    book.workbookXml ?? `<?xml version="1.0"?><workbook xmlns="${MAIN}" xmlns:r="${REL}"><workbookPr${book.date1904 ? ' date1904="1"' : ''}/><sheets>${sheets.join('')}</sheets></workbook>`,
  );
  return writeZip(parts, true);
}
