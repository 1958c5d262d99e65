import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/ingest-file.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { round2 } from '../../src/score/round.js';
import { scoreForm } from '../../src/score/score-form.js';
import { root, withoutCells } from '../helpers/pipeline.js';

/** Hand-checked facts per fixture (test/fixtures/expectations.json, arithmetic written beside each number). */
interface Line {
  name: string;
  cell: string;
  filled: number;
  computed: number | null;
  rule?: string;
}
interface FormExpectation {
  sheet: string;
  profile: string;
  projectNameCell: string;
  projectName: string;
  department: string;
  implementingUnit: string;
  year: number | null;
  fullYearBudget: number | null;
  executed: number | null;
  executionRate: { value: number | null };
  budget: { weight: number; filledScore: number | null; filledScoreCell: string; computedScore: number | null; countsInTotal: boolean };
  indicatorLines: { count: number; countWithPlaceholders: number };
  totalWeight: { value: number };
  filledTotal: { value: number };
  printedTotal: { weight: number | null; score: number | null; scoreCell: string };
  computedTotal: { value: number };
  grade: { value: string };
  differingLines: Line[];
  spotChecks?: Line[];
}
interface FixtureExpectation {
  file: string;
  formsFound: number;
  forms: FormExpectation[];
}

const expectations = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'expectations.json'), 'utf8')) as { fixtures: FixtureExpectation[] };
const quote = (sheet: string): string => (/^[A-Za-z0-9_\u4e00-\u9fff]+$/.test(sheet) ? sheet : `'${sheet}'`);

describe.each(expectations.fixtures)('$file', (fx) => {
  it(`finds ${fx.formsFound} form(s)`, async () => {
    const result = await ingestFile(join(root, fx.file));
    expect(result.forms).toHaveLength(fx.formsFound);
    expect(result.status).toBe(fx.formsFound === 0 ? 'error' : 'ok');
    if (fx.formsFound === 0) expect(result.findings.map((f) => f.code)).toEqual(['INGEST_NO_FORM']);
  });

  describe.each(fx.forms)('$sheet!$projectNameCell ($profile)', (e) => {
    const load = async () => {
      const result = await ingestFile(join(root, fx.file));
      const form = result.forms.find((f) => f.input.source.sheet === e.sheet && f.input.projectName.cell === `${quote(e.sheet)}!${e.projectNameCell}`);
      if (!form) throw new Error(`no form at ${e.sheet}!${e.projectNameCell}`);
      return { form, scored: scoreForm(form.input, loadProfile(e.profile), 'auto'), computed: scoreForm(form.input, loadProfile(e.profile), 'computed') };
    };

    it('reads the header block and amounts', async () => {
      const { form } = await load();
      const i = form.input;
      expect(i.projectName.text).toBe(e.projectName);
      expect(i.department.text).toBe(e.department);
      expect(i.implementingUnit.text).toBe(e.implementingUnit);
      expect(i.year.value).toBe(e.year);
      expect(i.funds.total.fullYearBudget.value).toBe(e.fullYearBudget);
      expect(i.funds.total.executed.value).toBe(e.executed);
      expect(form.findings.filter((f) => f.severity === 'error')).toEqual([]);
    });

    it('scores as the hand-checked numbers say', async () => {
      const { scored, computed } = await load();
      const rate = scored.funds.executionRate;
      if (e.executionRate.value === null) expect(rate).toBeNull();
      else expect(rate).toBeCloseTo(e.executionRate.value, 4);
      expect(scored.funds.score === null ? null : round2(scored.funds.score)).toBe(e.budget.computedScore);
      expect(scored.indicators.filter((l) => l.rule !== 'notApplicable')).toHaveLength(e.indicatorLines.count);
      expect(scored.indicators).toHaveLength(e.indicatorLines.countWithPlaceholders);
      expect(scored.totalWeight).toBe(e.totalWeight.value);
      expect(scored.filledTotal).toBe(e.printedTotal.score);
      expect(scored.computedTotal).toBe(e.computedTotal.value);
      expect(computed.grade).toBe(e.grade.value);
    });

    it('flags exactly the differing lines, at their 得分 cells', async () => {
      const { scored } = await load();
      const cells = scored.findings.filter((f) => f.code === 'SCORE_MISMATCH').map((f) => f.cell);
      expect(cells).toEqual(e.differingLines.map((l) => `${quote(e.sheet)}!${l.cell}`));
      for (const l of [...e.differingLines, ...(e.spotChecks ?? [])]) {
        const index = scored.input.indicators.findIndex((x) => x.score.cell === `${quote(e.sheet)}!${l.cell}`);
        expect(index, l.cell).toBeGreaterThanOrEqual(0);
        expect(scored.input.indicators[index]?.name.text).toBe(l.name);
        expect(scored.indicators[index]?.filledScore).toBe(l.filled);
        expect(scored.indicators[index]?.computedScore).toBe(l.computed);
        if (l.rule) expect(scored.indicators[index]?.rule).toBe(l.rule === 'none' ? 'qualitative' : l.rule);
      }
    });

    it('reports budget and total disagreements', async () => {
      const { scored } = await load();
      const codes = (code: string) => scored.findings.filter((f) => f.code === code).map((f) => f.cell);
      const b = e.budget;
      const budgetDiffers = b.countsInTotal && b.filledScore !== null && b.computedScore !== null && Math.abs(b.filledScore - b.computedScore) > 0.01;
      expect(codes('FUNDS_SCORE_MISMATCH')).toEqual(budgetDiffers ? [`${quote(e.sheet)}!${b.filledScoreCell}`] : []);
      expect(codes('FUNDS_BUDGET_MISSING')).toHaveLength(e.fullYearBudget ? 0 : 1);
      // A rate taken from the 其中:财政拨款 row because the total row has no budget is said, at that row.
      expect(codes('FUNDS_FALLBACK_SUBROW')).toHaveLength(!e.fullYearBudget && e.executionRate.value !== null ? 1 : 0);
      const totalDiffers = e.printedTotal.score !== null && Math.abs(e.printedTotal.score - e.filledTotal.value) > 0.01;
      expect(codes('TOTAL_MISMATCH')).toEqual(totalDiffers ? [`${quote(e.sheet)}!${e.printedTotal.scoreCell}`] : []);
      expect(codes('WEIGHTS_NOT_TOTAL')).toHaveLength(e.totalWeight.value === 100 ? 0 : 1);
    });
  });
});

describe('files written by LibreOffice read like the exceljs-written ones', () => {
  it.each([
    ['data/2021-机构编制管理事务经费.xlsx', 'test/fixtures/xlsx/lo/2021-机构编制管理事务经费.xlsx'],
    ['test/fixtures/xlsx/seed-messy.xlsx', 'test/fixtures/xlsx/lo/seed-messy.xlsx'],
  ])('%s', async (original, resaved) => {
    const a = await ingestFile(join(root, original));
    const b = await ingestFile(join(root, resaved));
    expect(b.forms).toHaveLength(a.forms.length);
    expect(b.forms.map((f) => f.findings)).toEqual(a.forms.map((f) => f.findings.map((x) => ({ ...x, message: x.message.replace(original, resaved) }))));
    expect(b.forms.map((f) => withoutCells(f.input))).toEqual(a.forms.map((f) => withoutCells(f.input)));
    expect(b.forms.map((f) => f.input.indicators.map((l) => l.score.cell))).toEqual(a.forms.map((f) => f.input.indicators.map((l) => l.score.cell)));
  });
});

describe('the messy seed reads exactly like the clean one', () => {
  it('rich text, formulas, numbers as text, full-width, blank-continued groups: same FormInput', async () => {
    const clean = await ingestFile(join(root, 'data/2021-机构编制管理事务经费.xlsx'));
    const messy = await ingestFile(join(root, 'test/fixtures/xlsx/seed-messy.xlsx'));
    const a = clean.forms[0]?.input;
    const b = messy.forms[0]?.input;
    if (!a || !b) throw new Error('not read');
    expect(b.funds.total.fullYearBudget.value).toBe(128);
    expect(b.funds.total.executed.value).toBe(88.27);
    expect(b.indicators.map((l) => [l.level1.text, l.level2.text, l.name.text, l.weight.value, l.score.value])).toEqual(
      a.indicators.map((l) => [l.level1.text, l.level2.text, l.name.text, l.weight.value, l.score.value]),
    );
    expect(b.year.value).toBe(2021);
    expect(b.total.score.value).toBe(94.64);
  });
});
