import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { judgeLine } from '../../src/score/judge-line.js';
import { round2 } from '../../src/score/round.js';
import { compound, deadline, equal, positive, reverse } from '../../src/score/rules.js';
import { line } from '../helpers/lines.js';

const ningxia = loadProfile('ningxia');
const judge = (spec: Parameters<typeof line>[0]) => {
  const j = judgeLine(line(spec), ningxia);
  return { rule: j.rule, score: j.computed === null ? null : round2(j.computed), tier: j.tier?.name ?? null, over: j.overAchieved, unmatched: j.unmatchedPairs };
};

describe('positive', () => {
  it('full marks at or over the target', () => {
    expect(positive(100, 100, 5)).toBe(5);
    expect(positive(38000, 28000, 2)).toBe(2);
  });
  it('proportional below the target', () => {
    expect(round2(positive(2, 3, 1))).toBe(0.67);
    expect(round2(positive(37.24, 43.2, 10))).toBe(8.62);
  });
  it('actual 0 scores 0', () => expect(positive(0, 2, 1)).toBe(0));
  it('target 0 gives full marks for any non-negative actual', () => expect(positive(0, 0, 3)).toBe(3));
});

describe('reverse', () => {
  it('full marks within the target, also at actual 0', () => {
    expect(reverse(11, 15, 1, 'linear')).toBe(1);
    expect(reverse(0, 16.65, 1, 'linear')).toBe(1);
  });
  it('linear between target and twice the target: 7万元 → 9.9 gives 1.17', () => {
    expect(round2(reverse(9.9, 7, 2, 'linear'))).toBe(1.17);
  });
  it('zero at twice the target and beyond', () => {
    expect(reverse(14, 7, 2, 'linear')).toBe(0);
    expect(reverse(30, 7, 2, 'linear')).toBe(0);
  });
  it('ratio formula is a profile option', () => {
    expect(round2(reverse(9.9, 7, 2, 'ratio'))).toBe(1.41);
    expect(round2(reverse(30, 7, 2, 'ratio'))).toBe(0.47);
  });
  it('target 0: full only when the actual is 0 too', () => {
    expect(reverse(0, 0, 2, 'linear')).toBe(2);
    expect(reverse(1, 0, 2, 'linear')).toBe(0);
  });
});

describe('equal, deadline, compound', () => {
  it('equal with target 0', () => {
    expect(equal(0, 0, 4)).toBe(4);
    expect(equal(1, 0, 4)).toBe(0);
    expect(equal(50, 100, 4)).toBe(2);
  });
  it('deadline compares date ordinals', () => {
    expect(deadline(20211130, 20211231, 5)).toBe(5);
    expect(deadline(20220115, 20211231, 5)).toBe(0);
  });
  it('compound takes the mean of capped pairs', () => {
    expect(
      compound(
        [
          [124, 100],
          [52, 40],
        ],
        2,
      ),
    ).toBe(2);
    expect(
      round2(
        compound(
          [
            [50, 100],
            [40, 40],
          ],
          2,
        ),
      ),
    ).toBe(1.5);
  });
});

describe('choosing the rule for a line', () => {
  it('≥95% vs 97% is positive and full', () => {
    expect(judge({ target: '≥95%', actual: '97%', weight: 20, level1: '满意度指标', level2: '服务对象满意度指标' })).toMatchObject({ rule: 'positive', score: 20 });
  });
  it('≥95% vs 90% is positive and proportional', () => {
    expect(judge({ target: '≥95%', actual: '90%', weight: 20 })).toMatchObject({ rule: 'positive', score: 18.95 });
  });
  it('28000公里 vs 38000 is positive, full, and over target by 30 % or more', () => {
    expect(judge({ target: '28000公里', actual: '38000', weight: 2 })).toMatchObject({ rule: 'positive', score: 2, over: true });
  });
  it('3项 vs 2 gives 0.67', () => {
    expect(judge({ target: '3项', actual: '2', weight: 1 })).toMatchObject({ rule: 'positive', score: 0.67 });
  });
  it('a 成本指标 without comparator is reverse', () => {
    expect(judge({ level2: '成本指标', target: '15万元', actual: '11', weight: 1 })).toMatchObject({ rule: 'reverse', score: 1 });
    expect(judge({ level2: '成本指标', target: '7万元', actual: '9.9', weight: 2 })).toMatchObject({ rule: 'reverse', score: 1.17 });
    expect(judge({ level2: '成本指标', target: '16.65万元', actual: '0', weight: 1 })).toMatchObject({ rule: 'reverse', score: 1 });
  });
  it('an explicit ≤ makes any group reverse', () => {
    expect(judge({ level2: '质量指标', target: '≤5%', actual: '8%', weight: 10 })).toMatchObject({ rule: 'reverse', score: 4 });
  });
  it('an explicit ≥ on a 成本指标 wins over the group default', () => {
    expect(judge({ level2: '成本指标', target: '≥10万元', actual: '5', weight: 2 })).toMatchObject({ rule: 'positive', score: 1 });
  });
  it('deadline written as 2021年12月31日前 with the same text as actual', () => {
    expect(judge({ level2: '时效指标', target: '2021年12月31日前', actual: '2021年12月31日前', weight: 5 })).toMatchObject({ rule: 'deadline', score: 5 });
  });
  it('deadline met, by 2021-12-31 and by 2021.12', () => {
    expect(judge({ level2: '时效指标', target: '2021年12月31日前', actual: '2021-12-20', weight: 5 })).toMatchObject({ rule: 'deadline', score: 5 });
    expect(judge({ level2: '时效指标', target: '2021年12月31日前', actual: '2021.12', weight: 5 })).toMatchObject({ rule: 'deadline', score: 5 });
    expect(judge({ level2: '时效指标', target: '2021.12', actual: '2021年11月', weight: 5 })).toMatchObject({ rule: 'deadline', score: 5 });
  });
  it('deadline missed scores 0', () => {
    expect(judge({ level2: '时效指标', target: '2021年12月31日前', actual: '2022年3月', weight: 5 })).toMatchObject({ rule: 'deadline', score: 0 });
  });
  it('a dated target with 前 is a deadline in any group', () => {
    expect(judge({ level2: '数量指标', target: '2021年6月前', actual: '2021年5月', weight: 2 })).toMatchObject({ rule: 'deadline', score: 2 });
  });
  it('compound 区内100人次、区外40人次 vs 区内124人次、区外52人次', () => {
    expect(judge({ target: '区内100人次、区外40人次', actual: '区内124人次、区外52人次', weight: 2 })).toMatchObject({ rule: 'compound', score: 2 });
  });
  it('compound 3次3天120余人 vs 3次7天190余人 is capped at 分值', () => {
    expect(judge({ target: '3次3天120余人', actual: '3次7天190余人', weight: 1 })).toMatchObject({ rule: 'compound', score: 1 });
  });
  it('compound below target averages the pairs', () => {
    expect(judge({ target: '区内100人次、区外40人次', actual: '区内50人次、区外40人次', weight: 2 })).toMatchObject({ rule: 'compound', score: 1.5 });
  });
  it('compound pairs that cannot be matched make the line qualitative', () => {
    expect(judge({ target: '区内100人次、区外40人次', actual: '共150人次', weight: 2, score: 2 })).toMatchObject({ rule: 'qualitative', score: null, unmatched: true });
  });
  it('qualitative targets take the tier of the actual', () => {
    expect(judge({ level1: '效益指标', level2: '社会效益指标', target: '进一步优化', actual: '进一步优化', weight: 15, score: 15 })).toMatchObject({ rule: 'qualitative', tier: '达成' });
    expect(judge({ target: '效果明显', actual: '达成预期指标', weight: 10 })).toMatchObject({ rule: 'qualitative', tier: '达成' });
    expect(judge({ target: '效果明显', actual: '部分达成', weight: 10 })).toMatchObject({ rule: 'qualitative', tier: '部分达成' });
    expect(judge({ target: '效果明显', actual: '未达成预期', weight: 10 })).toMatchObject({ rule: 'qualitative', tier: '未达成' });
  });
  it('a numeric target with a wordy actual is qualitative', () => {
    expect(judge({ target: '≥50个', actual: '达成预期指标', weight: 8 })).toMatchObject({ rule: 'qualitative', tier: '达成' });
  });
  it('lines named 无, placeholders and empty rows are not applicable', () => {
    expect(judge({ name: '无', weight: '' })).toMatchObject({ rule: 'notApplicable' });
    expect(judge({ name: '指标2:', weight: '' })).toMatchObject({ rule: 'notApplicable' });
    expect(judge({ name: '……' })).toMatchObject({ rule: 'notApplicable' });
    expect(judge({ name: '指标1', target: '/', actual: '/' })).toMatchObject({ rule: 'notApplicable' });
    expect(judge({ name: '', target: '', actual: '' })).toMatchObject({ rule: 'notApplicable' });
  });
  it('a name starting with a placeholder prefix is still a real line', () => {
    expect(judge({ name: '指标1工程资金金额', target: '43.2', actual: '37.24', weight: 10 })).toMatchObject({ rule: 'positive', score: 8.62 });
  });
  it('target 0 with an equal sign', () => {
    expect(judge({ target: '=0起', actual: '0', weight: 5 })).toMatchObject({ rule: 'equal', score: 5 });
    expect(judge({ target: '=0起', actual: '1', weight: 5 })).toMatchObject({ rule: 'equal', score: 0 });
  });
  it('over-achievement in a reverse line with actual over twice the target', () => {
    expect(judge({ level2: '成本指标', target: '10万元', actual: '25万元', weight: 3 })).toMatchObject({ rule: 'reverse', score: 0 });
  });
});
