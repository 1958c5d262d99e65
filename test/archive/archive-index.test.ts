import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { Manifest, type ManifestForm } from '../../src/model/manifest.js';
import { renderArchiveIndex, yearOverYear } from '../../src/reports/archive-index.js';
import { formView } from '../../src/serve/results.js';
import { runCli } from '../helpers/cli.js';
import { seedPath } from '../helpers/pipeline.js';

const seed: ManifestForm = Manifest.parse(JSON.parse((await runCli(['check', seedPath, '--json'])).out)).forms[0] as ManifestForm;

/** The sample as filed in another year, under another name, with another total. */
const filed = (year: number, changes: Partial<ManifestForm> = {}): ManifestForm => ({ ...seed, year, source: `${year}.xlsx`, ...changes });

const HOSTILE = '<script>alert(1)</script>\u202E名称\u001b[2J';

describe('year-over-year comparison', () => {
  it('pairs a project with itself in the year before: same department and name, spaces and full-width forms aside', () => {
    const pairs = yearOverYear([
      filed(2020, { total: 80 }),
      filed(2021, { total: 90.5, projectName: ' 机构编制管理事务经费 ', department: `${seed.department ?? ''}\u3000` }),
      filed(2021, { projectName: '另一个项目', source: 'b.xlsx' }),
    ]);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ from: '2020', to: '2021' });
    expect(pairs[0]?.rows).toHaveLength(1);
    expect(pairs[0]?.rows[0]).toMatchObject({ change: '+10.5', trend: 'up', before: { total: '80' }, after: { total: '90.5' } });
  });

  it('compares consecutive years only, and says an unknown total as —', () => {
    expect(yearOverYear([filed(2019), filed(2021)])).toEqual([]);
    const [pair] = yearOverYear([filed(2021, { total: null, computedTotal: null }), filed(2022, { total: 70 })]);
    expect(pair?.rows[0]).toMatchObject({ change: '—', trend: 'unknown' });
    expect(yearOverYear([filed(2021, { status: 'error' }), filed(2022)])).toEqual([]);
  });

  it('orders pairs newest first', () => {
    expect(yearOverYear([filed(2020), filed(2021), filed(2022)]).map((p) => `${p.from}-${p.to}`)).toEqual(['2021-2022', '2020-2021']);
  });
});

describe('pages show what came from cells as text, control characters visible', () => {
  it('the archive page', async () => {
    const html = await renderArchiveIndex([filed(2020, { projectName: HOSTILE, department: HOSTILE }), filed(2021, { projectName: HOSTILE, department: HOSTILE })], 'ziping 0.1.0');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;\\u202E名称\\u001B[2J');
    expect(html).not.toMatch(/[\u202e\u001b]/);
  });

  it('the serve page’s view of a form', async () => {
    const view = formView({ ...seed, projectName: HOSTILE, findings: [{ severity: 'error', code: 'SCORE_MISMATCH', cell: 'Sheet1!H32', message: `指标“${HOSTILE}”` }] });
    expect(view.projectName).toBe('<script>alert(1)</script>\\u202E名称\\u001B[2J');
    expect(view.findings[0]).toMatchObject({ cell: 'H32', message: '指标“<script>alert(1)</script>\\u202E名称\\u001B[2J”' });
    // Markup stays text: the page puts every value in with textContent (see templates/serve.hbs).
    expect(await readFile(new URL('../../templates/serve.hbs', import.meta.url), 'utf8')).not.toMatch(/innerHTML|insertAdjacentHTML|document\.write/);
  });
});
