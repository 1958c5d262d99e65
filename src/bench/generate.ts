import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomic } from '../archive/write-atomic.js';
import { blankFormInput } from '../model/blank-form.js';
import type { FormInput, IndicatorLine } from '../model/form-input.js';
import type { Profile } from '../model/profile.js';
import { formWorkbook } from '../pipeline/process.js';
import type { Typesetter } from '../typeset/typesetter.js';

const groups: Array<[string, string, (i: number) => [string, string]]> = [
  ['产出指标', '数量指标', (i) => [`${20 + i}次`, `${22 + i}`]],
  ['产出指标', '质量指标', () => ['≥95%', '97%']],
  ['产出指标', '时效指标', () => ['2023年12月31日前', '2023年11月30日']],
  ['产出指标', '成本指标', (i) => [`${10 + (i % 7)}万元`, `${9 + (i % 5)}`]],
  ['效益指标', '社会效益指标', () => ['进一步提升', '进一步提升']],
  ['效益指标', '可持续影响指标', () => ['长期', '长期']],
  ['满意度指标', '服务对象满意度指标', () => ['≥90%', '93%']],
];

const departments = ['自治区财政厅', '自治区教育厅', '自治区卫生健康委员会', '自治区交通运输厅', '自治区农业农村厅', '自治区民政厅'];
const goal = '围绕年度重点工作，按计划完成项目建设、培训、调研、宣传和评估等任务，提升公共服务水平和资金使用效益。';

/** A varied, realistic form: `n` is its number, `lines` its indicator count; `department` fixed, or one of six by `n`. */
export function benchForm(n: number, lines: number, profile: Profile, department: string = departments[n % departments.length] ?? ''): FormInput {
  const base = blankFormInput(profile);
  const t = (text: string) => ({ text, cell: null });
  const num = (value: number) => ({ value, text: String(value), cell: null });
  const weight = Math.floor(100 / lines);
  const indicators: IndicatorLine[] = Array.from({ length: lines }, (_, i) => {
    const [level1, level2, values] = groups[Math.floor((i * groups.length) / lines)] ?? groups[0]!;
    const [target, actual] = values(i);
    const w = i === lines - 1 ? 100 - weight * (lines - 1) : weight;
    const long = i % 9 === 4 ? '，含调研、督导检查、业务培训、宣传和第三方评估等多项工作' : '';
    return {
      level1: t(level1),
      level2: t(level2),
      name: t(`第${n}号项目指标${i + 1}${long}`),
      target: t(target),
      actual: t(actual),
      weight: num(w),
      score: num(w),
      deviation: t(i % 6 === 0 ? '按计划推进，无明显偏差' : ''),
    };
  });
  const budget = 50 + ((n * 37) % 400) + (n % 7) / 4;
  return {
    ...base,
    title: t(profile.texts.title),
    year: { value: 2023, text: '(2023年度)', cell: null },
    projectName: t(`第${n}号专项资金项目${n % 10 === 3 ? '（含多个子项目的综合性建设与运行维护经费）' : ''}`),
    department: t(department),
    implementingUnit: t(`${department}本级`),
    funds: {
      ...base.funds,
      total: { ...base.funds.total, initialBudget: num(budget), fullYearBudget: num(budget), executed: num(Math.round(budget * (0.7 + (n % 30) / 100) * 100) / 100), weight: num(10) },
    },
    goals: { expected: t(goal.repeat(1 + (n % 3))), actual: t(goal) },
    indicators,
    total: { label: t('总分'), weight: num(100), score: num(100), note: t('') },
  };
}

/** Indicator counts: mostly seed-sized (20–30 lines), every 25th form long (100 lines). */
export const linesFor = (n: number): number => (n % 25 === 24 ? 100 : 20 + (n % 11));

/** Writes `count` input workbooks with the project's own renderer; all of one department if it is given. */
export async function generateInputs(dir: string, count: number, profile: Profile, typeset: Typesetter, department?: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (let n = 0; n < count; n++) {
    const input = benchForm(n, linesFor(n), profile, department);
    const path = join(dir, `form-${String(n).padStart(4, '0')}.xlsx`);
    await writeAtomic(path, await formWorkbook(input, profile, typeset));
    files.push(path);
  }
  return files;
}
