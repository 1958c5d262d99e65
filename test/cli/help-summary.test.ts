import { copyFile, mkdir, mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/cli/help.js';
import { seedPath } from '../helpers/pipeline.js';
import { ziping } from '../helpers/spawn-cli.js';
import { filledTemplate, TEMPLATE } from '../helpers/template.js';
import { loadWorkbook } from '../helpers/xlsx.js';

/** Words of commander's own English help and errors that must not reach a user. */
const ENGLISH = /Usage:|Options:|Arguments:|Commands:|display help|output the version|default:|choices:|\[options\]|error:|unknown (option|command)|too many arguments/;
const COMMANDS = ['build', 'check', 'watch', 'init', 'serve'];

describe('help in Chinese, with examples', () => {
  it('ziping --help names every command, says what the options do, and ends with examples', async () => {
    const run = await ziping(['--help'], tmpdir());
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(ENGLISH);
    for (const title of ['用法：', '选项：', '命令：', '示例：']) expect(run.stdout).toContain(title);
    for (const command of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(run.stdout).toContain('-q, --quiet');
    expect(run.stdout).toContain('显示帮助');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^\s+ziping /);
  });

  it.each(COMMANDS)('ziping %s --help is Chinese and shows examples of that command', async (command) => {
    const run = await ziping([command, '--help'], tmpdir());
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(ENGLISH);
    expect(run.stdout).toMatch(new RegExp(`^用法： ziping ${command} \\[选项\\]`, 'm'));
    const examples = run.stdout.slice(run.stdout.indexOf('示例：'));
    expect(examples).toMatch(new RegExp(`^    ziping ${command}\\b`, 'm'));
    // The options every command takes are listed with it.
    expect(run.stdout).toContain('所有命令通用的选项：');
    expect(run.stdout).toContain('--quiet');
    // Lines fit an 80-column window, Chinese characters counted as two columns.
    const wide = run.stdout.split('\n').filter((l) => displayWidth(l) > 80);
    expect(wide).toEqual([]);
    // `ziping help <command>` says the same.
    expect((await ziping(['help', command], tmpdir())).stdout).toBe(run.stdout);
  });

  it('says a wrong command line in Chinese, with a code and what to do, exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /^CLI_UNKNOWN_COMMAND：没有“frobnicate”这个命令。可用的命令：.*build/],
      [['build', '--frob'], /^CLI_UNKNOWN_OPTION：ziping build 没有选项“--frob”。运行“ziping build --help”查看用法。/],
      [['check', '--scores', 'sometimes'], /^CLI_INVALID_VALUE：选项 --scores 的值“sometimes”不可用，可选：filled、auto、computed。/],
      [['init', 'a', 'b'], /^CLI_TOO_MANY_ARGUMENTS：ziping init 最多接受 1 个参数，收到 2 个。路径中有空格时，请用英文双引号/],
      [['build', '--out'], /^CLI_MISSING_VALUE：选项 --out 后面要写一个值。/],
      [['build', '--jobs', 'many'], /^CLI_INVALID_VALUE：--jobs 应为 1 到 64 之间的整数/],
    ];
    for (const [args, said] of cases) {
      const run = await ziping(args, tmpdir());
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.trim(), args.join(' ')).toMatch(said);
      expect(run.stderr, args.join(' ')).not.toMatch(ENGLISH);
    }
  });
});

describe('the summary that ends build and check', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ziping 小结 '));
    const inbox = join(dir, '收件箱');
    await mkdir(inbox);
    // One form of each kind: clean (the template filled in consistently), with warnings (the
    // sample), with an error finding (the sample with a wrong 总分), unreadable, and a blank template.
    await filledTemplate(join(dir, 'init'), join(inbox, '1-无问题.xlsx'), 2021, { costScore: 20 });
    await copyFile(seedPath, join(inbox, '2-有警告.xlsx'));
    const wrong = await loadWorkbook(seedPath);
    const ws = wrong.worksheets[0];
    if (!ws) throw new Error('no sheet');
    ws.getCell('C4').value = '总分填错的项目';
    ws.getCell('H40').value = 50;
    await wrong.xlsx.writeFile(join(inbox, '3-有错误.xlsx'));
    await copyFile(join(dir, 'init', TEMPLATE), join(inbox, '4-空白模板.xlsx'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(inbox, '5-坏文件.xlsx'), 'not a workbook');
  });

  it('counts forms clean, with warnings, with errors and failed, lists each, and ends with the pages to open', async () => {
    const run = await ziping(['build', '收件箱', '--out', '归档'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('共 4 份：成功 3 份(其中没有问题 1 份、有警告 1 份、有错误项 1 份)，无法处理 1 份；跳过空白表 1 份。');
    expect(run.stdout).toMatch(/有错误项的表格\(1 份\)：\n {2}! 收件箱\/3-有错误\.xlsx · 工作表“Sheet1”：错误 TOTAL_MISMATCH\(H40\)/);
    expect(run.stdout).toMatch(/有警告的表格\(1 份\)：\n {2}△ 收件箱\/2-有警告\.xlsx · 工作表“Sheet1”：警告 DEVIATION_REASON_MISSING\(I14\)、/);
    expect(run.stdout).toMatch(/无法处理的文件\(1 份\)：\n {2}✗ 收件箱\/5-坏文件\.xlsx：INGEST_FILE_UNREADABLE /);
    expect(run.stdout).toMatch(/已跳过的空白表\(1 份.*\)：\n {2}- 收件箱\/4-空白模板\.xlsx · 工作表“自评表”\(INGEST_FORM_BLANK\)/);
    expect(run.stdout).not.toContain('1-无问题.xlsx · ');
    // The last lines: the archive's page, then each year's page and 汇总表, as full paths that exist.
    const tail = run.stdout.trimEnd().split('\n');
    const at = tail.indexOf('打开以下文件查看结果：');
    expect(at).toBeGreaterThan(0);
    const links = tail.slice(at + 1).map((l) => l.trim());
    expect(links.map((l) => l.slice(0, l.indexOf('：')))).toEqual(['全部年度', '2021年度索引页', '2021年度汇总表', '2021年度报告']);
    for (const l of links) {
      const path = l.slice(l.indexOf('：') + 1);
      expect(isAbsolute(path), path).toBe(true);
      expect((await stat(path)).isFile(), path).toBe(true);
    }
    expect(links[1]).toMatch(/归档[\\/]2021[\\/]index\.html$/);
    expect(links[2]).toMatch(/归档[\\/]2021[\\/]汇总表\.xlsx$/);
  });

  it('--quiet prints no progress and nothing about forms without problems', async () => {
    const loud = await ziping(['build', '收件箱', '--out', '归档2'], dir);
    expect(loud.stderr).toContain('开始处理 5 个文件');
    const run = await ziping(['build', '收件箱', '--out', '归档3', '--quiet'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('共 4 份：成功 3 份');
    expect(run.stdout).toContain('TOTAL_MISMATCH');
    expect(run.stdout).not.toContain('1-无问题');
  });

  it('check ends with the same summary; --quiet leaves out the forms without problems', async () => {
    const run = await ziping(['check', '收件箱'], dir);
    expect(run.code).toBe(1);
    const summary = run.stdout.slice(run.stdout.indexOf('共 4 份'));
    expect(summary.split('\n')[0]).toBe('共 4 份：成功 3 份(其中没有问题 1 份、有警告 1 份、有错误项 1 份)，无法处理 1 份；跳过空白表 1 份。');
    expect(summary).toContain('有错误项的表格(1 份)');
    expect(summary).toContain('有警告的表格(1 份)');
    expect(summary).toContain('无法处理的文件(1 份)');
    expect(run.stdout).toContain('✓ 收件箱/1-无问题.xlsx');
    const quiet = await ziping(['check', '收件箱', '-q'], dir);
    expect(quiet.stdout).not.toContain('✓ 收件箱/1-无问题.xlsx');
    expect(quiet.stdout).toContain('收件箱/3-有错误.xlsx');
    expect(quiet.stdout.slice(quiet.stdout.indexOf('共 4 份'))).toBe(summary);
  });
});
