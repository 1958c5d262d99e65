import { Argument, type Command, CommanderError, Option } from 'commander';
import { build, type BuildEvent, type BuildResult } from '../archive/build.js';
import { hasError } from '../model/finding.js';
import { ScoreMode } from '../model/profile.js';
import { loadProfile, profileChoice, ProfileError } from '../profiles/load-profile.js';
import { typesetterFor } from '../typeset/typesetter.js';
import { version } from '../version.js';
import { check, exitCodeFor } from './check.js';
import { CONFIG_FILE, ConfigError, loadConfig } from './config.js';
import { init, initNextSteps } from './init.js';
import type { ManifestForm } from '../model/manifest.js';
import { progressReporter, type ProgressStream } from './progress.js';
import { formReport } from './report-text.js';
import { ChineseCommand, chineseHelp, withExamples } from './help.js';
import { archiveLinks, fileResultLine, formState, summaryLines } from './summary.js';
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
  force: boolean;
  prune: boolean;
  config?: string;
}

/** Command-line options win over ziping.config.json, which wins over the defaults. */
async function settings(inputs: string[], opts: BuildCliOptions, cmd: Command) {
  const config = await loadConfig(opts.config);
  const given = (name: string): boolean => cmd.getOptionValueSource(name) === 'cli';
  return {
    inputs: inputs.length > 0 ? inputs : config.inputs,
    out: opts.out ?? config.out,
    profile: given('profile') ? profileChoice(opts.profile, 'option') : profileChoice(config.profile, 'config'),
    mode: given('scores') ? opts.scores : config.scores,
    namePattern: config.names,
    typeset: typesetterFor(config.fonts),
  };
}

/** The end of a build: the forms' summary, what was rebuilt, and last the pages to open. */
async function buildSummary(result: BuildResult, out: string, seconds: number, forms: ManifestForm[] = result.current): Promise<string> {
  const s = result.stats;
  const lines = summaryLines({ forms, missing: result.missing, empty: result.empty, notes: result.notes });
  lines.push(`本次处理 ${s.files} 个文件：重新生成 ${s.built} 个，未变化跳过 ${s.reused} 个。`);
  if (s.files > 0 && s.built === 0) lines.push('所有输入都没有变化，没有重新生成(需要时加 --force)。');
  for (const r of s.removed) {
    lines.push(s.pruned > 0 ? `输入“${r.source}”已不存在，已删除其输出：${r.outputs.join('、')}` : `输入“${r.source}”已不存在，其输出仍保留：${r.outputs.join('、') || '无'}(加 --prune 删除)`);
  }
  lines.push(`用时 ${seconds.toFixed(1)} 秒；结果在 ${out}/(清单：${out}/manifest.json)。`);
  lines.push(...(await archiveLinks(out, result.manifest.forms)));
  return lines.join('\n');
}

async function buildCommand(inputs: string[], opts: BuildCliOptions, cmd: Command, out: (s: string) => void, err: ProgressStream): Promise<number> {
  const s = await settings(inputs, opts, cmd);
  const started = Date.now();
  // --quiet: no progress lines, only the problems and the summary.
  const report = opts.json || opts.quiet ? undefined : progressReporter(err);
  const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1 || jobs > 64)) throw new CommanderError(2, 'ziping.jobs', `CLI_INVALID_VALUE：--jobs 应为 1 到 64 之间的整数，收到“${opts.jobs}”。`);
  const result = await build(
    s.inputs,
    { out: s.out, profile: s.profile, mode: s.mode, typeset: s.typeset, namePattern: s.namePattern, force: opts.force, prune: opts.prune, ...(jobs ? { jobs } : {}) },
    (e) => {
      report?.(e);
      if (e.kind === 'file' && !e.reused && !opts.json) {
        for (const form of e.forms) {
          if (form.status !== 'error' && !hasError(form.findings)) continue;
          report?.clear();
          out(formReport(form));
        }
      }
    },
  );
  if (opts.json) out(JSON.stringify(result.manifest, null, 2));
  else out(await buildSummary(result, s.out, (Date.now() - started) / 1000));
  return exitCodeFor(result.current, result.missing, opts.strict);
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

export async function main(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
  err: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
  progressStream: ProgressStream = process.stderr,
): Promise<number> {
  const program = chineseHelp(new ChineseCommand('ziping'))
    .description('项目支出绩效自评表：读取、复核评分、按官方版式输出 Excel 与 PDF，并按年度归档')
    .version(version, '-v, --version', '显示版本号')
    .option('-q, --quiet', '只显示问题和小结', false)
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => err(s.trimEnd()) });
  withExamples(program);
  const quiet = (): boolean => program.opts<{ quiet: boolean }>().quiet;
  let code = 0;
  withExamples(scoringOptions(program.command('check').description('读取并复核评分，只打印结果和问题，不生成文件').argument('[输入...]', '文件、文件夹或通配符，默认 data'))).action(
    async (inputs: string[], opts: ScoringOptions) => {
      code = await check(inputs, { ...opts, quiet: quiet(), profile: profileChoice(opts.profile, 'option'), mode: opts.scores, typeset: typesetterFor() }, out);
    },
  );
  withExamples(
    scoringOptions(
      program
        .command('build')
        .description('读取、复核评分，并按官方版式输出 Excel 与 PDF、年度索引页和汇总表；未变化的文件不重复生成')
        .argument('[输入...]', '文件、文件夹或通配符，默认 data')
        .option('--out <文件夹>', '输出文件夹(默认 out)')
        .option('--force', '忽略“未变化”判断，全部重新生成', false)
        .option('--prune', '删除已不存在的输入文件对应的输出', false)
        .option('--jobs <线程数>', '使用的线程数(默认：少于 250 份用 1 个，否则用全部 CPU 核)')
        .option('--config <文件>', `配置文件(默认 ${CONFIG_FILE})`),
    ),
  ).action(async (inputs: string[], opts: BuildCliOptions, cmd: Command) => {
    code = await buildCommand(inputs, { ...opts, quiet: quiet() }, cmd, out, progressStream);
  });
  withExamples(
    scoringOptions(
      program
        .command('watch')
        .description('先生成一次，然后监视文件夹，放入或修改表格后自动生成，逐个显示结果')
        .argument('[文件夹]', '监视的文件夹，默认 data')
        .option('--out <文件夹>', '输出文件夹(默认 out)')
        .option('--prune', '删除已不存在的输入文件对应的输出', false)
        .option('--config <文件>', `配置文件(默认 ${CONFIG_FILE})`),
    ),
  ).action(async (dir: string | undefined, opts: BuildCliOptions, cmd: Command) => {
    const s = await settings(dir ? [dir] : [], opts, cmd);
    const folder = s.inputs[0] ?? 'data';
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await watchFolder(
        folder,
        async (reason) => {
          out(`${reason}：开始生成…`);
          const started = Date.now();
          // Each file's result as it is rebuilt (with --quiet only those with problems); the full report for a problem file.
          const rebuilt: ManifestForm[] = [];
          const onEvent = (e: BuildEvent): void => {
            if (e.kind !== 'file' || e.reused) return;
            rebuilt.push(...e.forms);
            for (const form of e.forms) {
              if (quiet() && formState(form) === 'clean') continue;
              out(fileResultLine(form));
              if (form.status === 'error' || hasError(form.findings)) out(formReport(form));
            }
            for (const note of e.notes) out(`- 已跳过：${note.message}(${note.code})`);
          };
          const result = await build([folder], { out: s.out, profile: s.profile, mode: s.mode, typeset: s.typeset, namePattern: s.namePattern, force: false, prune: opts.prune }, onEvent);
          out(await buildSummary(result, s.out, (Date.now() - started) / 1000, rebuilt));
        },
        { log: out, signal: controller.signal },
      );
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    code = 0;
  });
  withExamples(
    program
      .command('init')
      .description('生成空白的可填写模板(模板/)和一份填好的示例表格(示例/)')
      .addArgument(new Argument('[文件夹]', '目标文件夹').default('.', '当前文件夹'))
      .option('--profile <方案>', '评分方案(决定模板的版式)：ningxia、national、department', 'ningxia'),
  ).action(async (dir: string, opts: { profile: string }) => {
    const { written, kept } = await init(dir, loadProfile(opts.profile), typesetterFor());
    if (!quiet()) for (const f of written) out(`已生成：${f}`);
    for (const f of kept) out(`已存在，未覆盖：${f}`);
    if (!quiet()) out(initNextSteps(dir));
  });
  withExamples(
    profileOptions(
      program
        .command('serve')
        .description('在本机打开一个网页：放入表格，查看得分、等级和问题，下载 PDF 与 Excel，浏览归档(只在 127.0.0.1 上)')
        .option('--out <文件夹>', '输出文件夹(默认 out)')
        .option('--port <端口>', `端口号(默认 ${DEFAULT_PORT}；0 表示任选一个空闲端口)`)
        .option('--host <地址>', '监听的地址(默认 127.0.0.1，只有本机能打开；其他地址会让局域网中的电脑也能访问)')
        .option('--open', '启动后用默认浏览器打开网页', false)
        .option('--config <文件>', `配置文件(默认 ${CONFIG_FILE})`),
    ),
  ).action(async (opts: BuildCliOptions & ServeCliOptions, cmd: Command) => {
    const s = await settings([], opts, cmd);
    code = await serveCommand(s, opts, { out, err, quiet: quiet() });
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander printed its own usage errors (in Chinese, see help.ts); ours are printed here.
      if (error.code === 'ziping.jobs') err(error.message);
      // help and version are not errors
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof ProfileError || error instanceof ConfigError) {
      err(`${error.code}：${error.message}`);
      return 2;
    }
    throw error;
  }
  return code;
}
