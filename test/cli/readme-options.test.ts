import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { cliProgram } from '../../src/cli/main.js';
import { EVERY_COMMAND, optionRows } from '../../src/cli/option-table.js';
import { README, readmeWithOptions } from '../../scripts/readme-options.js';

const silent = (): void => undefined;
const program = () => cliProgram({ out: silent, err: silent, raw: silent, progress: { write: silent } });

describe("the README's option table", () => {
  it('is what the help defines (run `npm run readme` after changing an option)', async () => {
    const readme = await readFile(README, 'utf8');
    expect(await readmeWithOptions(readme)).toBe(readme);
  });

  it('states each default as the help does: --profile defaults to auto for the commands that score, to ningxia for init', () => {
    const rows = optionRows(program());
    const profile = rows.filter((r) => r.flags === '--profile <方案>');
    expect(profile.map((r) => [r.commands, /\(默认：(\w+)\)$/.exec(r.note)?.[1]])).toEqual([
      ['check、build、watch、serve', 'auto'],
      ['init', 'ningxia'],
    ]);
    expect(rows.find((r) => r.flags === '--scores <口径>')?.note).toContain('(默认：auto；可选：filled、auto、computed)');
    expect(rows.filter((r) => r.commands === EVERY_COMMAND).map((r) => r.flags)).toEqual(['-v, --version', '-q, --quiet', '--debug', '-h, --help']);
  });

  it('has a row for every option of every command', () => {
    const p = program();
    const rows = optionRows(p);
    for (const cmd of p.commands.filter((c) => c.name() !== 'help'))
      for (const o of cmd.options)
        expect(
          rows.some((r) => r.flags === o.flags && r.commands.split('、').includes(cmd.name())),
          `${cmd.name()} ${o.flags}`,
        ).toBe(true);
  });
});
