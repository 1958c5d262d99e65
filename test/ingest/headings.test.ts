import { describe, expect, it } from 'vitest';
import { isHeading } from '../../src/ingest/labels.js';
import { labelKey } from '../../src/model/text.js';

/** Reason columns are headed many ways on forms of the family; each is the reason column, and nothing else in the header is. */
describe('the reason column’s heading', () => {
  it.each([
    '偏差原因分析及改进措施',
    '偏差原因分析及\n改进措施',
    '未完成原因分析',
    '未完成原因及拟采取的改进措施',
    '未完成原因和改进措施',
    '偏差大或目标未完成原因分析',
    '偏差原因及改进措施',
    '存在问题及改进措施',
    '偏差原因分析及改进措施（未完成的须说明）',
  ])('%s', (heading) => {
    expect(isHeading(labelKey(heading), 'deviation')).toBe(true);
  });

  it.each(['一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分', '指标解释'])('not %s', (heading) => {
    expect(isHeading(labelKey(heading), 'deviation')).toBe(false);
  });
});
