import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestBuffer, ingestFile } from '../../src/ingest/ingest-file.js';
import type { FormInput, FundRow } from '../../src/model/form-input.js';
import { formNumberText } from '../../src/model/numbers.js';
import type { Profile } from '../../src/model/profile.js';
import { formWorkbook } from '../../src/pipeline/process.js';
import { loadProfile, profileForLayout } from '../../src/profiles/load-profile.js';
import { root, typeset, withoutCells } from '../helpers/pipeline.js';

/** The form printed as filled, as an .xlsx buffer. */
const built = async (input: FormInput, p: Profile): Promise<Buffer> => Buffer.from(await formWorkbook(input, p, typeset));

const expectations = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'expectations.json'), 'utf8')) as {
  fixtures: Array<{ file: string; forms: Array<{ sheet: string; profile: string }> }>;
};

/**
 * The printed form always has its four funds rows and the official labels of rows the source did
 * not have; a source without them reads back with them. Everything the unit wrote must survive.
 */
/** Numbers as the printed form shows them (at most two decimals; the value behind is kept). */
function printedNumbers(input: FormInput): FormInput {
  return JSON.parse(JSON.stringify(input), (_key, v: unknown) => {
    if (v && typeof v === 'object' && 'value' in v && 'text' in v && typeof (v as { value: unknown }).value === 'number') {
      const n = v as { text: string };
      return { ...n, text: formNumberText(n.text) };
    }
    return v;
  }) as FormInput;
}

function officialRows(input: FormInput): FormInput {
  const fill = (row: FundRow, label: string, dashes: boolean): FundRow => {
    if (row.label.cell !== null) return row;
    const dash = { value: null, text: '—', cell: null };
    return { ...row, label: { text: label, cell: null }, ...(dashes ? { weight: dash, score: dash } : {}) };
  };
  const f = printedNumbers(input).funds;
  // A 部门整体 form prints 上年结转资金 only when the unit's form had it.
  const department = input.variant === 'department';
  return {
    ...printedNumbers(input),
    funds: {
      total: fill(f.total, department ? '年度资金总额' : '年度资金总额:', false),
      currentYear: fill(f.currentYear, department ? '其中：财政拨款' : '其中:当年财政拨款', true),
      carryOver: department ? f.carryOver : fill(f.carryOver, '上年结转资金', true),
      other: fill(f.other, '其他资金', true),
    },
  };
}

const cases = expectations.fixtures.flatMap((fx) => fx.forms.map((form, index) => ({ file: fx.file, profile: form.profile, index })));

describe('round trip: build a form, ingest the built .xlsx, get the same FormInput', () => {
  it.each(cases)('$file form $index ($profile)', async ({ file, profile, index }) => {
    const p = loadProfile(profile);
    const original = (await ingestFile(join(root, file))).forms[index];
    if (!original) throw new Error('fixture not read');
    const again = await ingestBuffer(await built(original.input, p), 'built.xlsx');
    expect(again.forms).toHaveLength(1);
    const copy = again.forms[0]?.input;
    if (!copy) throw new Error('built copy not read');
    expect({ ...(withoutCells(officialRows(copy)) as object) }).toEqual(withoutCells(officialRows(original.input)));
    // Building the copy once more changes nothing at all.
    const twice = await ingestBuffer(await built(copy, p), 'built.xlsx');
    expect(twice.forms[0]?.input).toEqual(copy);
  });

  const okCases = (JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'cases', 'cases.json'), 'utf8')) as { cases: Array<{ file: string; status?: string }> }).cases.filter(
    (c) => c.status === 'ok' && !c.file.includes('/lo/'),
  );
  it.each(okCases)('case $file, in its own layout and profile', async ({ file }) => {
    const original = (await ingestFile(join(root, 'test', 'fixtures', file))).forms[0];
    if (!original) throw new Error('case not read');
    const p = profileForLayout(original.input.variant);
    const again = await ingestBuffer(await built(original.input, p), 'built.xlsx');
    const copy = again.forms[0]?.input;
    if (!copy) throw new Error('built copy not read');
    expect(copy.variant).toBe(original.input.variant);
    // What could not be known prints as it was (an error text) or blank; it reads back unknown.
    expect(withoutCells(officialRows(copy))).toEqual(withoutCells(officialRows(original.input)));
  });

  it('keeps the cells too when the source is the canonical layout (the seed)', async () => {
    const p = loadProfile('ningxia');
    const original = (await ingestFile(join(root, 'data/2021-机构编制管理事务经费.xlsx'))).forms[0];
    if (!original) throw new Error('seed not read');
    const again = await ingestBuffer(await built(original.input, p), 'x.xlsx');
    const addresses = (i: FormInput): unknown => JSON.parse(JSON.stringify(i, (k, v) => (k === 'cell' && typeof v === 'string' ? v.split('!')[1] : k === 'source' ? undefined : v)));
    expect(addresses(again.forms[0]?.input as FormInput)).toEqual(addresses(original.input));
  });
});
