import { hasError, severityText } from '../model/finding.js';
import { outputFiles, type ManifestForm } from '../model/manifest.js';
import type { LayoutVariant } from '../model/form-input.js';
import { decimalOrDash as num } from '../model/numbers.js';
import type { ProfileFrom } from '../model/profile.js';
import { shownMessage, shownPath } from '../model/shown-path.js';

const layoutText: Record<LayoutVariant, string> = { ningxia10: '宁夏 10 列(附件6)', national11: '全国 11 列(财预〔2020〕10号)', department: '部门整体支出绩效自评表' };
const profileFromText: Record<ProfileFrom, string> = { layout: '按表样自动选择', option: '命令行指定', config: '配置文件指定' };

/** Where a form came from, as a person finds it: its file (this system's separators) and sheet. */
export const formWhere = (f: { source: string; sheet: string | null }): string => `${shownPath(f.source)}${f.sheet ? ` · 工作表“${f.sheet}”` : ''}`;

/** The human summary of one form, in Chinese, with every finding and its cell. */
export function formReport(form: ManifestForm): string {
  const lines: string[] = [];
  const where = formWhere(form);
  if (form.status === 'error') {
    lines.push(`✗ ${where}：未能处理`);
  } else {
    lines.push(`${hasError(form.findings) ? '!' : '✓'} ${where}`);
    lines.push(`  项目：${form.projectName || '(未填写项目名称)'}${form.year ? `(${form.year}年度)` : ''}`);
    lines.push(`  主管部门：${form.department || '—'}；实施单位：${form.implementingUnit || '—'}`);
    lines.push(`  版式：${form.layout ? layoutText[form.layout] : '—'}；评分方案：${form.profile}(${form.profileFrom ? profileFromText[form.profileFrom] : '—'})`);
    const f = form.funds;
    if (f) {
      const rate = f.executionRate === null ? '无法计算' : `${num(f.executionRate * 100)}%`;
      lines.push(`  预算执行：全年预算数 ${num(f.fullYearBudget, 4)} 万元，全年执行数 ${num(f.executed, 4)} 万元，执行率 ${rate}，执行率得分 ${num(f.score)}/${num(f.weight)}`);
    }
    lines.push(`  分值合计 ${num(form.totalWeight)}；填报总分 ${num(form.filledTotal)}；复核总分 ${num(form.computedTotal)}；本次输出总分 ${num(form.total)}；等级 ${form.grade ?? '—'}`);
  }
  const counts = (['error', 'warning', 'info'] as const).map((s) => `${severityText[s]} ${form.findings.filter((x) => x.severity === s).length}`).join('，');
  lines.push(form.findings.length === 0 ? '  没有发现问题。' : `  发现 ${form.findings.length} 个问题(${counts})：`);
  for (const f of form.findings) lines.push(`   [${severityText[f.severity]}] ${f.code} ${shownMessage(f.message)}`);
  return lines.join('\n');
}

/** What a correction changed of this form, when it was rebuilt from a changed source. */
export const revisionOf = (revisions: Array<{ source: string; sheet: string | null; text: string }>, form: ManifestForm): string | undefined =>
  revisions.find((r) => r.source === form.source && r.sheet === form.sheet)?.text;

/**
 * One line per form as watch rebuilds it: where its copies went, its project, total and grade, and
 * how many problems (and, for a corrected file, what it corrected); or why nothing came out.
 */
export function fileLine(form: ManifestForm, repaired: string[] = [], revision?: string): string {
  const where = formWhere(form);
  if (form.status === 'error') {
    const first = form.findings.find((f) => f.severity === 'error') ?? form.findings[0];
    return `✗ 无法处理：${where}${first ? `(${first.code})` : ''}`;
  }
  const outputs = outputFiles(form.outputs).map((o) => shownPath(o.path));
  const note = repaired.length > 0 ? `(输出缺失或损坏，已重新生成)` : '';
  const count = (s: 'error' | 'warning'): number => form.findings.filter((f) => f.severity === s).length;
  const problems = count('error') + count('warning') === 0 ? '没有问题' : `错误 ${count('error')} 条、警告 ${count('warning')} 条`;
  const total = form.total ?? form.computedTotal;
  const result = `${form.projectName || '未填写项目名称'}，总分 ${total === null ? '—' : num(total)}，等级 ${form.grade ?? '—'}；${problems}`;
  return `${hasError(form.findings) ? '!' : '✓'} 已生成${note}：${where} → ${outputs.join('、') || '无输出'}；${result}${revision ? `；${revision}` : ''}`;
}
