import { Command, CommanderError, Option } from 'commander';
import { build } from './archive/build.js';
import { discover } from './archive/discover.js';
import { init } from './archive/init.js';
import { readAndScore } from './archive/read-and-score.js';
import { formReport, runSummary } from './archive/report-text.js';
import { MANIFEST_SCHEMA, type Manifest, type ManifestForm } from './model/manifest.js';
import { ScoreMode } from './model/profile.js';
import { loadProfile, ProfileError } from './profiles/load-profile.js';
import { generator, version } from './version.js';

export interface ScoringOptions {
  profile: string;
  scores: ScoreMode;
  json: boolean;
  strict: boolean;
}

/** 0 all processed; 1 an input could not be processed (or, with --strict, an error finding). */
export function exitCodeFor(forms: ManifestForm[], missing: string[], strict: boolean): number {
  if (missing.length > 0 || forms.some((f) => f.status === 'error')) return 1;
  if (strict && forms.some((f) => f.findings.some((x) => x.severity === 'error'))) return 1;
  return 0;
}

/** Paths in the manifest and messages use `/`, whatever the system, so records compare across machines. */
export function displayPath(path: string): string {
  return path.replace(/\\/g, '/');
}

async function check(inputs: string[], opts: ScoringOptions, out: (s: string) => void): Promise<number> {
  const profile = loadProfile(opts.profile);
  const { files, missing } = await discover(inputs.length > 0 ? inputs : ['data']);
  const forms: ManifestForm[] = [];
  for (const file of files) {
    for (const processed of await readAndScore(file, displayPath(file), profile, opts.scores)) {
      forms.push(processed.entry);
      if (!opts.json) out(`${formReport(processed.entry)}\n`);
    }
  }
  if (opts.json) {
    const manifest: Manifest = { schema: MANIFEST_SCHEMA, generator, forms };
    out(JSON.stringify(manifest, null, 2));
  } else {
    out(runSummary(forms, missing));
  }
  return exitCodeFor(forms, missing, opts.strict);
}

interface BuildCliOptions extends ScoringOptions {
  out: string;
}

async function buildCommand(inputs: string[], opts: BuildCliOptions, out: (s: string) => void): Promise<number> {
  const profile = loadProfile(opts.profile);
  const started = Date.now();
  const { manifest, missing } = await build(inputs.length > 0 ? inputs : ['data'], { out: opts.out, profile, mode: opts.scores }, (e) => {
    if (opts.json) return;
    for (const form of e.forms) out(`[${e.done}/${e.total}] ${formReport(form)}${form.outputs ? `\n  输出：${opts.out}/${form.outputs.pdf}、${form.outputs.xlsx}` : ''}\n`);
  });
  if (opts.json) out(JSON.stringify(manifest, null, 2));
  else out(`${runSummary(manifest.forms, missing)}\n用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒；结果在 ${opts.out}/(清单：${opts.out}/manifest.json)。`);
  return exitCodeFor(manifest.forms, missing, opts.strict);
}

function scoringOptions(cmd: Command): Command {
  return cmd
    .option('--profile <name>', '评分方案：ningxia(默认)、national，或方案 JSON 文件路径', 'ningxia')
    .addOption(new Option('--scores <mode>', '得分口径：filled 照录填报值；auto 保留填报值并补齐空白(默认)；computed 按规则重算').choices(ScoreMode.options).default('auto'))
    .option('--json', '输出 manifest(JSON)而不是中文摘要', false)
    .option('--strict', '存在“错误”级问题时退出码为 1', false);
}

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`), err: (s: string) => void = (s) => process.stderr.write(`${s}\n`)): Promise<number> {
  const program = new Command('ziping')
    .description('项目支出绩效自评表：读取、复核评分、按官方版式输出')
    .version(version, '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => err(s.trimEnd()) });
  let code = 0;
  scoringOptions(program.command('check').description('读取并复核评分，只打印结果，不生成文件').argument('[inputs...]', '文件、文件夹或通配符，默认 data')).action(async (inputs: string[], opts: ScoringOptions) => {
    code = await check(inputs, opts, out);
  });
  scoringOptions(
    program
      .command('build')
      .description('读取、复核评分，并按官方版式输出 Excel 与 PDF')
      .argument('[inputs...]', '文件、文件夹或通配符，默认 data')
      .option('--out <dir>', '输出文件夹', 'out'),
  ).action(async (inputs: string[], opts: BuildCliOptions) => {
    code = await buildCommand(inputs, opts, out);
  });
  program
    .command('init')
    .description('生成空白的可填写模板和示例表格')
    .argument('[dir]', '目标文件夹', '.')
    .option('--profile <name>', '评分方案(决定模板的版式)', 'ningxia')
    .action(async (dir: string, opts: { profile: string }) => {
      const { written, kept } = await init(dir, loadProfile(opts.profile));
      for (const f of written) out(`已生成：${f}`);
      for (const f of kept) out(`已存在，未覆盖：${f}`);
      out('在模板中填写浅黄色单元格，保存后运行：npx ziping build <文件夹>');
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version are not errors
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof ProfileError) {
      err(`${error.code}：${error.message}`);
      return 2;
    }
    throw error;
  }
  return code;
}
