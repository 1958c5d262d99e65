/**
 * Writes the README's option table from the command line's own definition (the text `ziping <命令>
 * --help` prints), between the two markers below. `npm run readme`; test/cli/readme-options.test.ts
 * fails when the README's table is not what this writes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import prettier from 'prettier';
import { cliProgram } from '../src/cli/main.js';
import { optionRows, optionTableMarkdown } from '../src/cli/option-table.js';
import { packageRoot } from '../src/package-root.js';

export const README = join(packageRoot, 'README.md');
const BEGIN = '<!-- 选项表开始：由 npm run readme 按命令行帮助生成，请勿手工修改 -->';
const END = '<!-- 选项表结束 -->';

/** The README with its option table as the help defines it, formatted as `npm run format` would. */
export async function readmeWithOptions(readme: string): Promise<string> {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md: the markers ${BEGIN} … ${END} are missing`);
  const silent = (): void => undefined;
  const program = cliProgram({ out: silent, err: silent, raw: silent, progress: { write: silent } });
  const table = optionTableMarkdown(optionRows(program));
  const text = `${readme.slice(0, start)}${BEGIN}\n\n${table}\n\n${readme.slice(end)}`;
  const options = (await prettier.resolveConfig(README)) ?? {};
  return prettier.format(text, { ...options, filepath: README });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const before = await readFile(README, 'utf8');
  const after = await readmeWithOptions(before);
  await writeFile(README, after);
  console.log(after === before ? 'README.md: the option table was up to date.' : 'README.md: option table rewritten from the help.');
}
