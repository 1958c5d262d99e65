import { describe, expect, it } from 'vitest';
import { parseDate } from '../../src/score/dates.js';
import { comparable, comparatorOf, inTargetUnit, looksLikeYuan, quantities } from '../../src/score/quantity.js';

describe('comparators', () => {
  it.each([
    ['≥95%', 'positive'],
    ['＞90%', 'positive'],
    ['不低于90%', 'positive'],
    ['100人次以上', 'positive'],
    ['达到100%', 'positive'],
    ['≤90万元', 'reverse'],
    ['＜5%', 'reverse'],
    ['不超过20万元', 'reverse'],
    ['不高于3%', 'reverse'],
    ['控制在预算以内', 'reverse'],
    ['=100%', 'equal'],
    ['＝0', 'equal'],
    ['═0起', 'equal'],
    ['28000公里', null],
  ])('%s → %s', (text, expected) => {
    expect(comparatorOf(text)).toBe(expected);
  });
});

describe('quantities with units', () => {
  it('reads numbers with the unit written after them', () => {
    expect(quantities('28000公里')).toEqual([{ value: 28000, unit: '公里' }]);
    expect(quantities('≥95%')).toEqual([{ value: 95, unit: '%' }]);
    expect(quantities('15万元')).toEqual([{ value: 15, unit: '万元' }]);
    expect(quantities('≥100百分比')).toEqual([{ value: 100, unit: '%' }]);
  });
  it('lists every quantity of a compound target in order', () => {
    expect(quantities('区内100人次、区外40人次').map((q) => q.value)).toEqual([100, 40]);
    expect(quantities('3次3天120余人').map((q) => q.value)).toEqual([3, 3, 120]);
    expect(quantities('展板27版、电子化1套').map((q) => q.value)).toEqual([27, 1]);
  });
  it('reads full-width digits', () => {
    expect(quantities('２８０００公里')).toEqual([{ value: 28000, unit: '公里' }]);
  });
  it('finds no number in a qualitative target', () => {
    expect(quantities('进一步优化')).toEqual([]);
    expect(quantities('效果明显')).toEqual([]);
  });
  it('does not read a date as quantities', () => {
    expect(quantities('2021年12月31日前')).toEqual([]);
  });
});

describe('units', () => {
  it('a bare actual takes the target unit: 28000公里 vs 38000', () => {
    expect(inTargetUnit({ value: 38000, unit: '' }, { value: 28000, unit: '公里' })).toBe(38000);
  });
  it('converts within money and within distance', () => {
    expect(inTargetUnit({ value: 110000, unit: '元' }, { value: 15, unit: '万元' })).toBe(11);
    expect(inTargetUnit({ value: 2500, unit: '米' }, { value: 2, unit: '公里' })).toBe(2.5);
  });
  it('reads a fraction against a percentage', () => {
    expect(inTargetUnit({ value: 0.97, unit: '' }, { value: 95, unit: '%' })).toBe(97);
  });
  it('refuses money against distance', () => {
    expect(inTargetUnit({ value: 5, unit: '万元' }, { value: 5, unit: '公里' })).toBeNull();
  });
});

describe('dates', () => {
  it('reads 2021年12月31日前 as a deadline', () => {
    expect(parseDate('2021年12月31日前')).toEqual({ ordinal: 20211231, before: true });
  });
  it('reads 2021-12-31 and 2021.12 (end of month)', () => {
    expect(parseDate('2021-12-31')?.ordinal).toBe(20211231);
    expect(parseDate('2021.12')?.ordinal).toBe(20211231);
    expect(parseDate('2021.2')?.ordinal).toBe(20210228);
    expect(parseDate('2020年2月')?.ordinal).toBe(20200229);
  });
  it('reads 2021年底前 as the end of the year', () => {
    expect(parseDate('2021年底前')).toEqual({ ordinal: 20211231, before: true });
  });
  it('is null when there is no date', () => {
    expect(parseDate('28000公里')).toBeNull();
    expect(parseDate('15万元')).toBeNull();
  });
});

describe('dates written without a year take the form’s year', () => {
  it('reads months, month ends and quarters as their last day', () => {
    expect(parseDate('9月前', 2022)).toEqual({ ordinal: 20220930, before: true });
    expect(parseDate('7月底', 2022)).toEqual({ ordinal: 20220731, before: true });
    expect(parseDate('8月完成', 2022)).toEqual({ ordinal: 20220831, before: false });
    expect(parseDate('三季度末', 2022)).toEqual({ ordinal: 20220930, before: true });
    expect(parseDate('第4季度', 2022)?.ordinal).toBe(20221231);
    expect(parseDate('上半年', 2022)?.ordinal).toBe(20220630);
    expect(parseDate('年底前', 2022)).toEqual({ ordinal: 20221231, before: true });
    expect(parseDate('12月', 2022)?.ordinal).toBe(20221231);
  });
  it('reads Chinese numerals in dates', () => {
    expect(parseDate('二〇二二年十二月三十一日前')).toEqual({ ordinal: 20221231, before: true });
    expect(parseDate('二〇二一年十月十日')?.ordinal).toBe(20211010);
    expect(parseDate('十一月底', 2023)?.ordinal).toBe(20231130);
  });
  it('is no date when the year is needed and unknown, or the day does not exist', () => {
    expect(parseDate('9月前', null)).toBeNull();
    expect(parseDate('2021年2月30日')).toBeNull();
    expect(parseDate('13月底', 2022)).toBeNull();
  });
  it('does not take counts of months or plain numbers for dates', () => {
    expect(parseDate('12个月', 2022)).toBeNull();
    expect(parseDate('28000公里', 2022)).toBeNull();
  });
});

describe('fractions opposite percentages', () => {
  it('reads a bare fraction on either side as a percentage and says which', () => {
    expect(comparable({ value: 90, unit: '%' }, { value: 0.95, unit: '' })).toEqual({ actual: 90, target: 95, scaled: 'target' });
    expect(comparable({ value: 0.9, unit: '' }, { value: 95, unit: '%' })).toEqual({ actual: 90, target: 95, scaled: 'actual' });
    expect(comparable({ value: 97, unit: '%' }, { value: 95, unit: '%' })).toEqual({ actual: 97, target: 95, scaled: null });
  });
  it('takes a bare amount a thousand times its 万元 target for 元, not for a number to score', () => {
    expect(looksLikeYuan({ value: 720000, unit: '' }, { value: 80, unit: '万元' })).toBe(true);
    expect(looksLikeYuan({ value: 72, unit: '' }, { value: 80, unit: '万元' })).toBe(false);
    expect(looksLikeYuan({ value: 720000, unit: '元' }, { value: 80, unit: '万元' })).toBe(false);
  });
});
