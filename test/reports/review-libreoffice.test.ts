import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Manifest } from '../../src/model/manifest.js';
import { runCli } from '../helpers/cli.js';
import { pdfPages, squash } from '../helpers/pdf.js';
import { fixture, seedPath } from '../helpers/pipeline.js';
import { hasSoffice, libreOfficePdfs } from '../helpers/print-check.js';
import { readAllEntries } from '../../src/zip/zip-file.js';
import { SaxesParser } from 'saxes';

const soffice = hasSoffice();
if (!soffice) console.warn('跳过 LibreOffice 检查：没有找到 soffice(CI 由 .ci/run 安装 libreoffice-calc-nogui)。');

/**
 * What is sent back must open where the units open it: LibreOffice (as WPS and Excel, it refuses
 * or repairs a file whose parts do not agree) converts each 复核意见.xlsx and each annotated copy
 * to PDF, and the PDF shows what the file holds.
 */
describe.skipIf(!soffice)('复核意见.xlsx and 复核批注 in LibreOffice', () => {
  it('convert to PDF without error, with their text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-review-lo-'));
    const inbox = join(dir, '收件箱');
    await mkdir(inbox);
    await copyFile(seedPath, join(inbox, '机构编制.xlsx'));
    await copyFile(fixture('hebei-2019.xlsx'), join(inbox, '河北.xlsx'));
    const out = join(dir, '归档');
    expect((await runCli(['build', inbox, '--out', out, '--quiet'])).code).toBe(0);
    const manifest = Manifest.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
    const files = new Map<string, Uint8Array>();
    for (const r of (manifest.yearReports ?? []).flatMap((y) => y.review ?? [])) files.set(r.path, await readFile(join(out, r.path)));
    for (const f of manifest.forms) if (f.annotated) files.set(f.annotated.path, await readFile(join(out, f.annotated.path)));
    expect(files.size).toBe(4);
    const pdfs = libreOfficePdfs(files);
    for (const [path, pdf] of pdfs) {
      expect(pdf, `${path} did not convert`).not.toBeNull();
      const text = squash(pdfPages(pdf ?? Buffer.alloc(0)).join(''));
      if (path.endsWith('复核意见.xlsx')) {
        expect(text).toContain('怎么改');
        expect(text).toMatch(/SCORE_MISMATCH|TOTAL_MISMATCH/);
      } else expect(text).toContain('项目支出绩效自评表');
    }
    // LibreOffice takes every note: saved as its own format, the sheet holds one annotation per noted cell.
    for (const f of manifest.forms.filter((x) => x.annotated)) {
      const copy = join(dir, 'notes.xlsx');
      await writeFile(copy, await readFile(join(out, f.annotated?.path ?? '')));
      execFileSync('soffice', ['--headless', '--norestore', `-env:UserInstallation=file://${join(dir, 'profile')}`, '--convert-to', 'ods', '--outdir', dir, copy], {
        stdio: 'ignore',
        timeout: 120_000,
      });
      const content = readAllEntries(await readFile(join(dir, 'notes.ods')), 1e8)?.find((e) => e.name === 'content.xml');
      let notes = 0;
      const parser = new SaxesParser();
      parser.on('opentag', (t) => {
        if (t.name === 'office:annotation') notes++;
      });
      parser.write(content?.data.toString('utf8') ?? '').close();
      const written =
        (
          readAllEntries(await readFile(copy), 1e8)
            ?.find((e) => e.name === 'xl/comments1.xml')
            ?.data.toString('utf8') ?? ''
        ).split('<comment ').length - 1;
      expect(written, f.annotated?.path).toBeGreaterThan(0);
      expect(notes).toBe(written);
    }
  }, 300_000);
});
