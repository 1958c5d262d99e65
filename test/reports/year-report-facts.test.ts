import { describe, expect, it } from 'vitest';
import type { ManifestForm } from '../../src/model/manifest.js';
import { manifestForm } from '../helpers/manifest-form.js';
import { finding } from '../../src/model/messages.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { attentionReasons, lowGrades, median, reportFacts, scoreHistogram, shortText, totalsOf } from '../../src/reports/year-report/facts.js';
import { money, rate } from '../../src/reports/year-report/format.js';

/** The report's numbers, worked out from manifest entries (no PDF): the edges of each rule. */

const grades = loadProfile('ningxia').grades;

const form = manifestForm;

describe('the year report’s facts', () => {
  it('puts a score in 5-point bins, lower bound in, 100 in the last; what lies outside is counted apart', () => {
    const { bins, outside } = scoreHistogram([0, 4.99, 5, 94.99, 95, 100, 100.5, -1, null]);
    expect(bins).toHaveLength(20);
    expect(bins[0]).toEqual({ label: '0–5', count: 2 });
    expect(bins[1]?.count).toBe(1);
    expect(bins[18]).toEqual({ label: '90–95', count: 1 });
    expect(bins[19]).toEqual({ label: '95–100', count: 2 });
    expect(outside).toEqual({ below: 1, above: 1, none: 1 });
  });

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('sums 预算数 and 执行数 and takes the rate over one set of forms, those that state both, saying how many were left out and why', () => {
    const t = totalsOf([
      form({ budget: 100, executed: 50 }),
      form({ budget: null, executed: 30 }),
      form({ budget: 200, executed: null }),
      form({ budget: 0, executed: 5 }),
      form({ budget: null, executed: null }),
    ]);
    // 100 + 0 and 50 + 5: the budget of the form without 执行数 and the 执行数 of the one without a budget are in neither.
    expect(t).toMatchObject({ budget: 100, executed: 55, rate: 0.55, leftOut: { noBudget: 1, noExecuted: 1, neither: 1 } });
    expect(totalsOf([form({ budget: null, executed: null })])).toMatchObject({ budget: null, executed: null, rate: null, leftOut: { noBudget: 0, noExecuted: 0, neither: 1 } });
    expect(totalsOf([form({ budget: 0, executed: 0 })])).toMatchObject({ budget: 0, executed: 0, rate: null });
    // The rate printed is the printed 执行数 over the printed 预算数 (both to the cent): 0.10 ÷ 0.13, not 0.1 ÷ 0.125.
    const cents = totalsOf([form({ budget: 0.125, executed: 0.1 })]);
    expect([money(cents.budget), money(cents.executed)]).toEqual(['0.13', '0.10']);
    expect(rate(cents.rate)).toBe(rate(0.1 / 0.13));
    expect(money(1234567.891)).toBe('1,234,567.89');
    expect(money(-0.004)).toBe('0.00');
    expect(money(null)).toBe('—');
  });

  it('lists a form for a low grade, an error (not a warning), or 执行率 outside 60–100 %, and says which', () => {
    const low = lowGrades(grades);
    expect(low).toEqual(['差', '中']);
    expect(attentionReasons(form({ grade: '良' }), low)).toEqual([]);
    expect(attentionReasons(form({ grade: '中', budget: 100, executed: 59.9 }), low)).toEqual(['等级为中', '执行率低于 60%']);
    expect(attentionReasons(form({ budget: 100, executed: 60 }), low)).toEqual([]);
    expect(attentionReasons(form({ budget: 100, executed: 100 }), low)).toEqual([]);
    expect(attentionReasons(form({ budget: 100, executed: 100.01 }), low)).toEqual(['执行率高于 100%']);
    const warning = finding('DEVIATION_REASON_MISSING', { file: 'in/a.xlsx', cell: 'Sheet1!I15' }, { name: '指标', why: '得分 1 低于分值 2' });
    expect(attentionReasons(form({ findings: [warning] }), low)).toEqual([]);
    const error = finding('FUNDS_BUDGET_MISSING', { file: 'in/a.xlsx', cell: 'Sheet1!D7' }, { text: '' });
    expect(attentionReasons(form({ findings: [warning, error, error] }), low)).toEqual(['2 个错误']);
  });

  it('shortens a finding to its first sentence, without the file and cell it names (the list shows the cell)', () => {
    const f = finding('FUNDS_BUDGET_MISSING', { file: 'in/很长的文件名.xlsx', cell: 'Sheet1!D7' }, { text: '' });
    expect(f.message.startsWith('文件“in/很长的文件名.xlsx”工作表“Sheet1”单元格 D7：')).toBe(true);
    expect(shortText(f)).toBe('全年预算数为“空”，无法计算执行率');
    expect([...shortText({ ...f, message: '很'.repeat(50) })]).toHaveLength(36);
  });

  it('dates the data by the newest form’s own save time, on Beijing’s calendar, and ignores ziping’s own fixed date', () => {
    const facts = (dates: Array<string | undefined>) =>
      reportFacts({
        year: '2021',
        forms: dates.map((d, i) => form({ source: `in/${i}.xlsx`, ...(d ? { sourceModified: d } : {}) })),
        archive: [],
        archiveName: '归档',
        generator: 'ziping 0.1.0',
        grades,
        combined: new Map(),
      }).newestSource;
    // 20:30 UTC on New Year's Eve is half past four on New Year's morning in Beijing.
    expect(facts(['2021-06-01T00:00:00.000Z', '2021-12-31T20:30:00.000Z', undefined])).toEqual({ date: '2022年1月1日', undated: 1 });
    expect(facts(['2000-01-01T00:00:00.000Z'])).toEqual({ date: null, undated: 1 });
  });

  it('sorts departments by name with numbers by value, and counts each one’s forms', () => {
    const f = reportFacts({
      year: '2021',
      forms: ['第10局', '第2局', '第2局', '某某厅'].map((department, i) => form({ source: `in/${i}.xlsx`, department })),
      archive: [],
      archiveName: '归档',
      generator: 'ziping 0.1.0',
      grades,
      combined: new Map(),
    });
    expect(f.departments.map((d) => [d.name, d.projects])).toEqual([
      ['第2局', 2],
      ['第10局', 1],
      ['某某厅', 1],
    ]);
    expect(f.comparison).toBeNull();
  });

  it('counts the files that could not be processed in this year’s totals only: the comparison does not claim a count for the year before', () => {
    const failed = (i: number): ManifestForm => ({ ...form({ source: `in/bad${i}.xlsx` }), status: 'error', year: null, funds: null, total: null, grade: null });
    const f = reportFacts({
      year: '2021',
      forms: [form({ source: 'in/a.xlsx' }), failed(1), failed(2)],
      archive: [form({ source: 'in/a.xlsx' }), form({ source: 'in/old.xlsx', year: 2020 }), failed(1), failed(2)],
      archiveName: '归档',
      generator: 'ziping 0.1.0',
      grades,
      combined: new Map(),
    });
    expect(f.totals.failed).toBe(2);
    expect(f.comparison?.before.projects).toBe(1);
    // Files with no year belong to no year: 2020's column has no count of them (it had the current year's before).
    expect(f.comparison?.before).not.toHaveProperty('failed');
    expect(f.comparison?.after).not.toHaveProperty('failed');
  });
});
