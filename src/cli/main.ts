import { resolve } from 'node:path';
import { Argument, type Command, CommanderError, Option } from 'commander';
import { build, type BuildEvent, type BuildResult } from '../archive/build.js';
import { fsError, errnoOf, type FsAction } from '../archive/fs-errors.js';
import { MANIFEST_FILE } from '../archive/manifest-file.js';
import { openArchive, type Archive } from '../archive/session.js';
import { ArchiveError, archiveError, messageLine, runMessage } from '../model/archive-messages.js';
import { consoleText, jsonText, visibleText } from '../model/display-text.js';
import { hasError, severityText } from '../model/finding.js';
import type { ManifestForm } from '../model/manifest.js';
import { ScoreMode } from '../model/profile.js';
import { shownMessage, shownPath } from '../model/shown-path.js';
import { loadProfile, profileChoice, ProfileError } from '../profiles/load-profile.js';
import { typesetterFor } from '../typeset/typesetter.js';
import { version } from '../version.js';
import { check, exitCodeFor } from './check.js';
import { CONFIG_FILE, ConfigError, loadConfig } from './config.js';
import { init, initNextSteps } from './init.js';
import { progressReporter, type ProgressStream } from './progress.js';
import { fileLine, formReport, revisionOf } from './report-text.js';
import { ChineseCommand, chineseHelp, withExamples } from './help.js';
import { archiveLinks, formState, summaryLines } from './summary.js';
import { watchFolder } from './watch.js';
import { DEFAULT_PORT, serveCommand, type ServeCliOptions } from '../serve/command.js';

interface ScoringOptions {
  /** -q, --quiet: a program option, read from the program */
  quiet?: boolean;
  profile: string;
  scores: ScoreMode;
  json: boolean;
  strict: boolean;
}

interface BuildCliOptions extends ScoringOptions {
  out?: string;
  jobs?: string;
  wait?: string;
  force: boolean;
  prune: boolean;
  config?: string;
}

/** What --config says: the file, and what it can set (archiveName is set nowhere else). */
const CONFIG_HELP = `配置文件(默认 ${CONFIG_FILE})，可设置 inputs、out、profile、scores、names、fonts，以及年度报告封面上的归档名称 archiveName(默认为输出文件夹的名称)`;

/** How long a run waits for another one to finish with `--out` by default, in seconds. */
const DEFAULT_WAIT_SECONDS = 10;

/** Command-line options win over ziping.config.json, which wins over the defaults. */
async function settings(inputs: string[], opts: BuildCliOptions, cmd: Command) {
  const config = await loadConfig(opts.config);
  const given = (name: string): boolean => cmd.getOptionValueSource(name) === 'cli';
  const wait = opts.wait === undefined ? DEFAULT_WAIT_SECONDS : Number(opts.wait);
  if (!Number.isFinite(wait) || wait < 0 || wait > 86_400) throw new CommanderError(2, 'ziping.usage', `CLI_INVALID_VALUE：--wait 应为 0 到 86400 之间的秒数，收到“${opts.wait}”。`);
  return {
    inputs: inputs.length > 0 ? inputs : config.inputs,
    out: opts.out ?? config.out,
    profile: given('profile') ? profileChoice(opts.profile, 'option') : profileChoice(config.profile, 'config'),
    mode: given('scores') ? opts.scores : config.scores,
    namePattern: config.names,
    ...(config.archiveName ? { archiveName: config.archiveName } : {}),
    typeset: typesetterFor(config.fonts),
    waitMs: wait * 1000,
    ...(config.serveToken === undefined ? {} : { serveToken: config.serveToken }),
  };
}

/** What build and watch pass on to every build from the settings: where, how to score, how to name, what to call the archive. */
function archiveSettings(s: Awaited<ReturnType<typeof settings>>) {
  return { out: s.out, profile: s.profile, mode: s.mode, typeset: s.typeset, namePattern: s.namePattern, ...(s.archiveName ? { archiveName: s.archiveName } : {}) };
}

/** The end of a build: the forms' summary, what was rebuilt, what the run says about itself, and last the pages to open. */
async function buildSummary(result: BuildResult, out: string, seconds: number, forms: ManifestForm[] = result.current): Promise<string> {
  const s = result.stats;
  const lines = summaryLines({ forms, missing: result.missing, empty: result.empty, notes: result.notes, revisions: result.revisions });
  const repaired = s.repaired > 0 ? `(其中 ${s.repaired} 个因输出缺失或损坏而重新生成)` : '';
  lines.push(`本次处理 ${s.files} 个文件：重新生成 ${s.built} 个${repaired}，未变化跳过 ${s.reused} 个。`);
  if (s.files > 0 && s.built === 0) lines.push('所有输入都没有变化，没有重新生成(需要时加 --force)。');
  for (const r of s.removed) {
    const [source, outputs] = [shownPath(r.source), r.outputs.map((o) => shownPath(o)).join('、')];
    lines.push(s.pruned > 0 ? `输入“${source}”已不存在，已删除其输出：${outputs}` : `输入“${source}”已不存在，其输出仍保留：${outputs || '无'}(加 --prune 删除)`);
  }
  if (result.messages.length > 0) {
    lines.push('关于本次运行：');
    for (const m of result.messages) lines.push(`  [${severityText[m.severity]}] ${m.code} ${m.message}`);
  }
  // Whole paths, each ending its line: what a person pastes into Explorer or a terminal.
  lines.push(`用时 ${seconds.toFixed(1)} 秒；结果在输出文件夹：${resolve(out)}`);
  lines.push(`清单：${resolve(out, MANIFEST_FILE)}`);
  lines.push(...(await archiveLinks(out, result.manifest.forms)));
  return lines.join('\n');
}

/** Exit status of a build: the forms' (see check.ts), and 1 when the run itself reports an error (a folder it could not read). */
const buildExitCode = (result: BuildResult, strict: boolean): number => Math.max(exitCodeFor(result.current, result.missing, strict), result.messages.some((m) => m.severity === 'error') ? 1 : 0);

export interface Io {
  /** human text: controls escaped, long lines cut */
  out: (s: string) => void;
  err: (s: string) => void;
  /** machine text (JSON), printed as is */
  raw: (s: string) => void;
  progress: ProgressStream;
}

/**
 * Opens `--out` for one command: takes its lock (waiting up to --wait for another run, saying so)
 * and, for the time it is held, turns Ctrl-C and kill into a clean stop: this run's temporaries
 * removed, the lock released, earlier outputs and the manifest untouched.
 */
async function withArchive<T>(out: string, command: string, waitMs: number, io: Io, run: (archive: Archive) => Promise<T>, onSignal?: () => boolean): Promise<T> {
  const archive = await openArchive(out, { command, lockTimes: { waitMs }, onMessage: (m) => io.err(messageLine(m)) });
  const stop = (signal: NodeJS.Signals): void => {
    // watch stops on its own at the first Ctrl-C (it finishes the build under way).
    if (onSignal?.()) return;
    io.err(messageLine(runMessage('RUN_INTERRUPTED', { signal, out: shownPath(out) })));
    archive.closeSync();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return await run(archive);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await archive.close();
  }
}

async function buildCommand(inputs: string[], opts: BuildCliOptions, cmd: Command, io: Io): Promise<number> {
  const s = await settings(inputs, opts, cmd);
  const started = Date.now();
  // --quiet: no progress lines, only the problems and the summary.
  const report = opts.json || opts.quiet ? undefined : progressReporter(io.progress);
  const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1 || jobs > 64)) throw new CommanderError(2, 'ziping.usage', `CLI_INVALID_VALUE：--jobs 应为 1 到 64 之间的整数，收到“${opts.jobs}”。`);
  return withArchive(s.out, 'ziping build', s.waitMs, io, async (archive) => {
    const result = await build(s.inputs, { ...archiveSettings(s), force: opts.force, prune: opts.prune, archive, ...(jobs ? { jobs } : {}) }, (e) => {
      report?.(e);
      if (e.kind === 'file' && !e.reused && !opts.json) {
        for (const form of e.forms) {
          if (form.status !== 'error' && !hasError(form.findings)) continue;
          report?.clear();
          io.out(formReport(form));
        }
      }
    });
    if (opts.json) {
      io.raw(jsonText(result.manifest));
      for (const m of result.messages) io.err(messageLine(m));
    } else io.out(await buildSummary(result, s.out, (Date.now() - started) / 1000));
    return buildExitCode(result, opts.strict);
  });
}

async function watchCommand(dir: string | undefined, opts: BuildCliOptions, cmd: Command, io: Io): Promise<number> {
  const s = await settings(dir ? [dir] : [], opts, cmd);
  const folder = s.inputs[0] ?? 'data';
  const controller = new AbortController();
  // A message is said once per session (an unreadable folder, a FIFO): a rebuild does not repeat it.
  const said = new Set<string>();
  await withArchive(
    s.out,
    'ziping watch',
    s.waitMs,
    io,
    // The lock is held for the whole session, not per rebuild: between two rebuilds a watcher still
    // owns what it wrote, and a build slipping in would make its next rebuild fail later, with
    // nobody at the terminal. The other run is refused at once instead and told who holds the folder.
    async (archive) =>
      watchFolder(
        folder,
        async (reason) => {
          io.out(`${reason}：开始生成…`);
          const started = Date.now();
          const rebuilt: ManifestForm[] = [];
          const onEvent = (e: BuildEvent): void => {
            if (e.kind !== 'file' || e.reused) return;
            rebuilt.push(...e.forms);
            // Each file's result as it is rebuilt (with --quiet only those with problems); the full
            // report only for a file with problems, once per change.
            for (const form of e.forms) if (!opts.quiet || formState(form) !== 'clean') io.out(fileLine(form, e.repaired, revisionOf(e.revisions, form)));
            for (const form of e.forms) if (form.status === 'error' || hasError(form.findings)) io.out(formReport(form));
            for (const note of e.notes) io.out(`- 已跳过：${shownMessage(note.message)}(${note.code})`);
          };
          const result = await build([folder], { ...archiveSettings(s), force: false, prune: opts.prune, archive }, onEvent);
          const fresh = result.messages.filter((m) => !said.has(messageLine(m)));
          for (const m of fresh) said.add(messageLine(m));
          io.out(await buildSummary({ ...result, messages: fresh }, s.out, (Date.now() - started) / 1000, rebuilt));
        },
        { log: io.out, signal: controller.signal, exclude: [archive.fs.root, s.out] },
      ),
    () => {
      if (controller.signal.aborted) return false;
      controller.abort();
      return true;
    },
  );
  return 0;
}

/** --profile and --scores: every command that scores takes them. */
function profileOptions(cmd: Command): Command {
  return cmd
    .option('--profile <方案>', '评分方案：auto 每份表按自己的版式(宁夏 10 列 → ningxia，全国 11 列 → national，部门整体 → department)；或 ningxia、national、department、方案 JSON 文件路径', 'auto')
    .addOption(new Option('--scores <口径>', '得分口径：filled 照录填报值；auto 保留填报值并补齐空白；computed 按规则重算').choices(ScoreMode.options).default('auto'));
}

function scoringOptions(cmd: Command): Command {
  return profileOptions(cmd).option('--json', '输出 manifest(JSON)而不是中文摘要', false).option('--strict', '存在“错误”级问题时退出码为 1', false);
}

const syscallAction: Record<string, FsAction> = {
  open: '打开',
  read: '读取',
  write: '写入',
  mkdir: '创建文件夹',
  unlink: '删除',
  rmdir: '删除',
  rename: '改名',
  scandir: '列出文件夹',
  stat: '检查',
  lstat: '检查',
  copyfile: '写入',
};

/** Any error as the user's message: ours as they are, a system error with its path, the rest as INTERNAL_ERROR. */
export function userError(error: unknown): ArchiveError {
  if (error instanceof ArchiveError) return error;
  const errno = errnoOf(error);
  const path = typeof error === 'object' && error !== null && 'path' in error && typeof error.path === 'string' ? error.path : null;
  if (errno && path) {
    const syscall = typeof error === 'object' && error !== null && 'syscall' in error && typeof error.syscall === 'string' ? error.syscall : '';
    return fsError(error, syscallAction[syscall] ?? '写入', path);
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0] ?? ''}` : String(error);
  return archiveError('INTERNAL_ERROR', { detail: detail.slice(0, 300) }, 1, error);
}

/** The stack of an error and of its causes, for --debug. */
export function debugText(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e !== undefined && depth < 5; depth++) {
    parts.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
    e = e instanceof Error ? e.cause : undefined;
    if (e !== undefined) parts.push('原因(cause)：');
  }
  return parts.join('\n');
}

/** The line (and with --debug the stack) for an error that escaped everything: what bin/ziping.js prints last. */
export function fatalText(error: unknown, debug: boolean): string {
  const shown = userError(error);
  return visibleText(`${messageLine(shown)}${debug ? `\n${debugText(error)}` : ''}`);
}

/** What a command's action leaves for main to return: its exit status. */
interface Outcome {
  code: number;
}

/**
 * The command line: every command with its options, help and examples, and what each runs. main()
 * parses with it; the README's option table is written from it too (scripts/readme-options.ts), so
 * the two cannot disagree.
 */
export function cliProgram(io: Io, outcome: Outcome = { code: 0 }): Command {
  const program = chineseHelp(new ChineseCommand('ziping'))
    .description('项目支出绩效自评表：读取、复核评分、按官方版式输出 Excel 与 PDF，并按年度归档')
    .version(version, '-v, --version', '显示版本号')
    .option('-q, --quiet', '只显示问题和小结', false)
    .option('--debug', '出错时显示详细的出错位置(供维护人员排查)', false)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  withExamples(program);
  const quiet = (): boolean => program.opts<{ quiet: boolean }>().quiet;
  withExamples(scoringOptions(program.command('check').description('读取并复核评分，只打印结果和问题，不生成文件').argument('[输入...]', '文件、文件夹或通配符，默认 data'))).action(
    async (inputs: string[], opts: ScoringOptions) => {
      outcome.code = await check(inputs, { ...opts, quiet: quiet(), profile: profileChoice(opts.profile, 'option'), mode: opts.scores, typeset: typesetterFor() }, io.out, io.raw, io.err);
    },
  );
  withExamples(
    scoringOptions(
      program
        .command('build')
        .description('读取、复核评分，并按官方版式输出 Excel 与 PDF、年度索引页、汇总表和年度报告；未变化的文件不重复生成')
        .argument('[输入...]', '文件、文件夹或通配符，默认 data')
        .option('--out <文件夹>', '输出文件夹(默认 out)')
        .option('--force', '忽略“未变化”判断，全部重新生成', false)
        .option('--prune', '删除已不存在的输入文件对应的输出', false)
        .option('--jobs <线程数>', '使用的线程数(默认：少于 150 份用 1 个，否则用全部 CPU 核)')
        .option('--wait <秒>', `输出文件夹正被另一次运行使用时最多等待的秒数(默认 ${DEFAULT_WAIT_SECONDS})`)
        .option('--config <文件>', CONFIG_HELP),
    ),
  ).action(async (inputs: string[], opts: BuildCliOptions, cmd: Command) => {
    outcome.code = await buildCommand(inputs, { ...opts, quiet: quiet() }, cmd, io);
  });
  withExamples(
    scoringOptions(
      program
        .command('watch')
        .description('先生成一次，然后监视文件夹，放入或修改表格后自动生成，逐个显示结果')
        .argument('[文件夹]', '监视的文件夹，默认 data')
        .option('--out <文件夹>', '输出文件夹(默认 out)')
        .option('--prune', '删除已不存在的输入文件对应的输出', false)
        .option('--wait <秒>', `输出文件夹正被另一次运行使用时最多等待的秒数(默认 ${DEFAULT_WAIT_SECONDS})`)
        .option('--config <文件>', CONFIG_HELP),
    ),
  ).action(async (dir: string | undefined, opts: BuildCliOptions, cmd: Command) => {
    outcome.code = await watchCommand(dir, { ...opts, quiet: quiet() }, cmd, io);
  });
  withExamples(
    program
      .command('init')
      .description('生成空白的可填写模板(模板/)和一份填好的示例表格(示例/)')
      .addArgument(new Argument('[文件夹]', '目标文件夹').default('.', '当前文件夹'))
      .option('--profile <方案>', '评分方案(决定模板的版式)：ningxia、national、department', 'ningxia'),
  ).action(async (dir: string, opts: { profile: string }) => {
    const { written, kept } = await init(dir, loadProfile(opts.profile), typesetterFor());
    if (!quiet()) for (const f of written) io.out(`已生成：${f}`);
    for (const f of kept) io.out(`已存在，未覆盖：${f}`);
    if (!quiet()) io.out(initNextSteps(dir));
  });
  withExamples(
    profileOptions(
      program
        .command('serve')
        .description('打开一个网页：放入表格，查看得分、等级和问题，下载 PDF 与 Excel，浏览归档(默认只有本机能打开)')
        .option('--out <文件夹>', '输出文件夹(默认 out)')
        .option('--port <端口>', `端口号(默认 ${DEFAULT_PORT}；0 表示任选一个空闲端口)`)
        .option('--host <地址>', '监听的地址(默认 127.0.0.1，只有本机能打开；0.0.0.0 等其他地址让局域网中的电脑也能连上，但必须用显示的含令牌地址)')
        .option('--token [令牌]', '固定令牌(至少 16 个字母、数字或 - _ . ~)，每次启动地址不变；只写 --token 不写值：在本机地址上也要求随机令牌')
        .option('--allow-host <名称>', '除本机 IP 地址外，允许用这个主机名打开网页(如 caiwu-pc；可写多次)', (value: string, all: string[] | undefined) => [...(all ?? []), value])
        .option('--open', '启动后用默认浏览器打开网页', false)
        .option('--wait <秒>', `输出文件夹正被另一次运行使用时，每次生成最多等待的秒数(默认 ${DEFAULT_WAIT_SECONDS})`)
        .option('--config <文件>', CONFIG_HELP),
    ),
  ).action(async (opts: BuildCliOptions & ServeCliOptions, cmd: Command) => {
    const s = await settings([], opts, cmd);
    outcome.code = await serveCommand(s, opts, { out: io.out, err: io.err, quiet: quiet() });
  });
  return program;
}

export async function main(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
  err: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
  progressStream: ProgressStream = process.stderr,
): Promise<number> {
  // Everything a person reads passes through consoleText: cell texts can hold ESC sequences and
  // bidi overrides, and a 30,000-character name would bury the rest. JSON goes out as JSON.
  const io: Io = { out: (s) => out(consoleText(s)), err: (s) => err(consoleText(s)), raw: out, progress: progressStream };
  const outcome: Outcome = { code: 0 };
  const program = cliProgram(io, outcome);
  const debug = (): boolean => program.opts<{ debug: boolean }>().debug || argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander printed its own usage errors (in Chinese, see help.ts); ours are printed here.
      if (error.code === 'ziping.usage') io.err(error.message);
      // help and version are not errors
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof ProfileError || error instanceof ConfigError) {
      io.err(`${error.code}：${error.message}`);
      return 2;
    }
    const shown = userError(error);
    io.err(messageLine(shown));
    if (debug()) err(visibleText(debugText(error)));
    return shown.exitCode;
  }
  return outcome.code;
}
