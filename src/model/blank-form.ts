import type { FormInput, FundRow, IndicatorLine, SourcedNumber, SourcedText } from './form-input.js';
import type { Profile } from './profile.js';

const t = (text = ''): SourcedText => ({ text, cell: null });
const n = (): SourcedNumber => ({ value: null, text: '', cell: null });
const fundRow = (label: string): FundRow => ({ label: t(label), initialBudget: n(), fullYearBudget: n(), executed: n(), weight: n(), rate: n(), score: n() });

/** The indicator tree of the official form, with the number of blank lines a template offers per group. */
const skeleton: Array<[string, string, number]> = [
  ['产出指标', '数量指标', 3],
  ['产出指标', '质量指标', 2],
  ['产出指标', '时效指标', 2],
  ['产出指标', '成本指标', 2],
  ['效益指标', '经济效益指标', 1],
  ['效益指标', '社会效益指标', 2],
  ['效益指标', '生态效益指标', 1],
  ['效益指标', '可持续影响指标', 1],
  ['满意度指标', '服务对象满意度指标', 2],
];

/** A form with nothing filled in: what `ziping init` lays out as the fillable template. */
export function blankFormInput(profile: Profile): FormInput {
  const indicators: IndicatorLine[] = skeleton.flatMap(([level1, level2, count]) =>
    Array.from({ length: count }, () => ({ level1: t(level1), level2: t(level2), name: t(), target: t(), actual: t(), weight: n(), score: n(), deviation: t() })),
  );
  return {
    source: { file: '', sheet: '', firstRow: 1, lastRow: 1 },
    variant: profile.layout,
    annex: t(profile.texts.annex),
    title: t(profile.texts.title),
    year: n(),
    projectName: t(),
    department: t(),
    implementingUnit: t(),
    funds: {
      total: { ...fundRow('年度资金总额:'), weight: { value: profile.funds.defaultWeight, text: String(profile.funds.defaultWeight), cell: null } },
      currentYear: fundRow('其中:当年财政拨款'),
      carryOver: fundRow('上年结转资金'),
      other: fundRow('其他资金'),
    },
    goals: { expected: t(), actual: t() },
    indicators,
    total: { label: t('总分'), weight: n(), score: n(), note: t() },
  };
}

/** A value the person filling in the form typed: any text at all, a placeholder dash included. */
const typed = (n: SourcedNumber): boolean => n.text.trim() !== '';

/**
 * A form nobody has filled in yet: no 项目名称 and not one amount or score typed. The blank
 * template of `ziping init` (and an office's own, with its formulas) is such a form: it is said
 * once and left out of the archive, instead of being filed as a project called 未填写项目名称.
 * The 分值 of the funds row is not counted (templates print the default 10 there), nor are the
 * computed cells (执行率, its 得分, the 总分 row), which templates fill with formulas.
 */
export function isUnfilledForm(input: FormInput): boolean {
  if (input.projectName.text.trim() !== '') return false;
  const funds = Object.values(input.funds).flatMap((row) => [row.initialBudget, row.fullYearBudget, row.executed]);
  const lines = input.indicators.flatMap((line) => [line.weight, line.score]);
  const tasks = (input.tasks ?? []).flatMap((task) => [task.budget, task.executed]);
  return ![...funds, ...lines, ...tasks].some(typed);
}
