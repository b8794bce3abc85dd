/**
 * The command tree completion works from, read off commander's registered commands so that a new
 * command or flag completes without anyone editing a list.
 */
import type { Command } from 'commander';

export interface OptionNode {
  /** `-o` and `--output`. */
  flags: string[];
  /** The value's name as written in the help (`<format>`), or undefined for a switch. */
  value: string | undefined;
}

export interface CommandNode {
  name: string;
  options: OptionNode[];
  /** Positional argument names in order (`kind`, `names`); the last may repeat. */
  args: string[];
  subcommands: CommandNode[];
}

export function commandTree(command: Command): CommandNode {
  return {
    name: command.name(),
    options: command.options.map((o) => ({
      flags: [o.short, o.long].filter((f): f is string => f !== undefined),
      value: o.required || o.optional ? (/[<[]([^>\]]+)[>\]]/.exec(o.flags)?.[1] ?? 'value') : undefined,
    })),
    args: command.registeredArguments.map((a) => a.name()),
    subcommands: command.commands.filter((c) => !c.name().startsWith('__')).map(commandTree),
  };
}
