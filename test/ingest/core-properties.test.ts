import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { w3cdtfInstant } from '../../src/ingest/xlsx/core-properties.js';
import { readWorkbook } from '../../src/ingest/xlsx/read-workbook.js';
import { processBuffer } from '../../src/pipeline/process.js';
import { typesetterFor } from '../../src/typeset/typesetter.js';
import { root } from '../helpers/pipeline.js';
import { sheetXml, tinyXlsx } from '../helpers/tiny-xlsx.js';

const core = (modified: string): string =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>张三</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">2020-01-01T00:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${modified}</dcterms:modified></cp:coreProperties>`;
const book = (coreXml?: string) => tinyXlsx({ sheets: [{ xml: sheetXml('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>') }], ...(coreXml === undefined ? {} : { coreXml }) });

describe('when a workbook was last saved (docProps/core.xml)', () => {
  it('reads dcterms:modified, not dcterms:created, as an instant in UTC', () => {
    expect(readWorkbook(book(core('2021-12-03T16:05:09Z')))).toMatchObject({ ok: true, modified: '2021-12-03T16:05:09.000Z' });
    expect(readWorkbook(book(core('2021-12-03T16:05:09+08:00')))).toMatchObject({ ok: true, modified: '2021-12-03T08:05:09.000Z' });
  });

  it('reads a time without a zone as UTC, whatever the machine’s zone, and a date alone as its midnight', () => {
    expect(w3cdtfInstant('2021-12-03T16:05')).toBe('2021-12-03T16:05:00.000Z');
    expect(w3cdtfInstant('2021-12-03')).toBe('2021-12-03T00:00:00.000Z');
    expect(w3cdtfInstant(' 2021-12-03T16:05:09.123Z ')).toBe('2021-12-03T16:05:09.123Z');
  });

  it('says nothing rather than guess: no core part, no date, a date that does not exist, markup that does not parse', () => {
    expect(readWorkbook(book())).toMatchObject({ ok: true, modified: null });
    expect(readWorkbook(book(core('')))).toMatchObject({ ok: true, modified: null });
    expect(readWorkbook(book(core('2021-02-30T00:00:00Z')))).toMatchObject({ ok: true, modified: null });
    expect(readWorkbook(book(core('昨天')))).toMatchObject({ ok: true, modified: null });
    const broken = readWorkbook(book('<cp:coreProperties><dcterms:modified>2021-'));
    expect(broken).toMatchObject({ ok: true, modified: null });
    if (broken.ok) expect(broken.sheets).toHaveLength(1);
  });

  it('goes into the manifest entry of every form of the file (the seed was saved 2022-03-01 08:00 UTC)', async () => {
    const bytes = readFileSync(join(root, 'data', '2021-机构编制管理事务经费.xlsx'));
    const outcome = await processBuffer(bytes, 'seed.xlsx', { profile: { kind: 'auto' }, mode: 'auto', typeset: typesetterFor(), render: false });
    expect(outcome.modified).toBe('2022-03-01T08:00:00.000Z');
  });
});
