import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ingestBuffer } from '../../src/ingest/ingest-file.js';
import { formWorkbook } from '../../src/pipeline/process.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { xmlEscape, xmlText } from '../../src/render/xlsx.js';
import { typeset } from '../helpers/pipeline.js';
import { syntheticForm } from '../helpers/synthetic.js';

/** Text a unit may type or paste that XML or SpreadsheetML would otherwise take for markup. */
const awkward = ['A&B <一> "引号" \'单\'', '页\u0007铃\u000b竖', '字面 _x0041_ 与 _x005F_', '全角１２３　空格'];

describe('the xlsx writer keeps every character a unit wrote', () => {
  it('escapes XML entities, control characters and literal _xHHHH_ the way Excel reads them', () => {
    expect(xmlText('a<b>&"c"')).toBe('a&lt;b&gt;&amp;&quot;c&quot;');
    expect(xmlText('x\u0007y')).toBe('x_x0007_y');
    expect(xmlText('_x0041_')).toBe('_x005F_x0041_');
    expect(xmlText('普通文字')).toBe('普通文字');
    // Where nothing decodes the spreadsheet escape (document properties, sheet names): left out.
    expect(xmlEscape('标题\u0007<&>"')).toBe('标题&lt;&amp;&gt;&quot;');
    expect(xmlEscape('_x0041_')).toBe('_x0041_');
  });

  it('reads back the same text with ziping and with exceljs', async () => {
    const profile = loadProfile('ningxia');
    const form = syntheticForm(4, awkward[0]);
    form.indicators.forEach((line, i) => (line.name.text = awkward[i % awkward.length] ?? ''));
    const bytes = Buffer.from(await formWorkbook(form, profile, typeset));

    const again = (await ingestBuffer(bytes, 'awkward.xlsx')).forms[0]?.input;
    expect(again?.projectName.text).toBe(awkward[0]);
    expect(again?.indicators.map((l) => l.name.text)).toEqual(awkward);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const texts: string[] = [];
    wb.worksheets[0]?.eachRow((row) => row.eachCell((c) => texts.push(String(c.value))));
    for (const t of awkward.slice(0, 1)) expect(texts).toContain(t);
  });

  it('keeps document properties readable: a control character in the project name is left out of the title', async () => {
    const bytes = Buffer.from(await formWorkbook(syntheticForm(4, '项目\u0007名称_x0041_'), loadProfile('ningxia'), typeset));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(wb.title).toBe('项目名称_x0041_');
    expect((await ingestBuffer(bytes, 'p.xlsx')).forms[0]?.input.projectName.text).toBe('项目\u0007名称_x0041_');
  });
});
