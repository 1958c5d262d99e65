import { cellAddress } from '../model/cell-address.js';
import { visibleText } from '../model/display-text.js';
import { severityText, worstSeverity, type Severity } from '../model/finding.js';
import { annotationsByCell, cellKey, cellWidth, type Annotation, type CellStyle, type FontRole, type FormSheet, type SheetCell } from '../model/form-sheet.js';
import { FIXED_DATE } from '../zip/fixed-date.js';
import { writeZip } from '../zip/zip-file.js';
import { FOOTER_FROM_BOTTOM, SPREADSHEET_FOOTER } from './page-footer.js';
import type { RenderContext } from './registry.js';
import { validationRanges } from './validation-ranges.js';
import { template } from '../template-files.js';

/**
 * FormSheet → .xlsx, written part by part from the SpreadsheetML templates in templates/xlsx/
 * (the parts are fixed in shape for this form) and zipped with node's zlib. exceljs builds a
 * whole workbook model to write one sheet: 85 % of this output's time went there. exceljs stays
 * for the year's 汇总表 and the reading side of tests, where its model serves.
 */

/** Font names as Chinese Office and WPS know them. */
const fontNames: Record<FontRole, string> = { song: '宋体', hei: '黑体', title: '方正小标宋简体' };
const INPUT_FILL = 'FFFFF2CC';
/**
 * The fill of a cell a finding names, in the annotated copy: Excel's own 差/适中 and a light blue,
 * each light enough to read the cell's text through; the note on the cell says the severity in words.
 */
const MARK_FILL: Record<Severity, string> = { error: 'FFFFC7CE', warning: 'FFFFEB9C', info: 'FFDDEBF7' };

const parts = ['content-types', 'rels', 'app', 'core', 'workbook', 'workbook.xml.rels', 'styles', 'sheet', 'shared-strings', 'comments', 'vml-drawing', 'sheet.xml.rels'] as const;
type Part = (typeof parts)[number];
const templateName = (p: Part): string => `xlsx/${p.endsWith('.rels') ? `${p}.hbs` : p === 'vml-drawing' ? `${p}.vml.hbs` : `${p}.xml.hbs`}`;

/** Characters XML 1.0 cannot hold at all. */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/**
 * Text for XML in an element or attribute where nothing decodes spreadsheet escapes (document
 * properties, sheet names, formulas, validation prompts): the five entities, and characters XML
 * cannot hold left out. Every value the templates print goes through this or xmlText (they
 * compile with noEscape, as HTML escaping would be wrong for XML).
 */
export function xmlEscape(text: string): string {
  return entities(text.replace(NOT_XML, ''));
}

const entities = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A cell's text: as xmlEscape, but the control characters XML cannot hold are written the way
 * spreadsheets write them in cell text (`_x0007_`), so a cell's odd character survives instead of
 * making the file unreadable. A literal `_x0041_` in someone's text gets its underscore written
 * as `_x005F_`, or Excel would read it back as "A".
 */
export function xmlText(text: string): string {
  return entities(text.replace(/_(x[0-9A-Fa-f]{4}_)/g, '_x005F_$1').replace(NOT_XML, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`));
}

/**
 * Points → the column width the file stores, by the OOXML rule: characters of the Normal font's
 * widest digit (Calibri 11: 7 px at 96 dpi), the 5 px of padding already inside. Excel, WPS and
 * LibreOffice then draw the column `points` wide — the layout's widths are whole pixels, so no
 * program rounds them differently — and the grid prints exactly as the PDF's.
 */
export function excelWidth(points: number): number {
  const px = Math.round((points * 96) / 72);
  return Math.round((px / 7) * 256) / 256;
}

const inches = (points: number): number => Math.round((points / 72) * 100) / 100;

/** Excel's own format ids for the formats forms use; others are numbered from 164 as custom. */
const builtinFormats: Record<string, number> = { '0': 1, '0.00': 2, '#,##0': 3, '#,##0.00': 4, '0%': 9, '0.00%': 10 };

/** Every field of CellStyle (the compiler refuses a list that misses one): two cells share a style index only when all agree. */
const STYLE_FIELDS = ['font', 'size', 'bold', 'align', 'valign', 'wrap', 'border', 'input'] as const satisfies ReadonlyArray<keyof CellStyle>;
const everyStyleField: Exclude<keyof CellStyle, (typeof STYLE_FIELDS)[number]> extends never ? true : never = true;
void everyStyleField;

/** The distinct fonts, fills, formats and cell styles of a sheet, numbered as styles.xml lists them. */
class Styles {
  readonly fonts: Array<{ name: string; size: number; bold: boolean; charset?: number; family?: number }> = [{ name: 'Calibri', size: 11, bold: false, family: 2 }];
  readonly fills: Array<{ pattern: string; color?: string }> = [{ pattern: 'none' }, { pattern: 'gray125' }];
  readonly numFmts: Array<{ id: number; code: string }> = [];
  readonly xfs: Array<{ numFmt: number; font: number; fill: number; border: number; align: string; valign: string; wrap: boolean }> = [
    { numFmt: 0, font: 0, fill: 0, border: 0, align: '', valign: '', wrap: false },
  ];
  private readonly index = new Map<string, number>();

  private find<T>(list: T[], item: T): number {
    const key = JSON.stringify(item);
    const at = list.findIndex((x) => JSON.stringify(x) === key);
    if (at >= 0) return at;
    list.push(item);
    return list.length - 1;
  }

  private numFmt(code: string | undefined): number {
    if (!code) return 0;
    const builtin = builtinFormats[code];
    if (builtin !== undefined) return builtin;
    const known = this.numFmts.find((f) => f.code === code);
    if (known) return known.id;
    const id = 164 + this.numFmts.length;
    this.numFmts.push({ id, code });
    return id;
  }

  /** The style index of a cell (`mark`: the severity it is marked with); every cell of a merged range takes it, or Excel draws the border only on the first. */
  of(cell: SheetCell, mark?: Severity): number {
    const s = cell.style;
    // Asked for every cell: a joined key rather than JSON.stringify of the whole style.
    const key = `${STYLE_FIELDS.map((f) => String(s[f])).join('|')}|${cell.numFmt ?? ''}|${mark ?? ''}`;
    const known = this.index.get(key);
    if (known !== undefined) return known;
    const xf = {
      numFmt: this.numFmt(cell.numFmt),
      font: this.find(this.fonts, { name: fontNames[s.font], size: s.size, bold: s.bold, charset: 134 }),
      fill: mark ? this.find(this.fills, { pattern: 'solid', color: MARK_FILL[mark] }) : s.input ? this.find(this.fills, { pattern: 'solid', color: INPUT_FILL }) : 0,
      border: s.border ? 1 : 0,
      align: s.align,
      valign: s.valign === 'middle' ? 'center' : s.valign,
      wrap: s.wrap,
    };
    this.xfs.push(xf);
    const at = this.xfs.length - 1;
    this.index.set(key, at);
    return at;
  }
}

/** Spreadsheets keep a number's shortest exact decimal; JavaScript's own text of a double is that. */
const numberText = (n: number): string => String(n);

/** The sheet name as a formula reference: quoted, quotes doubled. */
const sheetRef = (name: string): string => `'${name.replace(/'/g, "''")}'`;

/** Points of a note's box: wide enough for a sentence of 9 pt text, tall enough for its lines. */
const NOTE_WIDTH = 216;
const noteHeight = (text: string): number => Math.min(400, Math.max(60, Math.ceil([...text].length / 22 + text.split('\n').length) * 12 + 12));

/**
 * The annotated copy's notes: one per marked cell, all its remarks in it (`【错误 3】SCORE_MISMATCH`,
 * the problem, what to do), shown when the cell is pointed at, as Excel's legacy notes are (a
 * comments part for the text, a VML drawing for the box). Text from cells inside a finding is shown
 * with its control characters as visible escapes, as on the pages.
 */
function notesOf(
  sheet: FormSheet,
  byCell: Map<string, Annotation[]>,
): Array<{ ref: string; head: string; body: string; shapeId: number; z: number; anchor: string; row0: number; col0: number; width: number; height: number }> {
  const lastCol = sheet.columns.length;
  return [...byCell.entries()]
    .map(([key, list]) => {
      const [row, col] = key.split(',').map(Number) as [number, number];
      return { row, col, list };
    })
    .sort((a, b) => a.row - b.row || a.col - b.col)
    .map(({ row, col, list }, i) => {
      const body = list.map((a) => `【${severityText[a.severity]} ${a.no}】${a.code}\n${a.text}${a.advice ? `\n怎么改：${a.advice}` : ''}`).join('\n\n');
      const cell = sheet.cells.find((c) => c.row === row && c.col === col);
      const right = Math.min(lastCol, col + (cell?.colSpan ?? 1));
      const width = Math.max(NOTE_WIDTH, cellWidth(sheet, right, 2));
      const height = noteHeight(body);
      // Anchor: from the column right of the cell, a little below its top; Excel shows the box there.
      return {
        ref: cellAddress(row, col),
        head: xmlText(`ziping 复核意见(${list.length} 条)：\n`),
        body: xmlText(visibleText(body)),
        shapeId: 1025 + i,
        z: i + 1,
        anchor: `${right}, 15, ${Math.max(0, row - 2)}, 10, ${Math.min(lastCol + 3, right + 3)}, 15, ${row + Math.ceil(height / 15)}, 4`,
        row0: row - 1,
        col0: col - 1,
        width,
        height,
      };
    });
}

/**
 * FormSheet → .xlsx bytes. Fixed document properties and zip dates keep two builds byte-identical.
 * With `annotated`, each printed cell an annotation sits on gets a note and its fill marked (the
 * review's annotated copy); otherwise annotations are left out (the official copy).
 */
export async function renderXlsx(sheet: FormSheet, context?: RenderContext): Promise<Buffer> {
  const byCell = context?.annotated ? annotationsByCell(sheet) : new Map<string, Annotation[]>();
  const markOf = (cell: SheetCell): Severity | undefined => {
    const remarks = byCell.get(cellKey(cell.row, cell.col));
    return remarks ? worstSeverity(remarks) : undefined;
  };
  const styles = new Styles();
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  type XlsxCell = { s: number; string?: string; number?: string; formula?: string };
  const cellsByRow = new Map<number, Map<number, XlsxCell>>();
  const put = (row: number, col: number, value: XlsxCell): void => {
    const cols = cellsByRow.get(row) ?? new Map<number, XlsxCell>();
    cols.set(col, value);
    cellsByRow.set(row, cols);
  };
  for (const cell of sheet.cells) {
    const s = styles.of(cell, markOf(cell));
    for (let r = cell.row; r < cell.row + cell.rowSpan; r++) for (let c = cell.col; c < cell.col + cell.colSpan; c++) put(r, c, { s });
    // Text, errors included (#REF!, #N/A for a value that cannot be known): a string wraps in a
    // narrow column where an error value would print as ###, and reads back as the same error.
    // No cached result: the workbook asks to be calculated on opening (calcPr fullCalcOnLoad).
    if (cell.formula !== undefined) put(cell.row, cell.col, { s, formula: xmlEscape(cell.formula) });
    else if (cell.number !== undefined) put(cell.row, cell.col, { s, number: numberText(cell.number) });
    else if (cell.text !== '') {
      let at = stringIndex.get(cell.text);
      if (at === undefined) {
        at = strings.length;
        strings.push(cell.text);
        stringIndex.set(cell.text, at);
      }
      put(cell.row, cell.col, { s, string: String(at) });
    }
  }
  const lastCol = sheet.columns.length;
  const rows = sheet.rows.map((ht, i) => {
    const r = i + 1;
    const cols = cellsByRow.get(r) ?? new Map();
    return {
      r,
      ht: numberText(ht),
      cells: [...cols.entries()].sort((a, b) => a[0] - b[0]).map(([c, v]) => ({ ref: cellAddress(r, c), ...v })),
    };
  });
  const merges = sheet.cells.filter((c) => c.rowSpan > 1 || c.colSpan > 1).map((c) => `${cellAddress(c.row, c.col)}:${cellAddress(c.row + c.rowSpan - 1, c.col + c.colSpan - 1)}`);
  const validations = validationRanges(sheet.cells).map((v) => ({
    type: v.validation.kind,
    min: v.validation.min,
    max: v.validation.max,
    sqref: v.top === v.bottom && v.left === v.right ? cellAddress(v.top, v.left) : `${cellAddress(v.top, v.left)}:${cellAddress(v.bottom, v.right)}`,
    promptTitle: xmlEscape('填写提示'),
    prompt: xmlEscape(v.validation.prompt),
    errorTitle: xmlEscape('输入有误'),
    error: xmlEscape(`${v.validation.prompt}(${v.validation.min}～${v.validation.max})`),
  }));
  // The pages break where the PDF's do: after the last row of every page but the last.
  const breaks = sheet.pages
    .slice(0, -1)
    .map((p) => p.rows.filter((r) => !r.repeated).at(-1)?.row)
    .filter((r): r is number => r !== undefined);
  const m = sheet.page.margins;
  const sheetName = xmlEscape(sheet.name);
  const view = {
    sheetName,
    title: xmlEscape(sheet.title),
    date: FIXED_DATE.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    printTitles: sheet.repeatRows ? xmlEscape(`${sheetRef(sheet.name)}!$${sheet.repeatRows.first}:$${sheet.repeatRows.last}`) : '',
    dimension: `A1:${cellAddress(sheet.rows.length, lastCol)}`,
    cols: sheet.columns.map((w, i) => ({ index: i + 1, width: numberText(excelWidth(w)) })),
    rows,
    merges,
    validations,
    breaks,
    orientation: sheet.page.orientation,
    margins: { left: inches(m.left), right: inches(m.right), top: inches(m.top), bottom: inches(m.bottom), header: 0.3, footer: FOOTER_FROM_BOTTOM / 72 },
    footer: xmlEscape(SPREADSHEET_FOOTER),
    fonts: styles.fonts.map((f) => ({ ...f, name: xmlEscape(f.name) })),
    fills: styles.fills,
    numFmts: styles.numFmts.map((f) => ({ ...f, code: xmlEscape(f.code) })),
    xfs: styles.xfs,
    strings: strings.map(xmlText),
    calculateOnLoad: sheet.cells.some((c) => c.formula !== undefined),
    notes: notesOf(sheet, byCell),
  };
  const compiled = new Map(await Promise.all(parts.map(async (p) => [p, await template<typeof view>(templateName(p))] as const)));
  const part = (name: Part): Buffer => {
    const fill = compiled.get(name);
    if (!fill) throw new Error(`xlsx template ${name} missing`);
    return Buffer.from(fill(view), 'utf8');
  };
  return writeZip(
    [
      { name: '[Content_Types].xml', data: part('content-types') },
      { name: '_rels/.rels', data: part('rels') },
      { name: 'docProps/app.xml', data: part('app') },
      { name: 'docProps/core.xml', data: part('core') },
      { name: 'xl/workbook.xml', data: part('workbook') },
      { name: 'xl/_rels/workbook.xml.rels', data: part('workbook.xml.rels') },
      { name: 'xl/styles.xml', data: part('styles') },
      { name: 'xl/sharedStrings.xml', data: part('shared-strings') },
      { name: 'xl/worksheets/sheet1.xml', data: part('sheet') },
      ...(view.notes.length > 0
        ? [
            { name: 'xl/worksheets/_rels/sheet1.xml.rels', data: part('sheet.xml.rels') },
            { name: 'xl/comments1.xml', data: part('comments') },
            { name: 'xl/drawings/vmlDrawing1.vml', data: part('vml-drawing') },
          ]
        : []),
    ],
    true,
  );
}
