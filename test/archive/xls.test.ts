import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEntries, root } from '../helpers/pipeline.js';

// A copy of ../shared/reference/xls/central-2019-template.xls, so the test needs nothing outside the repo.
const xls = join(root, 'test', 'fixtures', 'xls', 'central-2019-template.xls');
const hasSoffice = (() => {
  try {
    execFileSync('soffice', ['--version'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
})();

describe('.xls inputs', () => {
  it.skipIf(!hasSoffice)('are converted through LibreOffice and read like any form', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-xls-'));
    await copyFile(xls, join(dir, '模板.xls'));
    const forms = await checkEntries(join(dir, '模板.xls'), '模板.xls', 'national');
    expect(forms).toHaveLength(1);
    expect(forms[0]?.entry).toMatchObject({ status: 'ok', sheet: '项目支出绩效自评表', projectName: '2019年210青少年校园足球扶持资金', year: 2019 });
  });

  it('without LibreOffice get a Chinese message telling the user to save as .xlsx', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-xls-'));
    await copyFile(xls, join(dir, '模板.xls'));
    const path = process.env.PATH;
    process.env.PATH = dir;
    try {
      const forms = await checkEntries(join(dir, '模板.xls'), '模板.xls', 'national');
      expect(forms[0]?.entry.status).toBe('error');
      expect(forms[0]?.entry.findings[0]?.code).toBe('INGEST_XLS_UNSUPPORTED');
      expect(forms[0]?.entry.findings[0]?.message).toContain('另存为“Excel 工作簿(*.xlsx)”');
      expect(forms[0]?.entry.findings[0]?.message).toContain('模板.xls');
    } finally {
      process.env.PATH = path;
    }
  });
});
