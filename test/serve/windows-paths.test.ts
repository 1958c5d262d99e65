import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordedPath, shownJoin, shownMessage, shownPath } from '../../src/model/shown-path.js';
import { openerFor } from '../../src/serve/open-browser.js';
import { fileUrl } from '../../src/serve/results.js';
import { resolveArchiveFile } from '../../src/serve/static-files.js';
import { staysInside, uploadName } from '../../src/serve/uploads.js';

/**
 * No Windows machine runs these tests; the parts of serve and the CLI that meet Windows paths are
 * checked with node's win32 path functions: drive letters, backslashes, spaces, Chinese names.
 */
const winOut = 'D:\\财务 科\\绩效 归档\\上传的表格';
const hostile = [
  'C:\\fakepath\\自评 表.xlsx',
  '..\\..\\..\\Windows\\System32\\x.xlsx',
  '..\\..\\逃逸.xlsx',
  '\\\\server\\share\\表.xlsx',
  'D:表.xlsx',
  'CON.xlsx',
  'aux .xlsx',
  '表.xlsx:stream.xlsx',
  '名称末尾有点. .xlsx',
  'a/b\\c.xlsx',
  '  空格  .XLSX',
];

describe('upload names on Windows', () => {
  it('keep only the last segment, whichever separator the browser used', () => {
    expect(uploadName('C:\\Users\\张 三\\Desktop\\自评 表.xlsx')).toBe('自评 表.xlsx');
    expect(uploadName('C:\\fakepath\\2021 自评.XLSX')).toBe('2021 自评.xlsx');
    expect(uploadName('/home/张三/表.xls')).toBe('表.xls');
    expect(uploadName('说明.docx')).toBeNull();
    expect(uploadName('C:\\a\\')).toBeNull();
  });

  it.each(hostile)('%s stays inside the upload folder by win32 rules too', (given) => {
    const name = uploadName(given);
    expect(name).not.toBeNull();
    expect(name).not.toMatch(/[\\/:*?"<>|]/);
    expect(staysInside(winOut, name ?? '', path.win32)).toBe(true);
    expect(path.win32.dirname(path.win32.resolve(winOut, name ?? ''))).toBe(winOut);
    expect(staysInside('/srv/归档/上传的表格', name ?? '', path.posix)).toBe(true);
  });

  it('says what leaves a folder by win32 rules, which posix rules would let through', () => {
    expect(staysInside(winOut, '..\\逃逸.xlsx', path.win32)).toBe(false);
    expect(staysInside(winOut, 'C:\\逃逸.xlsx', path.win32)).toBe(false);
    expect(staysInside('/srv/out', '..\\逃逸.xlsx', path.posix)).toBe(true);
  });
});

describe('paths in messages and links', () => {
  it('record a Windows source path with forward slashes (the manifest), and show it with backslashes (what people read)', () => {
    expect(recordedPath('C:\\Users\\张 三\\收件箱\\表 1.xlsx')).toBe('C:/Users/张 三/收件箱/表 1.xlsx');
    expect(shownPath('C:/Users/张 三/收件箱/表 1.xlsx', path.win32.sep)).toBe('C:\\Users\\张 三\\收件箱\\表 1.xlsx');
    expect(shownPath('收件箱/表 1.xlsx', path.posix.sep)).toBe('收件箱/表 1.xlsx');
    // Elsewhere a backslash is part of a name, not a separator.
    expect(shownPath('收件箱/a\\b.xlsx', path.posix.sep)).toBe('收件箱/a\\b.xlsx');
  });

  it('join a path under the folder as the user named it, whole: one separator, the platform one', () => {
    expect(shownJoin('D:\\绩效归档\\', '2021/财政局/项目.pdf', '\\')).toBe('D:\\绩效归档\\2021\\财政局\\项目.pdf');
    expect(shownJoin('D:/绩效归档', '2021/汇总表.xlsx', '\\')).toBe('D:\\绩效归档\\2021\\汇总表.xlsx');
    expect(shownJoin('D:\\', 'manifest.json', '\\')).toBe('D:\\manifest.json');
    expect(shownJoin('.', '2021/a.pdf', '\\')).toBe('.\\2021\\a.pdf');
    expect(shownJoin('归档/', '', '\\')).toBe('归档\\');
    expect(shownJoin('/srv/归档/', '2021/a.pdf', '/')).toBe('/srv/归档/2021/a.pdf');
  });

  it('show the files a message names with the platform separator, and nothing else a cell holds', () => {
    const recorded = '文件“收件箱/表.xlsx”工作表“Sheet1”单元格 H32：指标“人/次”的年度指标值“2021/12/31”…与 文件“收件箱/乙.xlsx”工作表“Sheet1” 中的项目同名，本份输出为文件“2021/局/项目-2.xlsx”。';
    expect(shownMessage(recorded, '\\')).toBe(
      '文件“收件箱\\表.xlsx”工作表“Sheet1”单元格 H32：指标“人/次”的年度指标值“2021/12/31”…与 文件“收件箱\\乙.xlsx”工作表“Sheet1” 中的项目同名，本份输出为文件“2021\\局\\项目-2.xlsx”。',
    );
    expect(shownMessage(recorded, '/')).toBe(recorded);
  });

  it('link archive files with every segment encoded: spaces, Chinese, # and %', () => {
    expect(fileUrl('2021/财政 局/项目#1 100%.pdf')).toBe('/files/2021/%E8%B4%A2%E6%94%BF%20%E5%B1%80/%E9%A1%B9%E7%9B%AE%231%20100%25.pdf');
  });

  it('never serve a segment holding a backslash (a separator on Windows) or a drive colon', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'ziping-winpath-'));
    await mkdir(path.join(root, '2021'));
    await writeFile(path.join(root, '2021', 'a.pdf'), '%PDF-');
    expect(await resolveArchiveFile(root, '2021/a.pdf')).toBe(path.join(await (await import('node:fs/promises')).realpath(root), '2021', 'a.pdf'));
    for (const p of ['2021%5C..%5C..%5Cx.pdf', '2021\\a.pdf', 'C:%5Cx.pdf', 'C:/x.pdf', '2021/a.pdf%00', '%E0%A4%A.pdf']) expect(await resolveArchiveFile(root, p), p).toBeNull();
  });

  it('open the browser with start on Windows, quoting the title and escaping & for cmd', () => {
    expect(openerFor('win32', 'http://127.0.0.1:8321/?a=1&b=2')).toEqual({ command: 'cmd', args: ['/c', 'start', '""', 'http://127.0.0.1:8321/?a=1^&b=2'] });
    expect(openerFor('darwin', 'http://127.0.0.1:8321/')).toEqual({ command: 'open', args: ['http://127.0.0.1:8321/'] });
    expect(openerFor('linux', 'http://127.0.0.1:8321/')).toEqual({ command: 'xdg-open', args: ['http://127.0.0.1:8321/'] });
  });
});
