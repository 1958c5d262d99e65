/**
 * The streaming reader on hand-written parts: XML as other programs write it (attribute order and
 * quoting, missing `r`, prefixed elements, odd part names) and values exceljs got wrong.
 */
import { describe, expect, it } from 'vitest';
import type { Grid, GridCell } from '../../src/ingest/grid.js';
import { parseAddress } from '../../src/ingest/xlsx/cell-address.js';
import { readWorkbook } from '../../src/ingest/xlsx/read-workbook.js';
import { shiftFormula } from '../../src/ingest/xlsx/shift-formula.js';
import { MAIN, sheetXml, stylesXml, tinyXlsx, type TinyWorkbook } from '../helpers/tiny-xlsx.js';

function sheets(book: TinyWorkbook) {
  const read = readWorkbook(tinyXlsx(book));
  if (!read.ok) throw new Error(`not read: ${JSON.stringify(read)}`);
  return read.sheets;
}

function gridOf(book: TinyWorkbook): Grid {
  const grid = sheets(book)[0]?.grid;
  if (!grid) throw new Error('no sheet');
  return grid;
}

function at(grid: Grid, address: string): GridCell | undefined {
  const rc = parseAddress(address);
  return rc ? grid.cells.get(`${rc[0]}:${rc[1]}`) : undefined;
}

const texts = (grid: Grid): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const c of grid.cells.values()) out[`${c.row}:${c.col}`] = c.text;
  return out;
};

describe('XML as any writer may format it', () => {
  it('reads attributes in any order, single-quoted, separated by tabs and newlines', () => {
    const grid = gridOf({
      sharedStrings: ['<si><t>项目名称</t></si>'],
      sheets: [{ xml: sheetXml(`<row r='2'\t><c\ts='0'\n\tt="s"\r\n r='B2'><v>0</v></c><c t='n' r="C2" ><v >7</v></c></row>`) }],
    });
    expect(at(grid, 'B2')).toMatchObject({ kind: 'text', text: '项目名称', key: '项目名称' });
    expect(at(grid, 'C2')).toMatchObject({ kind: 'number', number: 7, text: '7' });
  });

  it('reads a mergeCell whose ref is not its first attribute', () => {
    const grid = gridOf({
      sheets: [{ xml: sheetXml('<row r="1"><c r="A1" t="inlineStr"><is><t>标题</t></is></c></row>', `<mergeCells count="1"><mergeCell xmlns:q="urn:q" q:note="x"\tref='A1:C2'/></mergeCells>`) }],
    });
    expect(grid.spans.get('1:1')).toEqual({ top: 1, left: 1, bottom: 2, right: 3 });
    expect(grid.masters.get('2:3')).toBe('1:1');
    expect([grid.rowCount, grid.colCount]).toEqual([2, 3]);
  });

  it('places cells and rows without `r` after the ones before them', () => {
    const grid = gridOf({
      sheets: [{ xml: sheetXml('<row r="3"><c><v>1</v></c><c r="C3"><v>3</v></c><c><v>4</v></c></row><row><c><v>5</v></c></row><row r="9"><c t="inlineStr"><is><t>x</t></is></c></row>') }],
    });
    expect(texts(grid)).toEqual({ '3:1': '1', '3:3': '3', '3:4': '4', '4:1': '5', '9:1': 'x' });
  });

  it('tolerates namespace prefixes on every element (x:c, x:si …)', () => {
    const prefixed = `<?xml version="1.0"?><x:worksheet xmlns:x="${MAIN}"><x:sheetData><x:row x:r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1"><x:f>A1</x:f><x:v>2</x:v></x:c></x:row></x:sheetData><x:mergeCells><x:mergeCell ref="C1:D1"/></x:mergeCells></x:worksheet>`;
    const read = readWorkbook(
      tinyXlsx({
        sheets: [{ xml: prefixed }],
        sharedStrings: ['<x:si xmlns:x="urn:x"><x:r><x:t>甲</x:t></x:r><x:r><x:t>乙</x:t></x:r></x:si>'],
        workbookXml: `<?xml version="1.0"?><s:workbook xmlns:s="${MAIN}" xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><s:sheets><s:sheet name="前缀" sheetId="1" rel:id="rIdS1"/></s:sheets></s:workbook>`,
      }),
    );
    if (!read.ok) throw new Error(JSON.stringify(read));
    const grid = read.sheets[0]?.grid as Grid;
    expect(read.sheets.map((s) => s.name)).toEqual(['前缀']);
    expect(at(grid, 'A1')?.text).toBe('甲乙');
    expect(at(grid, 'B1')).toMatchObject({ kind: 'number', formula: 'A1', text: '2' });
    expect(grid.masters.get('1:4')).toBe('1:3');
  });
});

describe('values', () => {
  it('uses a cached 0 and a cached FALSE (exceljs dropped both: the cell read as a formula without result)', () => {
    const grid = gridOf({ sheets: [{ xml: sheetXml('<row r="1"><c r="A1"><f>B1-B1</f><v>0</v></c><c r="B1" t="b"><f>1=2</f><v>0</v></c></row>') }] });
    expect(at(grid, 'A1')).toMatchObject({ kind: 'number', number: 0, text: '0', formula: 'B1-B1' });
    expect(at(grid, 'B1')).toMatchObject({ kind: 'text', text: 'FALSE', formula: '1=2' });
  });

  it('uses a cached empty string: a blank cell that keeps its formula', () => {
    const grid = gridOf({ sheets: [{ xml: sheetXml('<row r="1"><c r="A1" t="str"><f>IF(B1,"x","")</f><v></v></c><c r="B1" t="str"><f>""</f><v/></c></row>') }] });
    expect(at(grid, 'A1')).toMatchObject({ kind: 'blank', text: '', formula: 'IF(B1,"x","")' });
    expect(at(grid, 'B1')).toMatchObject({ kind: 'blank', formula: '""' });
  });

  it('gives a formula without any cached value as formulaNoResult, with its text', () => {
    const grid = gridOf({ sheets: [{ xml: sheetXml('<row r="1"><c r="A1"><f>SUM(B1:B9)</f></c><c r="B1" s="0"><f>A1*2</f><v></v></c></row>') }] });
    expect(at(grid, 'A1')).toMatchObject({ kind: 'formulaNoResult', formula: 'SUM(B1:B9)' });
    expect(at(grid, 'B1')).toMatchObject({ kind: 'formulaNoResult', formula: 'A1*2' });
  });

  it('reads booleans as TRUE and FALSE', () => {
    const grid = gridOf({ sheets: [{ xml: sheetXml('<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c></row>') }] });
    expect([at(grid, 'A1')?.text, at(grid, 'B1')?.text]).toEqual(['TRUE', 'FALSE']);
    expect(at(grid, 'A1')?.kind).toBe('text');
  });

  it('reads error values, cached or typed', () => {
    const errors = ['#REF!', '#DIV/0!', '#VALUE!', '#N/A'];
    const row =
      errors.map((e, i) => `<c r="${String.fromCharCode(65 + i)}1" t="e"><f>X${i}</f><v>${e}</v></c>`).join('') + '<c r="E1" t="e"><v>#N/A</v></c><c r="F1" t="inlineStr"><is><t>#REF!</t></is></c>';
    const grid = gridOf({ sheets: [{ xml: sheetXml(`<row r="1">${row}</row>`) }] });
    for (const [i, e] of errors.entries()) expect(at(grid, `${String.fromCharCode(65 + i)}1`)).toMatchObject({ kind: 'error', text: e, key: e });
    expect(at(grid, 'E1')).toMatchObject({ kind: 'error', text: '#N/A' });
    expect(at(grid, 'F1')).toMatchObject({ kind: 'error', text: '#REF!' });
  });

  it('joins rich-text runs and leaves out phonetic runs (<rPh>)', () => {
    const grid = gridOf({
      sharedStrings: [
        '<si><r><rPr><b/></rPr><t>项目</t></r><r><t xml:space="preserve">名称 </t></r><rPh sb="0" eb="2"><t>xiangmu</t></rPh><phoneticPr fontId="1"/></si>',
        '<si><t>直接</t><rPh sb="0" eb="1"><t>zhi</t></rPh></si>',
      ],
      sheets: [
        { xml: sheetXml('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><r><t>内</t></r><r><t>联</t></r><rPh><t>nei</t></rPh></is></c></row>') },
      ],
    });
    expect([at(grid, 'A1')?.text, at(grid, 'B1')?.text, at(grid, 'C1')?.text]).toEqual(['项目名称', '直接', '内联']);
  });

  it('shows a date serial under a date format as yyyy-mm-dd, Chinese formats and built-in ids included', () => {
    const styles = stylesXml([0, 14, 'yyyy"年"m"月"d"日"', '[$-804]yyyy/m/d;@', 31, 57, '0.00"天"', 'General']);
    const row = [0, 1, 2, 3, 4, 5, 6, 7].map((s, i) => `<c r="${String.fromCharCode(65 + i)}1" s="${s}"><v>44197</v></c>`).join('');
    const grid = gridOf({
      styles,
      sheets: [{ xml: sheetXml(`<row r="1">${row}</row><row r="2"><c r="A2" s="1"><f>TODAY()</f><v>44561.75</v></c><c r="B2" t="d"><v>2021-03-04T00:00:00Z</v></c></row>`) }],
    });
    expect(['A1', 'B1', 'C1', 'D1', 'E1', 'F1', 'G1', 'H1'].map((a) => at(grid, a)?.text)).toEqual([
      '44197',
      '2021-01-01',
      '2021-01-01',
      '2021-01-01',
      '2021-01-01',
      '2021-01-01',
      '44197.00',
      '44197',
    ]);
    expect(at(grid, 'B1')).toMatchObject({ kind: 'text', key: '2021-01-01', numFmt: 'mm-dd-yy' });
    expect(at(grid, 'A2')).toMatchObject({ kind: 'text', text: '2021-12-31', formula: 'TODAY()' });
    expect(at(grid, 'B2')).toMatchObject({ kind: 'text', text: '2021-03-04' });
  });

  it('counts serials from 1904 when the workbook says so', () => {
    const grid = gridOf({ date1904: true, styles: stylesXml([0, 14]), sheets: [{ xml: sheetXml('<row r="1"><c r="A1" s="1"><v>42735</v></c></row>') }] });
    expect(at(grid, 'A1')?.text).toBe('2021-01-01');
    expect(readWorkbook(tinyXlsx({ date1904: true, sheets: [{ xml: sheetXml('') }] }))).toMatchObject({ ok: true, date1904: true });
  });

  it('applies number formats to numbers as before (percent, decimals, grouping)', () => {
    const grid = gridOf({
      styles: stylesXml([0, 10, 4, '0.0%']),
      sheets: [{ xml: sheetXml('<row r="1"><c r="A1" s="1"><v>0.6896</v></c><c r="B1" s="2"><v>1234.5</v></c><c r="C1" s="3"><v>0.5</v></c><c r="D1"><v>0.1</v></c></row>') }],
    });
    expect(['A1', 'B1', 'C1', 'D1'].map((a) => at(grid, a)?.text)).toEqual(['68.96%', '1,234.50', '50.0%', '0.1']);
    expect(at(grid, 'A1')?.numFmt).toBe('0.00%');
  });
});

describe('shared formulas', () => {
  it('gives every cell of a shared formula its own text, moved from the first cell', () => {
    const rows = [2, 3, 4, 5].map(
      (r) =>
        `<row r="${r}"><c r="B${r}"><v>${r}</v></c><c r="C${r}"><v>10</v></c><c r="D${r}">${r === 2 ? '<f t="shared" ref="D2:D5" si="0">B2*C2</f>' : '<f t="shared" si="0"/>'}<v>${r * 10}</v></c></row>`,
    );
    const grid = gridOf({ sheets: [{ xml: sheetXml(rows.join('')) }] });
    expect([2, 3, 4, 5].map((r) => at(grid, `D${r}`)?.formula)).toEqual(['B2*C2', 'B3*C3', 'B4*C4', 'B5*C5']);
    expect(at(grid, 'D5')).toMatchObject({ kind: 'number', number: 50 });
  });

  it('moves relative references only, and leaves strings, names and other sheets’ names alone', () => {
    expect(shiftFormula('$B$2*C2+B$1+$A3', 3, 1)).toBe('$B$2*D5+C$1+$A6');
    expect(shiftFormula("SUM(A2:B2)+Sheet2!A1+'其他 表'!$C1", 3, 0)).toBe("SUM(A5:B5)+Sheet2!A4+'其他 表'!$C4");
    expect(shiftFormula('IF(A1="A1","B2",LOG10(A1))&"x""A1"', 1, 1)).toBe('IF(B2="A1","B2",LOG10(B2))&"x""A1"');
    expect(shiftFormula('SUM(A:A)+SUM(2:3)+TRUE+Table1[[#This Row],[A1]]', 1, 1)).toBe('SUM(B:B)+SUM(3:4)+TRUE+Table1[[#This Row],[A1]]');
    expect(shiftFormula('A1+1.5E+3', -1, 0)).toBe('#REF!+1.5E+3');
    expect(shiftFormula('XFD1', 0, 1)).toBe('#REF!');
  });

  it('keeps the text of an array formula on its first cell', () => {
    const grid = gridOf({ sheets: [{ xml: sheetXml('<row r="1"><c r="A1"><f t="array" ref="A1:A2">B1:B2*2</f><v>2</v></c></row><row r="2"><c r="A2"><v>4</v></c></row>') }] });
    expect(at(grid, 'A1')).toMatchObject({ formula: 'B1:B2*2', number: 2 });
    expect(at(grid, 'A2')).toMatchObject({ formula: undefined, number: 4 });
  });
});

describe('parts and sheets', () => {
  it('reads a sheet stored as `sheet1.xml_` and one reached through an absolute target', () => {
    const list = sheets({
      sheets: [
        { name: '甲', xml: sheetXml('<row r="1"><c r="A1"><v>1</v></c></row>'), part: 'xl/worksheets/sheet1.xml_' },
        { name: '乙', xml: sheetXml('<row r="1"><c r="A1"><v>2</v></c></row>'), part: 'xl/data/other.xml', target: '/xl/data/other.xml' },
        { name: '丙', xml: sheetXml('<row r="1"><c r="A1"><v>3</v></c></row>'), part: 'xl/worksheets/sheet3.xml', target: './worksheets/../worksheets/sheet3.xml' },
      ],
    });
    expect(list.map((s) => [s.name, at(s.grid, 'A1')?.text])).toEqual([
      ['甲', '1'],
      ['乙', '2'],
      ['丙', '3'],
    ]);
  });

  it('carries each sheet’s visibility, in tab order', () => {
    const list = sheets({
      sheets: [
        { name: 'a', xml: sheetXml('') },
        { name: 'b', state: 'hidden', xml: sheetXml('') },
        { name: 'c', state: 'veryHidden', xml: sheetXml('') },
      ],
    });
    expect(list.map((s) => [s.name, s.state])).toEqual([
      ['a', 'visible'],
      ['b', 'hidden'],
      ['c', 'veryHidden'],
    ]);
  });

  it('keeps the first of overlapping merged ranges and drops the later ones', () => {
    const grid = gridOf({
      sheets: [
        {
          xml: sheetXml(
            '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>',
            '<mergeCells><mergeCell ref="A1:B2"/><mergeCell ref="B2:C3"/><mergeCell ref="D1:D3"/><mergeCell ref="C1:D1"/></mergeCells>',
          ),
        },
      ],
    });
    expect([...grid.spans.keys()]).toEqual(['1:1', '1:4']);
    expect(at(grid, 'B1')).toBeUndefined();
    expect(grid.masters.get('1:2')).toBe('1:1');
    expect(grid.masters.has('3:3')).toBe(false);
  });

  it('says a file is unreadable when it is not a zip, has no workbook, or holds broken XML', () => {
    expect(readWorkbook(Buffer.from('项目名称,全年预算数\n'))).toMatchObject({ ok: false, unreadable: expect.stringContaining('zip') });
    const broken = tinyXlsx({ sheets: [{ xml: '<worksheet><sheetData><row></sheetData>' }] });
    expect(readWorkbook(broken)).toMatchObject({ ok: false, unreadable: expect.stringContaining('不是有效的 XML') });
  });
});

describe('limits that only hand-written parts reach', () => {
  it('refuses a shared formula written out into more characters than the limit allows', () => {
    const long = `A1&amp;"${'x'.repeat(8_000)}"`;
    const rows = Array.from(
      { length: 2_000 },
      (_, i) => `<row r="${i + 1}"><c r="B${i + 1}">${i === 0 ? `<f t="shared" ref="B1:B2000" si="0">${long}</f>` : '<f t="shared" si="0"/>'}<v>1</v></c></row>`,
    );
    const read = readWorkbook(tinyXlsx({ sheets: [{ xml: sheetXml(rows.join('')) }] }));
    expect(read).toMatchObject({ ok: false, limit: { limit: 'sharedFormulaChars' } });
  });

  it('stops at a run of markup longer than a megabyte instead of holding it', () => {
    const read = readWorkbook(tinyXlsx({ sheets: [{ xml: sheetXml(`<row r="1"><c r="A1" foo="${'x'.repeat(2 * 1024 * 1024)}"><v>1</v></c></row>`) }] }));
    expect(read).toMatchObject({ ok: false, limit: { limit: 'xmlTokenChars' } });
  });

  it('stops at a cell value longer than Excel allows, and at too many shared strings', () => {
    const value = readWorkbook(tinyXlsx({ sheets: [{ xml: sheetXml(`<row r="1"><c r="A1" t="str"><v>${'数'.repeat(40_000)}</v></c></row>`) }] }));
    expect(value).toMatchObject({ ok: false, limit: { limit: 'cellChars' } });
    const strings = readWorkbook(tinyXlsx({ sharedStrings: Array.from({ length: 200_001 }, () => '<si><t>a</t></si>'), sheets: [{ xml: sheetXml('') }] }));
    expect(strings).toMatchObject({ ok: false, limit: { limit: 'sharedStrings', found: '200001 个以上' } });
  });

  it('refuses more merged ranges, or a larger merged area, than the limits', () => {
    const many = Array.from({ length: 100_001 }, (_, i) => `<mergeCell ref="${String.fromCharCode(65 + Math.floor(i / 10_000))}${(i % 10_000) + 1}"/>`).join('');
    expect(readWorkbook(tinyXlsx({ sheets: [{ xml: sheetXml('', `<mergeCells>${many}</mergeCells>`) }] }))).toMatchObject({ ok: false, limit: { limit: 'mergeRanges' } });
    expect(readWorkbook(tinyXlsx({ sheets: [{ xml: sheetXml('', '<mergeCells><mergeCell ref="A1:XFD19000"/></mergeCells>') }] }))).toMatchObject({ ok: false, limit: { limit: 'mergedCells' } });
  });
});

describe('cell addresses', () => {
  it('reads A1 addresses up to XFD1048576 and nothing past them', () => {
    expect(['A1', 'b12', 'XFD1048576', 'XFE1', 'A0', 'A1048577', 'AAAA1', 'A', '1', 'A1B', '$A$1'].map((a) => parseAddress(a))).toEqual([
      [1, 1],
      [12, 2],
      [1_048_576, 16_384],
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});
