import type { FormInput, IndicatorLine } from '../../src/model/form-input.js';
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

/** A filled form with `lines` indicator lines spread over the official groups (long names every 7th line). */
export function syntheticForm(lines: number, name = '合成测试项目'): FormInput {
  const base = blankFormInput(loadProfile('ningxia'));
  const t = (text: string) => ({ text, cell: null });
  const n = (value: number) => ({ value, text: String(value), cell: null });
  const weight = 100 / lines;
  const indicators: IndicatorLine[] = Array.from({ length: lines }, (_, i) => {
    const [level1, level2] = groups[Math.floor((i * groups.length) / lines)] ?? ['产出指标', '数量指标'];
    const long = i % 7 === 3 ? '，包括调研、督导检查、培训和宣传等多项内容的综合性工作任务' : '';
    return {
      level1: t(level1),
      level2: t(level2),
      name: t(`指标${i + 1}号工作内容${long}`),
      target: t(`${100 + i}次`),
      actual: t(`${100 + i}`),
      weight: { value: weight, text: String(Number(weight.toFixed(4))), cell: null },
      score: { value: weight, text: String(Number(weight.toFixed(4))), cell: null },
      deviation: t(i % 5 === 0 ? '按计划完成' : ''),
    };
  });
  return {
    ...base,
    title: t('自治区项目支出绩效自评表'),
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
