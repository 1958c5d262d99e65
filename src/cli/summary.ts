import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { severityText, type Finding, type Severity } from '../model/finding.js';
import type { ManifestForm } from '../model/manifest.js';
import { ROOT_INDEX_FILE } from '../reports/archive-index.js';
import { INDEX_FILE, REPORT_FILE, SUMMARY_FILE, yearFolder } from '../reports/year-reports.js';
import { shownMessage, shownPath } from '../model/shown-path.js';
import { formWhere } from './report-text.js';

/** What a run of build, check or watch ends with: counts, then every form that needs a look. */
export interface RunOutcome {
  forms: ManifestForm[];
  /** inputs that matched nothing */
  missing: string[];
  /** folders without a spreadsheet */
  empty: string[];
  /** forms left out on purpose (blank templates) */
  notes: Finding[];
  /** what the run says about itself: folders it could not read, files that are no regular files, the lock… */
  messages?: Array<{ severity: Severity; code: string; message: string }>;
  /** forms rebuilt from a corrected file, with what the correction changed (`已更正 3 处(…)，仍有 …`) */
  revisions?: Array<{ source: string; sheet: string | null; text: string }>;
}

export type FormState = 'clean' | 'warnings' | 'errors' | 'failed';

/** A form as the summary counts it: processed without problems, with warnings, with error findings, or not processed at all. */
export function formState(form: ManifestForm): FormState {
  if (form.status === 'error') return 'failed';
  if (form.findings.some((f) => f.severity === 'error')) return 'errors';
  if (form.findings.some((f) => f.severity === 'warning')) return 'warnings';
  return 'clean';
}

export function countStates(forms: ManifestForm[]): Record<FormState, number> {
  const counts: Record<FormState, number> = { clean: 0, warnings: 0, errors: 0, failed: 0 };
  for (const f of forms) counts[formState(f)]++;
  return counts;
}

/** `SCORE_MISMATCH(H32)、DEVIATION_REASON_MISSING(I20) 等 7 条`: the codes and cells of one severity, the first few. */
function codesOf(findings: Finding[], shown = 4): string {
  const items = findings.map((f) => `${f.code}${f.cell ? `(${f.cell.slice(f.cell.lastIndexOf('!') + 1)})` : ''}`);
  return items.length <= shown ? items.join('、') : `${items.slice(0, shown).join('、')} 等 ${items.length} 条`;
}

/** How many characters without a glyph the summary names one by one. */
const MAX_BOXES = 20;

/**
 * The closing summary, in Chinese: how many forms came through clean, with warnings, with error
 * findings, or could not be processed; then each form with warnings or errors (its codes and
 * cells, to find it in the report above or in the year page), each file that failed and why,
 * blank templates skipped, and inputs that matched nothing.
 */
export function summaryLines(run: RunOutcome): string[] {
  const c = countStates(run.forms);
  const ok = c.clean + c.warnings + c.errors;
  const skipped = run.notes.length > 0 ? `；跳过空白表 ${run.notes.length} 份` : '';
  const lines = [`共 ${run.forms.length} 份：成功 ${ok} 份(其中没有问题 ${c.clean} 份、有警告 ${c.warnings} 份、有错误项 ${c.errors} 份)，无法处理 ${c.failed} 份${skipped}。`];
  const list = (state: FormState, title: string, line: (f: ManifestForm) => string): void => {
    const forms = run.forms.filter((f) => formState(f) === state);
    if (forms.length === 0) return;
    lines.push(`${title}(${forms.length} 份)：`);
    for (const f of forms) lines.push(`  ${line(f)}`);
  };
  list('errors', '有错误项的表格', (f) => {
    const warnings = f.findings.filter((x) => x.severity === 'warning');
    return `! ${formWhere(f)}：错误 ${codesOf(f.findings.filter((x) => x.severity === 'error'))}${warnings.length > 0 ? `；警告 ${warnings.length} 条` : ''}`;
  });
  list('warnings', '有警告的表格', (f) => `△ ${formWhere(f)}：警告 ${codesOf(f.findings.filter((x) => x.severity === 'warning'))}`);
  // What the printed copy cannot show is said in full (which character, which cell): build prints
  // no per-form report, and a box in a submitted PDF is found too late on paper.
  const boxes = run.forms.flatMap((f) => f.findings.filter((x) => x.code === 'RENDER_GLYPH_MISSING'));
  if (boxes.length > 0) {
    lines.push(`PDF 中会显示为方框的字符(${boxes.length} 处)：`);
    for (const b of boxes.slice(0, MAX_BOXES)) lines.push(`  - ${shownMessage(b.message)}`);
    if (boxes.length > MAX_BOXES) lines.push(`  … 另有 ${boxes.length - MAX_BOXES} 处，见各年度索引页。`);
  }
  const revised = run.revisions ?? [];
  if (revised.length > 0) {
    lines.push(`更正后重新提交的表格(${revised.length} 份)：`);
    for (const r of revised) lines.push(`  ↻ ${formWhere(r)}：${r.text}`);
  }
  list('failed', '无法处理的文件', (f) => {
    const first = f.findings.find((x) => x.severity === 'error') ?? f.findings[0];
    return `✗ ${shownPath(f.source)}：${first ? `${first.code} ${shownMessage(first.message)}` : '未记录原因'}`;
  });
  if (run.notes.length > 0) {
    lines.push(`已跳过的空白表(${run.notes.length} 份，填写后再放入即可处理)：`);
    for (const n of run.notes) lines.push(`  - ${shownPath(n.file ?? '')}${n.sheet ? ` · 工作表“${n.sheet}”` : ''}(${n.code})`);
  }
  for (const m of run.missing) lines.push(`找不到输入“${shownPath(m)}”：请检查路径或文件名(路径中有空格时请用英文双引号括起来)。`);
  for (const e of run.empty) lines.push(`文件夹“${shownPath(e)}”中还没有 .xlsx 或 .xls 表格。`);
  if (run.messages && run.messages.length > 0) {
    lines.push('关于本次运行：');
    for (const m of run.messages) lines.push(`  [${severityText[m.severity]}] ${m.code} ${m.message}`);
  }
  return lines;
}

const exists = async (path: string): Promise<boolean> => (await stat(path).catch(() => null))?.isFile() === true;

/**
 * The pages to open after a build, as full paths (to paste into Explorer or a browser): the
 * archive's own index.html, then each year's index.html and 汇总表, for the years the manifest
 * holds and whose pages are on disk. Always the last lines a build prints.
 */
export async function archiveLinks(out: string, forms: ManifestForm[]): Promise<string[]> {
  const years = [...new Set(forms.filter((f) => f.status === 'ok').map(yearFolder))].sort();
  const lines: string[] = [];
  const root = resolve(out, ROOT_INDEX_FILE);
  if (await exists(root)) lines.push(`全部年度：${root}`);
  for (const year of years) {
    const index = resolve(join(out, year, INDEX_FILE));
    const summary = resolve(join(out, year, SUMMARY_FILE));
    const label = /^\d+$/.test(year) ? `${year}年度` : year;
    if (await exists(index)) lines.push(`${label}索引页：${index}`);
    if (await exists(summary)) lines.push(`${label}汇总表：${summary}`);
    const report = resolve(join(out, year, REPORT_FILE));
    if (await exists(report)) lines.push(`${label}报告：${report}`);
  }
  return lines.length > 0 ? ['打开以下文件查看结果：', ...lines.map((l) => `  ${l}`)] : [];
}
