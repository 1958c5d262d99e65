import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './pipeline.js';

/**
 * Every readable form made from the reference forms: the fixtures (as written and as re-saved by
 * LibreOffice) and the issue-11 cases that score — the set print fidelity is checked on.
 */
export function referenceForms(): string[] {
  const xlsx = join(root, 'test', 'fixtures', 'xlsx');
  const files = [join(root, 'data', '2021-机构编制管理事务经费.xlsx')];
  for (const sub of ['', 'lo']) for (const f of readdirSync(join(xlsx, sub)).sort()) if (f.endsWith('.xlsx') && f !== 'no-form.xlsx') files.push(join(xlsx, sub, f));
  const { cases } = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'cases', 'cases.json'), 'utf8')) as { cases: Array<{ file: string; status?: string }> };
  for (const c of cases) if (c.status === 'ok' && !c.file.includes('/lo/')) files.push(join(root, 'test', 'fixtures', c.file));
  return files;
}
