import type { FormInput, IndicatorLine, LayoutVariant } from '../../src/model/form-input.js';
import { blankFormInput } from '../../src/model/blank-form.js';
import { loadProfile } from '../../src/profiles/load-profile.js';

const groups: Array<[string, string]> = [
  ['产出指标', '数量指标'],
  ['产出指标', '质量指标'],
  ['产出指标', '时效指标'],
  ['产出指标', '成本指标'],
  ['效益指标', '社会效益指标'],
  ['效益指标', '可持续影响指标'],
  ['满意度指标', '服务对象满意度指标'],
];

const longName = '包括调研、督导检查、培训和宣传等多项内容的综合性工作任务及其后续跟踪评估与整改落实情况以及相关资料的整理归档和信息公开';

export interface SyntheticOptions {
  layout?: LayoutVariant;
  /** every line's 三级指标 this many characters longer: rows of equal height fill pages to the pixel */
  nameChars?: number;
}

/**
 * A filled form with `lines` indicator lines spread over the official groups (long names every
 * 7th line, or every name `nameChars` characters longer).
 */
export function syntheticForm(lines: number, name = '合成测试项目', options: SyntheticOptions = {}): FormInput {
  const profile = loadProfile(options.layout === 'national11' ? 'national' : 'ningxia');
  const base = blankFormInput(profile);
  const nameOf = (i: number): string =>
    options.nameChars === undefined
      ? `指标${i + 1}号工作内容${i % 7 === 3 ? '，包括调研、督导检查、培训和宣传等多项内容的综合性工作任务' : ''}`
      : `指标${String(i + 1).padStart(3, '0')}号${longName.slice(0, options.nameChars)}`;
  const t = (text: string) => ({ text, cell: null });
  const n = (value: number) => ({ value, text: String(value), cell: null });
  const weight = (profile.totalWeight - (profile.funds.countsInTotal ? profile.funds.defaultWeight : 0)) / lines;
  const indicators: IndicatorLine[] = Array.from({ length: lines }, (_, i) => {
    const [level1, level2] = groups[Math.floor((i * groups.length) / lines)] ?? ['产出指标', '数量指标'];
    return {
      level1: t(level1),
      level2: t(level2),
      name: t(nameOf(i)),
      target: t(`${100 + i}次`),
      actual: t(`${100 + i}`),
      weight: { value: weight, text: String(Number(weight.toFixed(4))), cell: null },
      score: { value: weight, text: String(Number(weight.toFixed(4))), cell: null },
      deviation: t(i % 5 === 0 ? '按计划完成' : ''),
    };
  });
  return {
    ...base,
    title: t(profile.texts.title),
    year: { value: 2021, text: '(2021年度)', cell: null },
    projectName: t(name),
    department: t('某某厅'),
    implementingUnit: t('某某厅本级'),
    funds: { ...base.funds, total: { ...base.funds.total, initialBudget: n(100), fullYearBudget: n(100), executed: n(95), weight: n(10) } },
    goals: { expected: t('完成全年工作任务。'), actual: t('已完成全年工作任务。') },
    indicators,
    total: { label: t('总分'), weight: n(100), score: n(100), note: t('') },
  };
}
