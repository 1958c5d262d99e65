import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiveFs, sha256Hex } from '../../src/archive/archive-fs.js';
import { loadProfile } from '../../src/profiles/load-profile.js';
import { writeYearReport, type YearReportJob } from '../../src/reports/year-report/write.js';
import type { Typesetter } from '../../src/typeset/typesetter.js';
import { manifestForm } from '../helpers/manifest-form.js';
import { typeset } from '../helpers/pipeline.js';

const form = manifestForm();

/** A typesetter whose every use fails (as a damaged font folder would), but which still names its fonts. */
const broken = new Proxy(typeset, {
  get(target, key) {
    if (key === 'fontDir' || key === 'fontsIdentity') return target[key];
    throw new Error('字体文件无法读取(测试)');
  },
}) as Typesetter;

async function archiveWithReport(bytes: string): Promise<{ fs: ArchiveFs; job: YearReportJob; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'ziping-report-write-'));
  await mkdir(join(dir, 'out', '2021'), { recursive: true });
  const path = join(dir, 'out', '2021', '年度报告.pdf');
  await writeFile(path, bytes);
  const fs = new ArchiveFs(join(dir, 'out'), 'out', '0123456789abcdef');
  const job: YearReportJob = {
    year: '2021',
    forms: [form],
    archive: [form],
    groups: [],
    grades: loadProfile('ningxia').grades,
    // The report the last build wrote, from other forms.
    before: { path: '2021/年度报告.pdf', sha256: sha256Hex('%PDF-1.7 last year’s numbers'), inputs: 'earlier forms' },
    digests: { forms: 'now', previousYear: null },
  };
  return { fs, job, path };
}

describe('a year report that cannot be drawn (YEAR_REPORT_FAILED)', () => {
  it('removes the report the last build wrote, whose numbers are now out of date, and says so', async () => {
    const { fs, job, path } = await archiveWithReport('%PDF-1.7 last year’s numbers');
    const result = await writeYearReport(fs, job, { archiveName: '归档', typeset: broken });
    expect(result.record).toBeNull();
    expect(result.messages.map((m) => m.code)).toEqual(['YEAR_REPORT_FAILED']);
    expect(result.messages[0]?.message).toContain('上次生成的年度报告数字已过时，已删除');
    await expect(readFile(path)).rejects.toThrow();
  });

  it('keeps a file there that is not what the last build wrote, and says so', async () => {
    const { fs, job, path } = await archiveWithReport('%PDF-1.7 edited by someone');
    const result = await writeYearReport(fs, job, { archiveName: '归档', typeset: broken });
    expect(result.record).toBeNull();
    expect(result.messages[0]?.message).toContain('不是上次生成的报告');
    expect(await readFile(path, 'utf8')).toBe('%PDF-1.7 edited by someone');
  });
});
