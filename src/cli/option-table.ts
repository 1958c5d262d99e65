import type { Command } from 'commander';

export interface OptionRow {
  /** as the help writes it: `--out <文件夹>` */
  flags: string;
  /** the commands that take it, `所有命令通用` for the program's own options */
  commands: string;
  /** the help's text for it, with its default and choices */
  note: string;
}

/** What `ziping --help` calls the options every command takes. */
export const EVERY_COMMAND = '所有命令通用';

/**
 * Every option as the help states it (commander's own view of the program: the same text, defaults
 * and choices `ziping <命令> --help` prints), one row each; an option several commands take with the
 * same text is one row naming them all. The program's options come last, as one row each for all
 * commands; each command's -h is that row too.
 */
export function optionRows(program: Command): OptionRow[] {
  const help = program.createHelp();
  const rows = new Map<string, { flags: string; note: string; commands: string[] }>();
  const helpFlags = help.visibleOptions(program).find((o) => o.long === '--help')?.flags;
  const add = (flags: string, note: string, command: string): void => {
    const key = `${flags}\n${note}`;
    const row = rows.get(key) ?? { flags, note, commands: [] };
    row.commands.push(command);
    rows.set(key, row);
  };
  for (const cmd of help.visibleCommands(program)) {
    if (cmd.name() === 'help') continue;
    for (const o of help.visibleOptions(cmd)) if (o.flags !== helpFlags) add(o.flags, help.optionDescription(o), cmd.name());
  }
  for (const o of help.visibleOptions(program)) add(o.flags, help.optionDescription(o), EVERY_COMMAND);
  return [...rows.values()].map((r) => ({ flags: r.flags, note: r.note, commands: r.commands.join('、') }));
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The rows as a Markdown table (for the README). */
export function optionTableMarkdown(rows: OptionRow[]): string {
  const lines = ['| 选项 | 用于 | 作用 |', '| --- | --- | --- |'];
  for (const r of rows) lines.push(`| \`${cell(r.flags)}\` | ${cell(r.commands)} | ${cell(r.note)} |`);
  return lines.join('\n');
}
