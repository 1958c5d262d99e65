import { SaxesParser } from 'saxes';
import { beforeAll, describe, expect, it } from 'vitest';
import { annotate } from '../../src/layout/annotations.js';
import { cellAddress } from '../../src/model/cell-address.js';
import type { Finding } from '../../src/model/finding.js';
import { compareCells, findingParts } from '../../src/model/finding-parts.js';
import type { FormSheet } from '../../src/model/form-sheet.js';
import { finding } from '../../src/model/messages.js';
import { renderHtml } from '../../src/render/html.js';
import { renderXlsx } from '../../src/render/xlsx.js';
import { readAllEntries } from '../../src/zip/zip-file.js';
import { drawnViews, type DrawnView } from '../helpers/form-views.js';
import { seedPath, typeset } from '../helpers/pipeline.js';
import { loadWorkbook } from '../helpers/xlsx.js';

let seed: DrawnView;
beforeAll(async () => {
  const [view] = await drawnViews(seedPath);
  if (!view) throw new Error('seed gave no view');
  seed = view;
});

/** Every part of an .xlsx by name, as text. */
function parts(xlsx: Uint8Array): Map<string, string> {
  const entries = readAllEntries(Buffer.from(xlsx), 100 * 1024 * 1024);
  if (!entries) throw new Error('not a zip');
  return new Map(entries.map((e) => [e.name, e.data.toString('utf8')]));
}

/** Elements of an XML part (well-formed, or saxes throws): name and attributes, and the text of each `t`. */
function elements(xml: string): { tags: Array<{ name: string; attributes: Record<string, string> }>; texts: string[] } {
  const tags: Array<{ name: string; attributes: Record<string, string> }> = [];
  const texts: string[] = [];
  let inText = false;
  const parser = new SaxesParser({ xmlns: false });
  parser.on('opentag', (t) => {
    tags.push({ name: t.name, attributes: Object.fromEntries(Object.entries(t.attributes).map(([k, v]) => [k, String(v)])) });
    inText = t.name === 't';
  });
  parser.on('text', (t) => {
    if (inText) texts.push(t);
  });
  parser.on('closetag', () => (inText = false));
  parser.write(xml).close();
  return { tags, texts };
}

const printedSources = (sheet: FormSheet): string[] => [...new Set(sheet.cells.map((c) => c.source).filter((s): s is string => s !== null))];

describe('the annotated copy (复核批注) is the official .xlsx with a note and a fill on each finding cell', () => {
  it('has the parts Excel writes for legacy notes, tied together, and a note on exactly the finding cells', async () => {
    const annotated = seed.annotated;
    if (!annotated) throw new Error('the seed has findings: it must have an annotated copy');
    const p = parts(annotated);
    // Content types: VML by extension, the comments part by name (as Excel writes them).
    const types = elements(p.get('[Content_Types].xml') ?? '').tags;
    expect(types).toContainEqual({ name: 'Default', attributes: { Extension: 'vml', ContentType: 'application/vnd.openxmlformats-officedocument.vmlDrawing' } });
    expect(types).toContainEqual({ name: 'Override', attributes: { PartName: '/xl/comments1.xml', ContentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml' } });
    // The sheet's relationships name both parts, and the sheet's legacyDrawing points at the VML one.
    const rels = elements(p.get('xl/worksheets/_rels/sheet1.xml.rels') ?? '').tags.filter((t) => t.name === 'Relationship');
    const byType = new Map(rels.map((r) => [r.attributes.Type?.split('/').pop(), r.attributes]));
    expect(byType.get('comments')?.Target).toBe('../comments1.xml');
    expect(byType.get('vmlDrawing')?.Target).toBe('../drawings/vmlDrawing1.vml');
    const sheetTags = elements(p.get('xl/worksheets/sheet1.xml') ?? '').tags;
    const legacy = sheetTags.find((t) => t.name === 'legacyDrawing');
    expect(legacy?.attributes['r:id']).toBe(byType.get('vmlDrawing')?.Id);
    // It comes last, after the print settings, as the schema orders a worksheet's children.
    expect(sheetTags.at(-1)?.name).toBe('legacyDrawing');
    expect(p.has('xl/comments1.xml') && p.has('xl/drawings/vmlDrawing1.vml')).toBe(true);

    // The notes: one per printed cell a finding sits on, and a VML box for each at the same cell.
    const expected = [...new Set((seed.sheet.annotations ?? []).filter((a) => a.at).map((a) => cellAddress(a.at?.row ?? 0, a.at?.col ?? 0)))].sort();
    expect(expected.length).toBeGreaterThan(5);
    const comments = elements(p.get('xl/comments1.xml') ?? '');
    expect(
      comments.tags
        .filter((t) => t.name === 'comment')
        .map((t) => t.attributes.ref)
        .sort(),
    ).toEqual(expected);
    const vml = elements(p.get('xl/drawings/vmlDrawing1.vml') ?? '');
    const rows = vml.tags.filter((t) => t.name === 'x:Row').length;
    expect(rows).toBe(expected.length);
    expect(vml.tags.filter((t) => t.name === 'x:ClientData').every((t) => t.attributes.ObjectType === 'Note')).toBe(true);

    // Read back by exceljs: the notes on those cells and no others, each with its finding's words; those cells filled.
    const wb = await loadWorkbook(Buffer.from(annotated));
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('no sheet');
    const noted: string[] = [];
    ws.eachRow({ includeEmpty: true }, (row) =>
      row.eachCell({ includeEmpty: true }, (cell) => {
        if (cell.note) noted.push(cell.address);
      }),
    );
    expect(noted.sort()).toEqual(expected);
    for (const a of (seed.sheet.annotations ?? []).filter((x) => x.at)) {
      const cell = ws.getCell(cellAddress(a.at?.row ?? 0, a.at?.col ?? 0));
      const note = cell.note;
      const text = typeof note === 'string' ? note : (note?.texts ?? []).map((t) => t.text).join('');
      expect(text).toContain(`${a.no}】${a.code}`);
      expect(text).toContain(a.text);
      expect(cell.fill).toMatchObject({ type: 'pattern', pattern: 'solid' });
    }
    // The official copy has none of it.
    const official = parts(await renderXlsx({ ...seed.sheet }, { typeset }));
    expect([...official.keys()].filter((k) => /comments|vml|_rels\/sheet1/.test(k))).toEqual([]);
    expect(official.get('xl/worksheets/sheet1.xml')).not.toContain('legacyDrawing');
  });
});

describe('findings with markup or control characters', () => {
  const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&\u202E\u0007';
  const findings = (sheet: FormSheet): Finding[] => {
    const [first, second] = printedSources(sheet);
    return [
      finding('SCORE_MISMATCH', { file: 'x.xlsx', cell: first }, { name: hostile, filled: '1', computed: '2', why: hostile }),
      finding('INGEST_LABEL_MISSING', { file: 'x.xlsx', cell: second }, { label: hostile, near: hostile }),
      finding('SCORE_QUALITATIVE_MISSING', { file: 'x.xlsx' }, { name: hostile, range: '0～1' }),
    ];
  };

  it('are text in the form view: escaped, control characters shown as escapes, no script', async () => {
    const sheet = annotate(seed.sheet, findings(seed.sheet));
    const html = Buffer.from(await renderHtml(sheet, { typeset })).toString('utf8');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src&#x3D;x onerror&#x3D;alert(2)&gt;');
    expect(html).toContain('\\u202E\\u0007');
    expect(html).not.toMatch(/[\u202E\u0007]/);
    // Three remarks: two on their cells, one for the whole form.
    expect(html.match(/<li id="f\d+"/g)).toHaveLength(3);
    expect(html).toContain('整张表');
  });

  it('are text in the notes: entities in XML, control characters shown as escapes', async () => {
    const sheet = annotate(seed.sheet, findings(seed.sheet));
    const p = parts(await renderXlsx(sheet, { typeset, annotated: true }));
    const xml = p.get('xl/comments1.xml') ?? '';
    const { texts } = elements(xml);
    expect(texts.join('')).toContain('<script>alert(1)</script>');
    expect(texts.join('')).toContain('\\u202E\\u0007');
    expect(xml).not.toMatch(/[\u202E\u0007]/);
    expect(elements(xml).tags.filter((t) => t.name === 'comment')).toHaveLength(2);
  });
});

describe('a form with 500 findings', () => {
  it('still renders its view and its notes (size and time measured)', async () => {
    const sources = printedSources(seed.sheet);
    const many = Array.from({ length: 500 }, (_, i) =>
      finding('SCORE_MISMATCH', { file: 'x.xlsx', cell: sources[i % sources.length] }, { name: `指标${i + 1}`, filled: '1', computed: '2', why: '反向指标' }),
    );
    const sheet = annotate(seed.sheet, many);
    let t = performance.now();
    const html = Buffer.from(await renderHtml(sheet, { typeset }));
    const htmlMs = performance.now() - t;
    t = performance.now();
    const xlsx = await renderXlsx(sheet, { typeset, annotated: true });
    const xlsxMs = performance.now() - t;
    console.log(`500 findings: view ${(html.length / 1024).toFixed(0)} KB in ${htmlMs.toFixed(0)} ms; annotated copy ${(xlsx.length / 1024).toFixed(0)} KB in ${xlsxMs.toFixed(0)} ms`);
    const text = html.toString('utf8');
    expect(text.match(/<li id="f\d+"/g)).toHaveLength(500);
    expect(text.match(/<a class="n /g)?.length).toBeGreaterThanOrEqual(500);
    const comments = elements(parts(xlsx).get('xl/comments1.xml') ?? '').tags.filter((t) => t.name === 'comment');
    expect(comments).toHaveLength(new Set(sheet.annotations?.filter((a) => a.at).map((a) => `${a.at?.row},${a.at?.col}`)).size);
  });
});

describe('a finding in a review', () => {
  it('is its problem and what to do, without the location', () => {
    const f = finding('SCORE_MISMATCH', { file: 'a/b.xlsx', cell: 'Sheet1!H26' }, { name: '租车', filled: '0.73', computed: '1', why: '反向指标' });
    expect(findingParts(f)).toEqual({ text: '指标“租车”得分填写为 0.73，按评分规则应为 1(反向指标)。', advice: '请核对得分，或在偏差原因栏说明。' });
    // The advice is never the first sentence, even where a unit's text says 请.
    const g = finding('DEVIATION_REASON_MISSING', { file: 'a.xlsx', cell: 'Sheet1!I14' }, { name: '请假。请销假', why: '实际完成值超出指标值 30% 以上' });
    expect(findingParts(g).text.startsWith('指标“请假。')).toBe(true);
    expect(findingParts(g).advice).toBe('请补充说明。');
    expect(findingParts(finding('SCORE_PAIRS_UNMATCHED', { file: 'a.xlsx' }, { name: 'x' }))).toEqual({
      text: '指标“x”的指标值列出多个数量，但实际完成值中的数量无法一一对应，按定性指标处理。',
      advice: '',
    });
  });

  it('orders cells as a person reads them: row, then column; H9 before H10; no cell last', () => {
    const cells = ['Sheet1!H10', undefined, 'Sheet1!I9', 'Sheet1!H9', 'Sheet1!AA9', 'Sheet1!B10'];
    expect([...cells].sort(compareCells)).toEqual(['Sheet1!H9', 'Sheet1!I9', 'Sheet1!AA9', 'Sheet1!B10', 'Sheet1!H10', undefined]);
  });
});
