import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from '../archive/build.js';
import { generateInputs } from './generate.js';
import { fmt, median, subset, thisNode, zipingBuild, type BuildArgs } from './measure.js';
import { Manifest, type ManifestForm } from '../model/manifest.js';
import { loadProfile } from '../profiles/load-profile.js';
import { typesetterFor } from '../typeset/typesetter.js';
import { generator } from '../version.js';
import { PdfReader } from '../render/pdf-read.js';
import { combinedGroups } from '../reports/combined-pdfs.js';
import { combinedPlaces } from '../reports/year-report/combined-places.js';
import { formsByYear } from '../reports/year-reports.js';

/**
 * The year's report on its own, in a fresh process (`node dist/bench.js --report-child OUT`):
 * every year of OUT's manifest drawn once, cold (pdfmake's loading included), and what it cost.
 * With `--attention`, a third of the forms are first put on the attention list (graded 差, 执行率
 * 50 %, an error and two warnings each): the bench's own forms are all 优 with rates of 70–99 %,
 * and the list is the part of the report that grows with the year.
 */
export interface ReportFigures {
  forms: number;
  ms: number;
  pages: number;
  bytes: number;
  /** RSS when the manifest is read and the report is about to be drawn, and the process's peak */
  rssBeforeMb: number;
  peakMb: number;
}

function flagged(f: ManifestForm, i: number): ManifestForm {
  if (i % 3 !== 0 || f.status !== 'ok') return f;
  const said = (severity: 'error' | 'warning', code: string, cell: string, text: string) => ({ severity, code, cell: `Sheet1!${cell}`, message: `单元格 ${cell}：${text}。请核对。` });
  return {
    ...f,
    total: 55,
    grade: '差',
    funds: f.funds ? { ...f.funds, executed: (f.funds.fullYearBudget ?? 0) * 0.5, executionRate: 0.5 } : f.funds,
    findings: [
      said('error', 'FUNDS_EXECUTED_MISSING', 'G7', '全年执行数与明细合计不一致，无法确定执行率'),
      said('warning', 'SCORE_MISMATCH', 'H14', '指标得分填写为 2，按评分规则应为 4(正向指标，完成值达到目标值)'),
      said('warning', 'DEVIATION_REASON_MISSING', 'I15', '得分低于分值，但没有填写偏差原因分析及改进措施'),
      ...f.findings,
    ],
  };
}

export async function reportChild(out: string, attention: boolean): Promise<ReportFigures[]> {
  const manifest = Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
  const forms = attention ? manifest.forms.map(flagged) : manifest.forms;
  const typeset = typesetterFor();
  const grades = loadProfile('ningxia').grades;
  const figures: ReportFigures[] = [];
  for (const [year, yearForms] of formsByYear(forms)) {
    const rssBeforeMb = process.memoryUsage().rss / 1024 / 1024;
    const t = performance.now();
    const [{ reportFacts }, { renderReport }] = await Promise.all([import('../reports/year-report/facts.js'), import('../reports/year-report/render.js')]);
    const combined = await combinedPlaces(
      combinedGroups(forms).filter((g) => g.year === year),
      async (f) => f.pages ?? null,
    );
    const facts = reportFacts({ year, forms: yearForms, archive: forms, archiveName: 'bench', generator, grades, combined });
    const pdf = await renderReport(facts, typeset);
    const ms = performance.now() - t;
    const pages = new PdfReader(pdf).pages().length;
    figures.push({ forms: yearForms.length, ms, pages, bytes: pdf.length, rssBeforeMb, peakMb: process.resourceUsage().maxRSS / 1024 });
  }
  return figures;
}

export interface ReportBenchOptions {
  /** years of these many forms */
  sizes: number[];
  runs: number;
  args: BuildArgs;
}

/** A fresh `node dist/bench.js --report-child OUT` and what it measured. */
function reportRun(out: string, attention: boolean): ReportFigures[] {
  const child = spawnSync(process.execPath, [process.argv[1] ?? '', '--report-child', out, ...(attention ? ['--attention'] : [])], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`report child failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '[]') as ReportFigures[];
}

/**
 * The year's report for years of each size: built first, then drawn alone in fresh processes, as
 * built and with a third of the forms on the attention list; and where the time of a build of
 * 1,000 forms (or the largest year) goes, the report among the rest (one thread, in-process).
 */
export async function reportBench(work: string, o: ReportBenchOptions): Promise<void> {
  const typeset = typesetterFor();
  const all = await generateInputs(join(work, 'report-gen'), Math.max(...o.sizes), loadProfile('ningxia'), typeset);
  for (const n of o.sizes) {
    const input = join(work, `in-report-${n}`);
    await subset(all, n, input);
    const out = join(work, `out-report-${n}`);
    const built = await zipingBuild(thisNode(), input, n, out, o.args);
    for (const attention of [false, true]) {
      const runsOf: ReportFigures[] = [];
      for (let i = 0; i < o.runs; i++) runsOf.push(...reportRun(out, attention));
      const ms = median(runsOf.map((r) => r.ms));
      const r = runsOf[0];
      if (!r) continue;
      console.log(
        `report of a ${n}-form year${attention ? ', a third on the attention list' : ''}: median ${fmt(ms / 1000)} s cold (${runsOf.map((x) => `${fmt(x.ms / 1000)} s`).join(', ')}), ${r.pages} pages, ${fmt(r.bytes / 1024, 0)} KB, RSS ${fmt(r.rssBeforeMb, 0)} MB before → peak ${fmt(Math.max(...runsOf.map((x) => x.peakMb)), 0)} MB (the whole build: ${fmt(built.seconds)} s)`,
      );
    }
  }
  const largest = o.sizes.includes(1000) ? 1000 : Math.max(...o.sizes);
  const t0 = performance.now();
  const r = await build([join(work, `in-report-${largest}`)], { out: join(work, `out-report-stages-${largest}`), profile: { kind: 'auto' }, mode: 'auto', typeset, jobs: 1 });
  const t = r.stats.timings;
  const parts: Array<[string, number]> = [
    ['read', t.read],
    ['ingest', t.ingest],
    ['score', t.score],
    ['layout', t.layout],
    ...Object.entries(t.render),
    ['write', t.write],
    ['report', r.stats.reportMs],
  ];
  console.log(
    `build of ${largest} forms, in-process, one thread, ${fmt((performance.now() - t0) / 1000)} s; summed per part: ${parts
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${fmt(v / 1000)} s`)
      .join(', ')}`,
  );
}
