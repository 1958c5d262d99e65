import { hasError, severityText } from '../model/finding.js';
import { outputFiles, type ManifestForm } from '../model/manifest.js';
import type { LayoutVariant } from '../model/form-input.js';
import { decimalOrDash as num } from '../model/numbers.js';
import type { ProfileFrom } from '../model/profile.js';

const layoutText: Record<LayoutVariant, string> = { ningxia10: '宁夏 10 列(附件6)', national11: '全国 11 列(财预〔2020〕10号)', department: '部门整体支出绩效自评表' };
const profileFromText: Record<ProfileFrom, string> = { layout: '按表样自动选择', option: '命令行指定', config: '配置文件指定' };

/** The human summary of one form, in Chinese, with every finding and its cell. */
export function formReport(form: ManifestForm): string {
  const lines: string[] = [];
  const where = `${form.source}${form.sheet ? ` · 工作表“${form.sheet}”` : ''}`;
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
  for (const f of form.findings) lines.push(`   [${severityText[f.severity]}] ${f.code} ${f.message}`);
  return lines.join('\n');
}

export function runSummary(forms: ManifestForm[], missing: string[], empty: string[] = []): string {
  const ok = forms.filter((f) => f.status === 'ok');
  const failed = forms.filter((f) => f.status === 'error');
  const errors = ok.filter((f) => hasError(f.findings));
  const lines = [`共 ${forms.length} 份：成功 ${ok.length} 份(其中有错误项 ${errors.length} 份)，无法处理 ${failed.length} 份。`];
  for (const m of missing) lines.push(`  找不到输入“${m}”：请检查路径或文件名。`);
  for (const e of empty) lines.push(`  文件夹“${e}”中还没有 .xlsx 或 .xls 表格。`);
  if (failed.length > 0) {
    lines.push('无法处理的文件：');
    for (const f of failed) lines.push(`  ✗ ${f.source}：${(f.findings.find((x) => x.severity === 'error') ?? f.findings[0])?.message ?? ''}`);
  }
  return lines.join('\n');
}

/** One line per form as watch rebuilds it: what came out, or why nothing did. */
export function fileLine(form: ManifestForm, repaired: string[] = []): string {
  const where = `${form.source}${form.sheet ? ` · 工作表“${form.sheet}”` : ''}`;
  if (form.status === 'error') {
    const first = form.findings.find((f) => f.severity === 'error') ?? form.findings[0];
    return `✗ 无法处理：${where}${first ? `(${first.code})` : ''}`;
  }
  const outputs = outputFiles(form.outputs).map((o) => o.path);
  const note = repaired.length > 0 ? `(输出缺失或损坏，已重新生成)` : '';
  return `${hasError(form.findings) ? '!' : '✓'} 已生成${note}：${where} → ${outputs.join('、') || '无输出'}`;
}
