import type { Finding, Severity } from './finding.js';

/**
 * Every message a user reads, by stable code. The code is what support staff search for and what
 * tests assert; the text says, in Chinese, what is wrong and what to do. The location prefix
 * (file, sheet, cell) is added by `finding()`, so no message repeats it.
 */
const catalog = {
  // ── reading the file ──
  INGEST_FILE_UNREADABLE: {
    severity: 'error',
    say: (a: { reason: string }) => `无法作为 Excel 工作簿(.xlsx)打开：${a.reason}。请在 Excel 或 WPS 中打开该文件，另存为“Excel 工作簿(*.xlsx)”后重新放入。`,
  },
  INGEST_XLS_UNSUPPORTED: {
    severity: 'error',
    say: () => `这是旧版 Excel 97-2003 (.xls) 文件，本机没有安装 LibreOffice，无法自动转换。请在 Excel 或 WPS 中打开，另存为“Excel 工作簿(*.xlsx)”后重新放入。`,
  },
  INGEST_XLS_CONVERSION_FAILED: { severity: 'error', say: (a: { detail: string }) => `旧版 .xls 文件用 LibreOffice 转换失败(${a.detail})。请在 Excel 或 WPS 中打开，另存为 .xlsx 后重新放入。` },
  INGEST_LIMIT_EXCEEDED: {
    severity: 'error',
    say: (a: { what: string; found: string; limit: string }) =>
      `文件超出处理上限，未读取：${a.what}为 ${a.found}，上限为 ${a.limit}。绩效自评表不会有这么大，请确认文件是否正确(可能已损坏或混入了大量无关内容)，删除多余内容后另存再放入。`,
  },
  INGEST_FILE_ENCRYPTED: { severity: 'error', say: () => `文件设置了打开密码(已加密)，无法读取。请在 Excel 或 WPS 中打开，取消“文件加密/打开密码”后另存为 .xlsx 再放入。` },
  INGEST_FILE_OLD_FORMAT: {
    severity: 'error',
    say: () => `文件扩展名是 .xlsx，但内容是旧版 Excel 97-2003 (.xls) 格式。请在 Excel 或 WPS 中打开，另存为“Excel 工作簿(*.xlsx)”后重新放入；或把扩展名改为 .xls，本工具会用 LibreOffice 转换。`,
  },
  BUILD_INTERNAL_ERROR: { severity: 'error', say: (a: { detail: string }) => `处理该文件时程序内部出错(${a.detail})，其他文件不受影响。请把该文件和这条信息发给维护人员。` },
  INGEST_FILE_EMPTY: { severity: 'error', say: () => `文件是空的(0 字节)。请重新复制或导出该表格。` },
  INGEST_NO_FORM: {
    severity: 'error',
    say: (a: { sheets: string }) => `在所有工作表(${a.sheets})中都没有找到“项目支出绩效自评表”(按“项目名称”“项目资金”“绩效指标”等标签查找)。请确认文件是否为绩效自评表，或标签文字是否被改动。`,
  },
  INGEST_LAYOUT_UNKNOWN: {
    severity: 'error',
    say: (a: { what: string }) =>
      `这张表不是本工具能评分的自评表版式：${a.what}。本表没有评分，也没有生成文件。请按官方《项目支出绩效自评表》或《部门整体支出绩效自评表》表样填报；如这是本地区的正式版式，请把文件发给维护人员增加。`,
  },
  INGEST_WEIGHT_COLUMN_MISSING: {
    severity: 'error',
    say: (a: { instead: string }) =>
      `绩效指标表头中没有“分值”列${a.instead ? `(“${a.instead}”列不是分值，不能代替)` : ''}，各指标的分值无从得知，本表没有评分，也没有生成文件。请按官方表样补上“分值”列并填写各指标分值。`,
  },
  INGEST_SCORE_COLUMN_MISSING: {
    severity: 'error',
    say: (a: { instead: string }) => `绩效指标表头中没有“得分”列${a.instead ? `(“${a.instead}”列不是得分，不能代替)` : ''}，本表没有评分，也没有生成文件。请按官方表样补上“得分”列。`,
  },
  DEPARTMENT_NAME_MISSING: { severity: 'warning', say: () => `部门整体支出绩效自评表没有填写部门(单位)名称，输出文件暂以“部门整体支出”命名。请填写部门(单位)名称。` },
  INGEST_LABEL_MISSING: { severity: 'error', say: (a: { label: string; near: string }) => `没有找到标签“${a.label}”(应在${a.near}附近)。请按官方表样补上该标签，否则相关内容无法读取。` },
  INGEST_COLUMN_MISSING: {
    severity: 'error',
    say: (a: { label: string }) => `绩效指标表头中没有找到“${a.label}”列。请按官方表样补全表头(一级指标、二级指标、三级指标、年度指标值、实际完成值、分值、得分、偏差原因分析及改进措施)。`,
  },
  INGEST_REASON_COLUMN_MISSING: {
    severity: 'warning',
    say: () =>
      `绩效指标表头中没有找到偏差原因一栏(如“偏差原因分析及改进措施”“未完成原因分析”)。评分不受影响，但各指标的偏差原因无法读取，得分低于分值的指标也无法提示是否写了原因。请按官方表样补上该列。`,
  },
  INGEST_HEADER_REPEATED: {
    severity: 'info',
    say: (a: { labels: string }) => `这一行重复了绩效指标表的表头(${a.labels})，多是分页打印的表粘回一张表时带进来的，已作为表头跳过，不当作指标读取。如不需要，可删去这一行。`,
  },
  INGEST_NUMBER_UNREADABLE: { severity: 'error', say: (a: { what: string; text: string }) => `${a.what}“${a.text}”不是可识别的数字。请只填写数字(如 88.27)，单位写在表头或指标值中。` },
  INGEST_FORMULA_ERROR: { severity: 'error', say: (a: { what: string; text: string }) => `${a.what}是公式错误值 ${a.text}。请在 Excel 中修正公式或改为直接填写数值。` },
  INGEST_FORMULA_EVALUATED: {
    severity: 'info',
    say: (a: { what: string; formula: string; value: string }) => `${a.what}是公式 =${a.formula}，文件中没有保存计算结果，已按公式算得 ${a.value}。如需核对，请在 Excel 或 WPS 中打开并保存一次。`,
  },
  INGEST_FORMULA_UNEVALUATED: {
    severity: 'error',
    say: (a: { what: string; formula: string; reason: string }) =>
      `${a.what}是公式 =${a.formula}，文件中没有保存计算结果，本工具也无法计算(${a.reason})，按“无法确定”处理，不当作 0 或空白，副本中显示为 #N/A。请在 Excel 或 WPS 中打开并保存一次，或改为直接填写数值。`,
  },
  INGEST_FORMULA_NO_RESULT: {
    severity: 'warning',
    say: (a: { what: string; formula: string }) => `${a.what}是公式 =${a.formula}，但文件中没有保存计算结果，按空白处理。请在 Excel 或 WPS 中打开并保存一次，使结果写入文件。`,
  },
  INGEST_FORM_BLANK: {
    severity: 'info',
    say: () => `这是一张还没有填写的空白表(没有项目名称，也没有填写任何金额或分值)，已跳过：不评分、不生成文件、不计入归档。如是要填报的表格，请填写后保存再放入。`,
  },
  INGEST_PROJECT_NAME_MISSING: { severity: 'error', say: () => `“项目名称”没有填写。请填写项目名称，输出文件按它命名。` },
  INGEST_YEAR_MISSING: { severity: 'warning', say: (a: { text: string }) => `没有从年度行“${a.text}”读出年度(应形如“(2021年度)”)。请补上年度，否则输出归入“未知年度”文件夹。` },
  INGEST_INDICATORS_EMPTY: { severity: 'error', say: () => `绩效指标表中没有任何指标行。请填写三级指标。` },
  INGEST_LEVEL_MISSING: { severity: 'warning', say: (a: { level: string }) => `该指标行的${a.level}为空，上方也没有可延续的${a.level}。请填写${a.level}。` },

  // ── budget execution ──
  FUNDS_BUDGET_MISSING: { severity: 'error', say: (a: { text: string }) => `全年预算数为“${a.text || '空'}”，无法计算执行率。请填写调整后的全年预算数(万元)。` },
  FUNDS_EXECUTED_MISSING: {
    severity: 'warning',
    say: (a: { text: string }) => `全年执行数${a.text ? `为“${a.text}”` : '没有填写'}，无法计算执行率(不按 0 计算)。请填写全年执行数(万元)。`,
  },
  FUNDS_FALLBACK_SUBROW: {
    severity: 'warning',
    say: (a: { label: string; executed: string; budget: string; rate: string }) =>
      `年度资金总额行没有全年预算数，执行率改按“${a.label}”行计算：${a.executed} ÷ ${a.budget} = ${a.rate}。请把合计数填入“年度资金总额”行。`,
  },
  FUNDS_UNIT_SUSPECT: {
    severity: 'warning',
    say: (a: { what: string; text: string; against: string }) =>
      `${a.what}“${a.text}”是${a.against}的一千倍以上，看起来是按“元”填写的，而表中金额单位是“万元”。这一项没有参与计算；请改为以万元填写(例如 720000 元写作 72)。`,
  },
  FUNDS_SUBROWS_ONLY: { severity: 'warning', say: (a: { sum: string }) => `年度资金总额为 0 或空白，但其下各项资金合计为 ${a.sum} 万元。请把合计数填入“年度资金总额”行。` },
  FUNDS_RATE_MISMATCH: { severity: 'warning', say: (a: { filled: string; computed: string }) => `执行率填写为 ${a.filled}，按 全年执行数 ÷ 全年预算数 应为 ${a.computed}。请核对执行率或资金数。` },
  FUNDS_SCORE_MISMATCH: { severity: 'warning', say: (a: { filled: string; computed: string }) => `预算执行率得分填写为 ${a.filled}，按 min(执行率, 1) × 分值 应为 ${a.computed}。请核对。` },
  FUNDS_UNSCORED: {
    severity: 'info',
    say: (a: { sum: string; expected: string }) => `预算执行一栏没有“分值”“得分”列：执行率不单独计分，总分按绩效指标表中各指标的分值计算(合计 ${a.sum})。`,
  },
  FUNDS_UNSCORED_WEIGHTS: {
    severity: 'error',
    say: (a: { sum: string; expected: string }) =>
      `预算执行一栏没有“分值”“得分”列，而绩效指标表中各指标的分值合计为 ${a.sum}，不是 ${a.expected}：执行率是否计分、计几分，表上无从得知，本工具不代为补上。本表没有评分，也没有生成文件。请在预算执行一栏填写分值和得分，或把预算执行率作为一条指标列入绩效指标表，使分值合计为 ${a.expected}。`,
  },
  FUNDS_TOTAL_CELL_MISMATCH: { severity: 'error', say: (a: { filled: string; computed: string }) => `年度资金总额行的得分栏应显示总分，填写为 ${a.filled}，各指标得分合计为 ${a.computed}。请核对。` },

  // ── indicator lines ──
  SCORE_MISMATCH: {
    severity: 'warning',
    say: (a: { name: string; filled: string; computed: string; why: string }) => `指标“${a.name}”得分填写为 ${a.filled}，按评分规则应为 ${a.computed}(${a.why})。请核对得分，或在偏差原因栏说明。`,
  },
  SCORE_OUT_OF_RANGE: { severity: 'error', say: (a: { name: string; filled: string; weight: string }) => `指标“${a.name}”得分 ${a.filled} 超出 0 至分值 ${a.weight} 的范围。请改正得分。` },
  SCORE_WEIGHT_MISSING: { severity: 'error', say: (a: { name: string }) => `指标“${a.name}”没有填写分值。请填写分值(数字)。` },
  SCORE_QUALITATIVE_MISSING: { severity: 'error', say: (a: { name: string; range: string }) => `定性指标“${a.name}”没有填写得分，规则无法代为打分。请由评价人员按完成情况打分(${a.range})。` },
  SCORE_QUALITATIVE_TIER: {
    severity: 'warning',
    say: (a: { name: string; filled: string; tier: string; range: string }) =>
      `定性指标“${a.name}”实际完成值表述为“${a.tier}”，对应得分区间为 ${a.range}，但得分填写为 ${a.filled}。请核对得分或完成情况表述。`,
  },
  SCORE_PAIRS_UNMATCHED: { severity: 'info', say: (a: { name: string }) => `指标“${a.name}”的指标值列出多个数量，但实际完成值中的数量无法一一对应，按定性指标处理。` },
  SCORE_FRACTION_AS_PERCENT: {
    severity: 'info',
    say: (a: { name: string; side: string; text: string; other: string; as: string }) =>
      `指标“${a.name}”的${a.side}“${a.text}”是小数，另一边“${a.other}”是百分数，按 ${a.as} 比较。如不是这个意思，请把${a.side}改为带 % 的写法。`,
  },
  DEVIATION_REASON_MISSING: { severity: 'warning', say: (a: { name: string; why: string }) => `指标“${a.name}”${a.why}，但没有填写偏差原因分析及改进措施。请补充说明。` },

  // ── totals ──
  WEIGHTS_NOT_TOTAL: { severity: 'error', say: (a: { sum: string; expected: string; parts: string }) => `各项分值合计为 ${a.sum}(${a.parts})，应为 ${a.expected}。请调整分值。` },
  SCORE_WEIGHTS_ROUNDED: {
    severity: 'warning',
    say: (a: { cells: string; decimals: string; value: string; printed: string; printedSum: string; exactSum: string; copy: string; suggestion: string }) =>
      `分值 ${a.cells} 不是${a.decimals}(如 ${a.value})，只能印为 ${a.printed}；印出的分值逐项相加为 ${a.printedSum}，而填写的分值合计为 ${a.exactSum}。${a.copy}。请把这些分值改为${a.decimals}且合计不变，例如依次填写 ${a.suggestion}。`,
  },
  TOTAL_WEIGHT_MISMATCH: { severity: 'warning', say: (a: { filled: string; sum: string }) => `总分行的分值填写为 ${a.filled}，各项分值合计为 ${a.sum}。请核对。` },
  TOTAL_UNKNOWN: {
    severity: 'error',
    say: (a: { cells: string }) => `总分无法确定：它用到的数值无法读取或还没有得分(${a.cells})。本表不计算总分、不评定等级。请先修正这些单元格。`,
  },
  TOTAL_MISMATCH: { severity: 'error', say: (a: { filled: string; sum: string }) => `总分填写为 ${a.filled}，但各项得分合计为 ${a.sum}。请核对总分。` },
  LAYOUT_TEXT_CUT: {
    severity: 'warning',
    say: (a: { shown: string; total: string }) =>
      `这一格的文字太长，即使缩小到 7 磅，一页也放不下：PDF 中只印出前 ${a.shown} 行(共 ${a.total} 行)，末尾以“…”表示。Excel 副本中是全文。请精简文字或把详细说明另附。`,
  },
  RENDER_GLYPH_MISSING: {
    severity: 'warning',
    say: (a: { chars: string }) => `字符 ${a.chars} 在 PDF 内嵌字体中没有字形，PDF 中会显示为方框。Excel 副本不受影响；如需正确打印，请改用常用汉字或符号(如把“☑”改为“√”)。`,
  },
  DUPLICATE_FORM: {
    severity: 'warning',
    say: (a: { name: string; other: string; output: string }) =>
      `项目“${a.name}”与 ${a.other} 中的项目同名、同年度、同主管部门：两份都已保留，各自计入汇总，本份输出为文件“${a.output}”。如果本份是更正后重新提交的表格，请把 ${a.other} 所在的文件移出输入文件夹；如果要留下的是那一份，请移走本份。再运行一次后，两份的主管部门、实施单位都已填写且相同时只计留下的一份；否则(例如实施单位未填写，或更正时改了写法)，移走的那份仍作为已删除的输入留在归档中并计入汇总，请再用 --prune 运行一次把它去掉。如果确是两个不同的项目，请在项目名称中加以区分。`,
  },
  OUTPUT_WRITE_FAILED: {
    severity: 'error',
    say: (a: { detail: string }) => `输出没有写入：${a.detail} 该表格下次运行时会重新生成。`,
  },
  GROUP_WEIGHT_MISMATCH: { severity: 'warning', say: (a: { group: string; declared: string; sum: string }) => `一级指标“${a.group}”标明 ${a.declared} 分，其下各指标分值合计为 ${a.sum}。请核对。` },
} satisfies Record<string, { severity: Severity; say: (a: never) => string }>;

export type MessageCode = keyof typeof catalog;
type Args<C extends MessageCode> = Parameters<(typeof catalog)[C]['say']>[0];

/** Where a finding points. `cell` is `Sheet!A1`; either part may be unknown. */
export interface Where {
  file?: string;
  cell?: string | null;
  sheet?: string;
}

export function splitCell(cell: string): { sheet: string; address: string } {
  const bang = cell.lastIndexOf('!');
  return { sheet: cell.slice(0, bang).replace(/^'(.*)'$/, '$1'), address: cell.slice(bang + 1) };
}

export function locationText(where: Where): string {
  const parts: string[] = [];
  if (where.file) parts.push(`文件“${where.file}”`);
  if (where.cell) {
    const { sheet, address } = splitCell(where.cell);
    parts.push(`工作表“${sheet}”`, `单元格 ${address}`);
  } else if (where.sheet) {
    parts.push(`工作表“${where.sheet}”`);
  }
  return parts.join('');
}

export function finding<C extends MessageCode>(code: C, where: Where, ...args: Args<C> extends undefined ? [] : [Args<C>]): Finding {
  const entry = catalog[code];
  const say = entry.say as (a: unknown) => string;
  const location = locationText(where);
  const out: Finding = {
    severity: entry.severity,
    code,
    message: (location ? `${location}：` : '') + say(args[0]),
  };
  if (where.file) out.file = where.file;
  const sheet = where.cell ? splitCell(where.cell).sheet : where.sheet;
  if (sheet) out.sheet = sheet;
  if (where.cell) out.cell = where.cell;
  return out;
}

/**
 * The findings of one form (or of a file that gave none) as it moves through the stages: bound to
 * the file, so no finding can leave it out, and collected in one list that the pipeline reads once.
 */
export class FindingLog {
  readonly list: Finding[] = [];
  constructor(readonly file: string) {}

  /** The same problem at the same cell is said once, however many times a stage meets it. */
  add<C extends MessageCode>(code: C, cell: string | null | undefined, ...args: Args<C> extends undefined ? [] : [Args<C>]): void {
    const f = finding(code, { file: this.file, cell }, ...args);
    if (!this.list.some((x) => x.code === f.code && x.cell === f.cell && x.message === f.message)) this.list.push(f);
  }
}
