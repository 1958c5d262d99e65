// The README's pictures for reviewers (npm run docs, after `npm start` built out/): the sample's
// form view as Chromium shows it, and its department's 复核意见.xlsx as LibreOffice prints it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const folder = join('out', '2021', '中国共产党宁夏回族自治区委员会机构编制委员会办公室');
const browser = await chromium.launch({ executablePath: execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim(), args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.goto(pathToFileURL(join(folder, '机构编制管理事务经费.html')).href);
// Scrolled to the scores the rules disagree with; the list of findings stays beside the form.
await page.evaluate(() => window.scrollTo(0, (document.getElementById('m4')?.getBoundingClientRect().top ?? 0) + window.scrollY - 420));
await page.screenshot({ path: join('docs', 'form-view.png') });
await browser.close();

const dir = mkdtempSync(join(tmpdir(), 'ziping-docs-'));
execFileSync('soffice', ['--headless', '--norestore', `-env:UserInstallation=file://${join(dir, 'profile')}`, '--convert-to', 'pdf', '--outdir', dir, join(folder, '复核意见.xlsx')], {
  stdio: 'ignore',
});
execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', join(dir, '复核意见.pdf'), join(dir, 'review')]);
const png = readdirSync(dir).find((f) => f.startsWith('review') && f.endsWith('.png'));
if (!png) throw new Error('LibreOffice printed no page of 复核意见.xlsx');
renameSync(join(dir, png), join('docs', 'review-sheet.png'));
console.log('docs/form-view.png, docs/review-sheet.png');
