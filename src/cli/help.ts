import { type Argument, Command, type Help, type Option } from 'commander';

/**
 * The command line in Chinese: commander's own words (Usage, Options, "display help for
 * command", its error messages) are English, and the people who run ziping read Chinese. Help
 * titles and option notes are translated here, each command's help ends with examples (示例),
 * and every usage error becomes a Chinese line with a stable code (CLI_…).
 */

const titles: Record<string, string> = {
  'Usage:': '用法：',
  'Arguments:': '参数：',
  'Options:': '选项：',
  'Commands:': '命令：',
  'Global Options:': '所有命令通用的选项：',
};

/** Columns a text takes in a terminal: Chinese characters and full-width forms take two, so the help's columns line up. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text.replace(/\x1b\[[0-9;]*m/g, '')) {
    const c = ch.codePointAt(0) ?? 0;
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      c >= 0x20000;
    width += wide ? 2 : 1;
  }
  return width;
}

/** Closing punctuation stays with the character before it; an opening bracket with the one after. */
const TOKEN = /[(（《“「]*[\u2e80-\uffff][，。；：、）)》”」！？…]*|[^\s\u2e80-\uffff]+|\s+/g;

/**
 * Help text wrapped to the terminal: commander wraps at spaces only, and Chinese has none, so a
 * description ran on to the window's edge or broke in odd places. Here a line may break between
 * any two Chinese characters (not before a closing mark), and within no ASCII word.
 */
export function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      const lines: string[] = [];
      let current = '';
      for (const token of line.match(TOKEN) ?? []) {
        if (current.trim() !== '' && displayWidth(current + token) > width) {
          lines.push(current.trimEnd());
          current = token.trimStart();
        } else current += token;
      }
      lines.push(current.trimEnd());
      return lines.join('\n');
    })
    .join('\n');
}

/** `(默认：auto；可选：filled、auto、computed)` instead of `(choices: "filled", …, default: "auto")`. */
function optionNote(option: Option): string {
  const notes: string[] = [];
  if (option.defaultValue !== undefined && option.defaultValue !== false && (option.required || option.optional)) notes.push(`默认：${option.defaultValueDescription ?? String(option.defaultValue)}`);
  if (option.argChoices) notes.push(`可选：${option.argChoices.join('、')}`);
  return notes.length > 0 ? `${option.description}(${notes.join('；')})` : option.description;
}

function argumentNote(argument: Argument): string {
  return argument.defaultValue === undefined ? argument.description : `${argument.description}(默认：${argument.defaultValueDescription ?? String(argument.defaultValue)})`;
}

/** Examples shown at the end of each command's help, by command name ('' is `ziping --help`): what it does, then the command. */
export const examples: Record<string, Array<[string, string]>> = {
  '': [
    ['生成空白模板(绩效自评/模板/)和示例表格(绩效自评/示例/)', 'ziping init 绩效自评'],
    ['复核评分，生成 Excel、PDF、年度索引页和汇总表', 'ziping build 收件箱 --out 归档'],
    ['只复核评分，在屏幕上列出问题，不生成文件', 'ziping check 收件箱'],
    ['放入或修改表格后自动重新生成(Ctrl-C 停止)', 'ziping watch 收件箱 --out 归档'],
    ['在浏览器中放入表格、查看结果、下载副本', 'ziping serve --out 归档 --open'],
    ['查看某个命令的详细用法', 'ziping build --help'],
  ],
  build: [
    ['收件箱中的全部表格，结果写入“归档”', 'ziping build 收件箱 --out 归档'],
    ['路径中有空格时，用英文双引号括起来', 'ziping build "D:\\财务科\\2023 自评表" --out "D:\\财务科\\归档"'],
    ['只显示有问题的表格和小结', 'ziping build 表1.xlsx 表2.xlsx --out 归档 --quiet'],
    ['不管有没有变化，全部重新生成', 'ziping build 收件箱 --out 归档 --force'],
    ['输出 manifest(JSON)给其他程序', 'ziping build 收件箱 --json > 结果.json'],
  ],
  check: [
    ['复核收件箱中的全部表格，列出每份的得分和问题', 'ziping check 收件箱'],
    ['按全国通用版式的评分方案复核一份表', 'ziping check 表1.xlsx --profile national'],
    ['只显示有问题的表格和小结', 'ziping check 收件箱 --quiet'],
  ],
  watch: [
    ['先生成一次，之后放入或修改表格就自动生成', 'ziping watch 收件箱 --out 归档'],
    ['只显示有问题的表格', 'ziping watch 收件箱 --out 归档 --quiet'],
  ],
  init: [
    ['在“绩效自评”文件夹中生成空白模板和示例', 'ziping init 绩效自评'],
    ['生成全国通用 11 列版式的模板', 'ziping init 绩效自评 --profile national'],
  ],
  serve: [
    ['启动并打开浏览器，在网页上放入表格', 'ziping serve --out 归档 --open'],
    ['换一个端口', 'ziping serve --out 归档 --port 8080'],
    ['在局域网中共享(拿到显示的含令牌地址的人才能打开；请确认网络可信)', 'ziping serve --out 归档 --host 0.0.0.0'],
    ['固定令牌，重启后地址不变', 'ziping serve --host 0.0.0.0 --token caiwuke-2024-abcdefgh'],
    ['同事也可以用电脑名打开', 'ziping serve --host 0.0.0.0 --allow-host caiwu-pc'],
  ],
};

function exampleText(name: string): string {
  const items = examples[name] ?? [];
  return items.length === 0 ? '' : `\n示例：\n${items.map(([what, command]) => `  ${what}：\n    ${command}`).join('\n')}`;
}

/** Commander's English error messages, by error code, said in Chinese with a stable code of ours. */
export function usageMessage(code: string | undefined, message: string, cmd: Command): string {
  const name = cmd.parent ? `ziping ${cmd.name()}` : 'ziping';
  const help = `运行“${name} --help”查看用法。`;
  const suggestion = (m: RegExpExecArray | null): string => (m?.[2] ? `(是不是想输入 ${m[2]}？)` : '');
  switch (code) {
    case 'commander.unknownOption': {
      const m = /unknown option '(.+?)'(?:\s*\(Did you mean (.+?)\?\))?$/s.exec(message);
      return `CLI_UNKNOWN_OPTION：${name} 没有选项“${m?.[1] ?? ''}”${suggestion(m)}。${help}`;
    }
    case 'commander.unknownCommand': {
      const m = /unknown command '(.+?)'(?:\s*\(Did you mean (.+?)\?\))?$/s.exec(message);
      const commands = (cmd.parent ?? cmd).commands.map((c) => c.name()).filter((n) => n !== 'help');
      return `CLI_UNKNOWN_COMMAND：没有“${m?.[1] ?? ''}”这个命令${suggestion(m)}。可用的命令：${commands.join('、')}。运行“ziping --help”查看用法。`;
    }
    case 'commander.excessArguments': {
      const m = /Expected (\d+) arguments? but got (\d+)/.exec(message);
      return `CLI_TOO_MANY_ARGUMENTS：${name} 最多接受 ${m?.[1] ?? '?'} 个参数，收到 ${m?.[2] ?? '?'} 个。路径中有空格时，请用英文双引号把整个路径括起来，如 "D:\\我的 文件夹"。`;
    }
    case 'commander.missingArgument': {
      const m = /missing required argument '(.+?)'/.exec(message);
      return `CLI_MISSING_ARGUMENT：${name} 缺少参数“${m?.[1] ?? ''}”。${help}`;
    }
    case 'commander.optionMissingArgument': {
      const m = /option '(\S+).*?' argument missing/.exec(message);
      return `CLI_MISSING_VALUE：选项 ${m?.[1] ?? ''} 后面要写一个值。${help}`;
    }
    case 'commander.invalidArgument': {
      const m = /option '(\S+).*?' argument '(.*?)' is invalid\.(?: Allowed choices are (.+)\.)?/s.exec(message);
      const choices = m?.[3] ? `，可选：${m[3].split(', ').join('、')}` : '';
      return `CLI_INVALID_VALUE：选项 ${m?.[1] ?? ''} 的值“${m?.[2] ?? ''}”不可用${choices}。${help}`;
    }
    default:
      return `CLI_USAGE：命令行有误(${message.replace(/^error: /, '')})。${help}`;
  }
}

/**
 * A Command whose help and usage errors are Chinese; subcommands made with `.command()` are of
 * the same kind and inherit the help settings.
 */
export class ChineseCommand extends Command {
  override createCommand(name?: string): ChineseCommand {
    return new ChineseCommand(name);
  }

  override error(message: string, errorOptions?: { code?: string; exitCode?: number }): never {
    return super.error(usageMessage(errorOptions?.code, message, this), errorOptions);
  }
}

/** Sets the Chinese help on a program before its commands are added (they inherit it). */
export function chineseHelp(program: Command): Command {
  return program
    .helpOption('-h, --help', '显示帮助')
    .helpCommand('help [命令]', '显示某个命令的帮助')
    .configureHelp({
      showGlobalOptions: true,
      styleTitle: (title: string) => titles[title] ?? title,
      displayWidth,
      boxWrap: wrapText,
      optionDescription: optionNote,
      argumentDescription: argumentNote,
      styleUsage: (usage: string) => usage.replace('[options]', '[选项]').replace('[command]', '[命令]'),
      styleSubcommandTerm: (term: string) => term.replace('[options]', '[选项]'),
    } satisfies Partial<Help>);
}

/** Adds the examples to a command's help (call after its name is set). */
export function withExamples<C extends Command>(cmd: C): C {
  cmd.addHelpText('after', exampleText(cmd.parent ? cmd.name() : ''));
  return cmd;
}
