/**
 * The label texts that identify each part of the form, after `labelKey` normalisation. The first
 * entry of each list is the official wording; the others are variants seen on real forms.
 */
export const labels = {
  projectName: ['项目名称'],
  /** the name row(s) of a 部门整体支出绩效自评表, where a project form has 项目名称 / 主管部门 / 实施单位 */
  unitName: ['部门(单位)名称', '部门名称', '单位名称', '部门(单位)', '预算单位名称', '预算部门名称', '部门', '预算单位', '预算部门'],
  /** of those, the ones that name the department (the others name the unit, which may be the department itself) */
  departmentName: ['部门名称', '部门', '预算部门名称', '预算部门'],
  tasks: ['年度主要任务'],
  taskName: ['任务名称'],
  taskContent: ['主要内容'],
  taskBudget: ['预算数'],
  taskExecuted: ['执行数'],
  department: ['主管部门', '主管部门及代码'],
  implementingUnit: ['实施单位'],
  funds: ['项目资金', '资金情况', '项目资金情况', '预算资金', '部门预算资金', '年度部门整体支出预算'],
  initialBudget: ['年初预算数', '年初预算'],
  fullYearBudget: ['全年预算数', '调整预算数', '全年预算', '调整后预算数'],
  executed: ['全年执行数', '执行数', '全年执行'],
  weight: ['分值'],
  rate: ['执行率'],
  score: ['得分'],
  fundsTotal: ['年度资金总额', '资金总额'],
  fundsCurrentYear: ['当年财政拨款', '本年财政拨款', '财政拨款'],
  fundsCarryOver: ['上年结转资金', '上年结转'],
  fundsOther: ['其他资金'],
  goals: ['年度总体目标'],
  goalsExpected: ['预期目标', '年初设定目标', '年度目标', '设定目标'],
  goalsActual: ['实际完成情况', '年度总体目标完成情况综述', '目标完成情况', '完成情况'],
  indicators: ['绩效指标'],
  level1: ['一级指标'],
  level2: ['二级指标'],
  name: ['三级指标'],
  target: ['年度指标值', '指标值', '年度目标值', '目标值'],
  actual: ['实际完成值', '实际值', '全年实际值', '全年完成值', '完成值'],
  deviation: [
    '偏差原因分析及改进措施',
    '偏差原因分析及改进',
    '偏差原因分析',
    '偏差原因',
    '未完成原因及拟采取的改进措施',
    '未完成原因及改进措施',
    '未完成原因分析及改进措施',
    '未完成原因',
    '原因分析及改进措施',
    '备注',
  ],
  total: ['总分', '合计'],
} as const;

export type LabelName = keyof typeof labels;

/**
 * Headings known by what they say rather than by their exact words: the reason column is headed
 * 偏差原因分析及改进措施, 未完成原因分析, 偏差大或目标未完成原因分析, 未完成原因和改进措施 … on
 * forms of the family; in the indicator header nothing else speaks of a reason or a remedy.
 */
export const headingPatterns: Partial<Record<LabelName, RegExp>> = { deviation: /原因|改进措施/ };

/** A header cell's key as the heading of `name`: one of its labels, or what its pattern says. */
export function isHeading(key: string, name: LabelName): boolean {
  return isLabel(key, name) || headingPatterns[name]?.test(key) === true;
}

export function isLabel(key: string, name: LabelName): boolean {
  return (labels[name] as readonly string[]).includes(key);
}

const all = new Set<string>(Object.values(labels).flat());

export function isAnyLabel(key: string): boolean {
  return all.has(key);
}

/**
 * Columns of related tables that look like 分值 or 得分 but are not (a weight in percent, a score
 * already converted): never read as them; named in the message that refuses the table.
 */
export const lookalikes = {
  weight: ['权重', '指标权重', '指标分值', '分值权重'],
  score: ['折算得分', '单项指标折算得分', '指标得分', '自评得分', '得分系数', '得分情况'],
} as const;
