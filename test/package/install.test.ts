import { execFile, execFileSync, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { root, seedPath } from '../helpers/pipeline.js';

const run = promisify(execFile);

/** Bytes under a folder, counted file by file (what `du --apparent-size` says). */
async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  return total;
}

/** Every font of a PDF as `pdffonts` (poppler) lists it: name and whether it is embedded. */
function pdfFonts(path: string): Array<{ name: string; embedded: boolean }> {
  const lines = execFileSync('pdffonts', [path], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
  // name type encoding emb sub uni object ID: the type may hold spaces, so read emb from the right.
  return lines.map((l) => {
    const cols = l.trim().split(/\s+/);
    return { name: cols[0] ?? '', embedded: cols[cols.length - 5] === 'yes' };
  });
}

let work = '';
let tarball = '';
let prefix = '';
let installed = '';
let command = '';

/**
 * What a user gets: the package packed from a clean copy of the sources (no dist/ yet: packing
 * must build it), installed globally from the tarball into a temp prefix with the registry out
 * of reach (--offline, an empty cache), then run from a folder that has nothing to do with ziping.
 */
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ziping 安装 '));
  const checkout = join(work, 'checkout');
  const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of tracked) {
    const from = join(root, file);
    if (!(await stat(from).catch(() => null))?.isFile()) continue;
    await mkdir(dirname(join(checkout, file)), { recursive: true });
    await copyFile(from, join(checkout, file));
  }
  // The build tools only: packing needs esbuild and the sources' dependencies, which a checkout has after npm ci.
  await symlink(join(root, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  const npmEnv = { ...process.env, npm_config_cache: join(work, 'npm-cache'), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  const packed = await run('npm', ['pack', '--pack-destination', work, '--json'], { cwd: checkout, env: npmEnv, maxBuffer: 64 * 1024 * 1024 });
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
  tarball = join(work, info?.filename ?? 'missing.tgz');
  prefix = join(work, '全局 前缀');
  await run('npm', ['install', '--global', '--prefix', prefix, '--offline', tarball], { cwd: work, env: npmEnv });
  installed = join(prefix, process.platform === 'win32' ? '' : 'lib', 'node_modules', 'ziping');
  command = join(prefix, process.platform === 'win32' ? 'ziping.cmd' : join('bin', 'ziping'));
}, 240_000);

describe('the packed package, installed from its tarball', () => {
  it('ships the bundle, fonts, templates and sample, and no sources, tests, maps or dependencies', async () => {
    const pkg = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; scripts?: Record<string, string> };
    expect(pkg.dependencies ?? {}).toEqual({});
    // An install script would run (or be blocked with a warning) on the user's machine, where no build tools are.
    expect(Object.keys(pkg.scripts ?? {}).filter((s) => /^(pre|post)?install$|^prepare$/.test(s))).toEqual([]);
    const files = (await readdir(installed, { recursive: true })).map((f) => f.replace(/\\/g, '/'));
    expect(files).toContain('dist/ziping.js');
    expect(files).toContain('dist/render-worker.js');
    expect(files).toContain('dist/THIRD-PARTY-NOTICES.txt');
    expect(files).toContain('fonts/NotoSansSC-Regular-GBK.otf');
    expect(files).toContain('fonts/LICENSE-OFL.txt');
    expect(files).toContain('templates/index.hbs');
    expect(files).toContain('data/2021-机构编制管理事务经费.xlsx');
    expect(files).toContain('LICENSE');
    expect(files.filter((f) => /^(src|test|docs|scripts|node_modules)\//.test(f) || f.endsWith('.map') || f === 'dist/bench.js')).toEqual([]);
    const notices = await readFile(join(installed, 'dist', 'THIRD-PARTY-NOTICES.txt'), 'utf8');
    for (const bundled of ['exceljs@', 'fontkit@', 'handlebars@', 'commander@', 'zod@']) expect(notices).toContain(bundled);
    // 合并打印.pdf is written by the project's own PDF writer: pdf-lib is a test tool only.
    expect(notices).not.toContain('pdf-lib@');
  });

  it('takes less than 60 MB installed', async () => {
    const installedBytes = await sizeOf(installed);
    const tarballBytes = (await stat(tarball)).size;
    console.log(`ziping installed: ${(installedBytes / 1e6).toFixed(1)} MB; tarball ${(tarballBytes / 1e6).toFixed(1)} MB`);
    expect(installedBytes).toBeLessThan(60 * 1024 * 1024);
    // The fonts alone are 26 MB: a size far below that means they are missing, not that the package is lean.
    expect(installedBytes).toBeGreaterThan(26 * 1000 * 1000);
  });

  it('answers --version and builds the sample from an unrelated folder, with embedded fonts in the PDF', async () => {
    const elsewhere = join(work, '别的 文件夹');
    await mkdir(join(elsewhere, '收件 箱'), { recursive: true });
    await copyFile(seedPath, join(elsewhere, '收件 箱', '2021 机构编制.xlsx'));
    const version = await run(command, ['--version'], { cwd: elsewhere });
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
    const built = await run(command, ['build', '收件 箱', '--out', '归档 输出'], { cwd: elsewhere });
    expect(built.stdout).toContain('成功 1 份');
    const manifest = JSON.parse(await readFile(join(elsewhere, '归档 输出', 'manifest.json'), 'utf8')) as { forms: Array<{ status: string; outputs?: { pdf: string; xlsx: string } }> };
    const form = manifest.forms[0];
    expect(form?.status).toBe('ok');
    const pdf = join(elsewhere, '归档 输出', form?.outputs?.pdf ?? 'missing.pdf');
    expect((await readFile(pdf)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const fonts = pdfFonts(pdf);
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.filter((f) => !f.embedded)).toEqual([]);
    expect(fonts.map((f) => f.name).join(' ')).toMatch(/NotoSansCJKsc/);
    expect((await readFile(join(elsewhere, '归档 输出', form?.outputs?.xlsx ?? 'missing.xlsx'))).subarray(0, 2).toString('latin1')).toBe('PK');
    expect((await stat(join(elsewhere, '归档 输出', '2021', '汇总表.xlsx'))).size).toBeGreaterThan(1000);
  });

  it('runs init and serve from the installed copy (templates and the sample are shipped)', async () => {
    const elsewhere = join(work, '初始化 测试');
    await mkdir(elsewhere);
    const init = await run(command, ['init', '绩效 自评'], { cwd: elsewhere });
    expect(init.stdout).toContain('已生成');
    expect(await readdir(join(elsewhere, '绩效 自评', '模板'))).toEqual(['项目支出绩效自评表-空白模板.xlsx']);
    expect(await readdir(join(elsewhere, '绩效 自评', '示例'))).toEqual(['2021-机构编制管理事务经费.xlsx']);
    const child = spawn(command, ['serve', '--port', '0', '--out', '归档'], { cwd: elsewhere });
    try {
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString('utf8')));
      const url = await new Promise<string>((resolve, reject) => {
        const started = Date.now();
        const tick = (): void => {
          const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
          if (m?.[1]) resolve(m[1]);
          else if (Date.now() - started > 20_000) reject(new Error(`serve did not start: ${text}`));
          else setTimeout(tick, 50);
        };
        tick();
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('绩效自评表 复核与归档');
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.on('close', resolve));
    }
  });

  it('has a bin npm can wrap in a Windows .cmd shim: a JS file run by node, named with forward slashes', async () => {
    const pkg = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ ziping: 'bin/ziping.js' });
    expect((await readFile(join(installed, 'bin', 'ziping.js'), 'utf8')).split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('runs with npx straight from the tarball, offline, without installing', async () => {
    const elsewhere = join(work, 'npx 试用');
    await mkdir(elsewhere);
    const npmEnv = { ...process.env, npm_config_cache: join(work, 'npx-cache'), npm_config_update_notifier: 'false' };
    const ran = await run('npx', ['--offline', '--yes', '--package', tarball, 'ziping', 'check', seedPath, '--quiet'], { cwd: elsewhere, env: npmEnv });
    expect(ran.stdout).toContain('共 1 份：成功 1 份');
  });
});
