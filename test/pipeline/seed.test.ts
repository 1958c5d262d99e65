import { describe, expect, it } from 'vitest';
import { scoreFile, seedPath } from '../helpers/pipeline.js';

describe('the seed form (宁夏 2021 机构编制管理事务经费), ningxia profile', async () => {
  const [form, ...rest] = await scoreFile(seedPath);
  if (!form) throw new Error('seed not read');

  it('is one form, read without reading problems', () => {
    expect(rest).toHaveLength(0);
    expect(form.ingestFindings).toEqual([]);
  });

  it('reads the header block with cells', () => {
    expect(form.input.projectName).toEqual({ text: '机构编制管理事务经费', cell: 'Sheet1!C4' });
    expect(form.input.department.text).toBe('中国共产党宁夏回族自治区委员会机构编制委员会办公室');
    expect(form.input.implementingUnit.text).toBe('中国共产党宁夏回族自治区委员会机构编制委员会办公室本级');
    expect(form.input.year.value).toBe(2021);
    expect(form.input.variant).toBe('ningxia10');
  });

  it('computes the execution rate from 全年预算数, not 年初预算数', () => {
    expect(form.funds.executionRate).toBeCloseTo(88.27 / 128, 10);
    expect(form.funds.executionRate).toBeCloseTo(0.6896, 4);
    expect(form.funds.score).toBeCloseTo(6.896, 3);
  });

  it('reads 26 indicator lines in the printed order, 一级/二级 from merged cells', () => {
    expect(form.input.indicators).toHaveLength(26);
    const groups = form.input.indicators.map((l) => `${l.level1.text}/${l.level2.text}`);
    expect(groups.filter((g) => g === '产出指标/数量指标')).toHaveLength(10);
    expect(groups.filter((g) => g === '产出指标/成本指标')).toHaveLength(8);
    expect(groups.filter((g) => g === '效益指标/可持续影响指标')).toHaveLength(1);
    expect(form.input.indicators[0]?.level1.cell).toBe('Sheet1!B14');
  });

  it('totals: weight 100, filled 94.64, computed 97.84, grade 优', () => {
    expect(form.totalWeight).toBe(100);
    expect(form.filledTotal).toBe(94.64);
    expect(form.computedTotal).toBe(97.84);
    expect(form.total).toBe(94.64);
    expect(form.grade).toBe('优');
  });

  it('finds exactly the 7 cost lines the rules score differently, each at its 得分 cell', () => {
    const mismatches = form.findings.filter((f) => f.code === 'SCORE_MISMATCH');
    expect(mismatches.map((f) => f.cell)).toEqual(['Sheet1!H26', 'Sheet1!H27', 'Sheet1!H28', 'Sheet1!H29', 'Sheet1!H31', 'Sheet1!H32', 'Sheet1!H33']);
    const car = mismatches.find((f) => f.cell === 'Sheet1!H32');
    expect(car?.message).toContain('改革调研等租车');
    expect(car?.message).toContain('1.17');
    expect(car?.message).toContain('单元格 H32');
    expect(car?.message).toContain('2021-机构编制管理事务经费.xlsx');
  });

  it('computes the scores of the worked example', () => {
    const byName = (name: string, level2: string) => form.indicators[form.input.indicators.findIndex((l) => l.name.text.startsWith(name) && l.level2.text === level2)];
    expect(byName('委托第三方审计服务', '数量指标')).toMatchObject({ rule: 'positive', computedScore: 0.67, filledScore: 0.67 });
    expect(byName('改革调研等租车', '成本指标')).toMatchObject({ rule: 'reverse', computedScore: 1.17, filledScore: 2, score: 2 });
    expect(byName('改革调研等租车', '数量指标')).toMatchObject({ rule: 'positive', computedScore: 2 });
    expect(byName('深化事业单位改革', '数量指标')).toMatchObject({ rule: 'compound', computedScore: 1 });
    expect(byName('调研报告完成时间', '时效指标')).toMatchObject({ rule: 'deadline', computedScore: 5 });
    expect(byName('营商环境', '社会效益指标')).toMatchObject({ rule: 'qualitative', computedScore: null, tier: '达成' });
    expect(byName('基层部门及群众', '服务对象满意度指标')).toMatchObject({ rule: 'positive', computedScore: 20 });
    expect(byName('无', '经济效益指标')).toMatchObject({ rule: 'notApplicable', weight: null });
  });

  it('has no error findings and no weight or total problems', () => {
    expect(form.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('score modes on the seed', async () => {
  it('computed prints the rules’ scores: total 97.84', async () => {
    const [form] = await scoreFile(seedPath, 'ningxia', 'computed');
    expect(form?.total).toBe(97.84);
    expect(form?.funds.shownScore).toBeCloseTo(6.9, 2);
  });
  it('filled prints what the unit wrote', async () => {
    const [form] = await scoreFile(seedPath, 'ningxia', 'filled');
    expect(form?.total).toBe(94.64);
    expect(form?.indicators.every((l) => l.score === l.filledScore || l.rule === 'notApplicable')).toBe(true);
  });
  it('national profile counts the execution rate in the total and flags the weights', async () => {
    const [form] = await scoreFile(seedPath, 'national', 'auto');
    expect(form?.totalWeight).toBe(110);
    expect(form?.findings.some((f) => f.code === 'WEIGHTS_NOT_TOTAL' && f.severity === 'error')).toBe(true);
  });
});
