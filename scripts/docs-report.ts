// npm run docs: the year report's pictures in the README (docs/report-page-*.png), from a small
// two-year archive of made-up forms of five departments, built by the CLI as a user builds it.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSpecForms, type FormSpec } from '../test/helpers/report-forms.js';

const finance = '自治区财政厅';
const education = '自治区教育厅';
const health = '自治区卫生健康委员会';
const farming = '自治区农业农村厅';
const planning = '宁夏回族自治区发展和改革委员会重大项目建设推进服务中心(自治区重点项目稽察特派员办公室)';

const year = (y: number, shares: number[]): FormSpec[] =>
  [
    { department: finance, name: '预算绩效管理专项经费', budget: 120, executed: 112.5 },
    { department: finance, name: '政府采购监管平台运行维护经费', budget: 86, executed: 80.3 },
    { department: finance, name: '财政票据印制经费', budget: 40, executed: 21.6 },
    { department: education, name: '义务教育薄弱环节改善与能力提升补助资金', budget: 2600, executed: 2475 },
    { department: education, name: '学生资助专项资金', budget: 1800, executed: 1856 },
    { department: education, name: '高校“双一流”建设专项经费', budget: 3000, executed: 2790 },
    { department: health, name: '基本公共卫生服务补助资金', budget: 1450, executed: 1380 },
    { department: health, name: '医疗服务与保障能力提升补助资金', budget: y === 2023 ? null : 900, executed: 640 },
    { department: farming, name: '高标准农田建设项目', budget: 5200, executed: 4990 },
    { department: farming, name: '农村人居环境整治提升专项资金', budget: 760, executed: 520 },
    { department: planning, name: '重大项目前期工作经费', budget: 300, executed: 276 },
  ].map((f, i) => ({ ...f, year: y, share: shares[i] ?? 0.9, lines: i === 3 ? 40 : 12 }));

// A folder given as argument keeps the archive there, to look at every page.
const keep = process.argv[2];
const dir = keep ?? (await mkdtemp(join(tmpdir(), 'ziping-docs-report-')));
try {
  await writeSpecForms(join(dir, 'in'), [
    ...year(2022, [0.93, 0.86, 0.78, 0.95, 0.88, 0.91, 0.84, 0.8, 0.96, 0.74, 0.82]),
    ...year(2023, [0.97, 0.83, 0.66, 0.94, 0.89, 0.92, 0.86, 0.55, 0.91, 0.71, 0.88]),
  ]);
  await writeFile(join(dir, 'ziping.config.json'), JSON.stringify({ archiveName: '自治区财政厅预算绩效管理处 绩效自评归档' }));
  execFileSync(process.execPath, [join(import.meta.dirname, '..', 'bin', 'ziping.js'), 'build', 'in', '--out', '归档', '-q'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const report = join(dir, '归档', '2023', '年度报告.pdf');
  // The overview with the charts, and the attention list.
  for (const page of [2, 5]) execFileSync('pdftoppm', ['-png', '-r', '80', '-f', String(page), '-l', String(page), '-singlefile', report, join('docs', `report-page-${page}`)]);
} finally {
  if (!keep) await rm(dir, { recursive: true, force: true });
}
