/**
 * Cell texts on the console and the year page (src/model/display-text.ts), and the command line's
 * own failures: a Chinese line with a code and the contract's exit status, a stack only with --debug.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { userError } from '../../src/cli/main.js';
import { clipLine, consoleText, jsonText, visibleLine, visibleText } from '../../src/model/display-text.js';
import { runCli } from '../helpers/cli.js';
import { shownPath } from '../../src/model/shown-path.js';

describe('control characters from cells', () => {
  it.each([
    ['ESC sequence', '前\u001b[2J后', '前\\u001B[2J后'],
    ['BEL', 'a\u0007b', 'a\\u0007b'],
    ['C1 CSI', 'a\u009b2Jb', 'a\\u009B2Jb'],
    ['bidi override', '项目\u202e名称', '项目\\u202E名称'],
    ['isolates and marks', '\u2066a\u2069\u200f', '\\u2066a\\u2069\\u200F'],
    ['DEL and CR', 'a\u007f\rb', 'a\\u007F\\u000Db'],
  ])('%s are shown as escapes', (_label, text, shown) => {
    expect(visibleText(text)).toBe(shown);
  });

  it('keep tab and line feed in reports, not in one-line places', () => {
    expect(visibleText('a\tb\nc')).toBe('a\tb\nc');
    expect(visibleLine('a\tb\nc')).toBe('a\\u0009b\\u000Ac');
  });

  it('cut an overlong console line and say how long it was', () => {
    const line = '长'.repeat(1000);
    expect(clipLine(line, 10)).toBe(`${'长'.repeat(10)}…(此行共 1000 字，已截断；全文见 manifest.json)`);
    expect(consoleText(`短\n${line}`, 10).split('\n')[0]).toBe('短');
    expect(clipLine('短')).toBe('短');
  });

  it('JSON keeps the value but escapes what JSON.stringify leaves raw', () => {
    const value = { name: 'a\u202eb\u0085c\u001bd' };
    const text = jsonText(value);
    expect(text).not.toMatch(/[\u0080-\u009f\u202e\u001b]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('failures of the command line', () => {
  it('--out naming a file: OUT_IS_FILE, exit 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ziping-outfile-'));
    await writeFile(join(dir, 'out'), 'a file');
    const run = await runCli(['build', 'data', '--out', join(dir, 'out')]);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`OUT_IS_FILE：--out 指定的“${join(dir, 'out')}”是一个文件，不是文件夹。`);
  });

  it('--wait that is not a number of seconds: exit 2', async () => {
    const run = await runCli(['build', 'data', '--out', 'x', '--wait', 'soon']);
    expect(run.code).toBe(2);
    expect(run.err).toContain('--wait 应为 0 到 86400 之间的秒数');
  });

  it('system errors become the file-system message of their path; anything else INTERNAL_ERROR', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', path: 'out/a.pdf' });
    expect(userError(enospc)).toMatchObject({ code: 'FS_ENOSPC', exitCode: 1 });
    expect(userError(enospc).message).toContain('写入“out/a.pdf”时磁盘已满');
    const ebusy = Object.assign(new Error('EBUSY'), { code: 'EBUSY', syscall: 'rename', path: 'C:\\out\\a.xlsx' });
    // Shown with this system's separator (on Linux a `\\` is part of a name and stays).
    expect(userError(ebusy).message).toBe(`改名“${shownPath('C:\\out\\a.xlsx')}”时文件正被占用。文件可能正在 Excel/WPS 中打开，关闭后重试。`);
    const bug = userError(new TypeError('x is not a function'));
    expect(bug.code).toBe('INTERNAL_ERROR');
    expect(bug.message).toContain('TypeError: x is not a function');
  });
});
