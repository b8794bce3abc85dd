/** `berth completion bash|zsh`: prints a completion script for the commands registered on the program. */
import { Command } from 'commander';

/** Kinds as typed (kept here, not imported, so that loading the command stays cheap). */
const KINDS = ['services', 'svc', 'tasks', 'task', 'taskdefinitions', 'td', 'containerinstances', 'ci', 'instances', 'clusters', 'cluster'];
const OUTPUT_FORMATS = ['wide', 'yaml', 'json', 'name', 'jsonpath=', 'custom-columns='];

export function completionCommand(): Command {
  return new Command('completion')
    .description('Print a shell completion script: source <(berth completion bash)')
    .argument('<shell>', 'bash or zsh')
    .action(async (shell: string, _options: unknown, command: Command) => {
      const { bashCompletion, zshCompletion } = await import('../output/completion.js');
      const program = command.parent;
      if (!program || (shell !== 'bash' && shell !== 'zsh')) {
        process.stderr.write(`error: unsupported shell "${shell}": expected bash or zsh\n`);
        process.exitCode = 1;
        return;
      }
      const model = {
        program: program.name(),
        commands: program.commands.map((c) => ({
          name: c.name(),
          options: c.options.flatMap((o) => [o.short, o.long].filter((f): f is string => f !== undefined)),
          takesKind: ['kind', 'args'].includes(c.registeredArguments[0]?.name() ?? '') && c.name() !== 'scale',
        })),
        kinds: KINDS,
        outputFormats: OUTPUT_FORMATS,
      };
      process.stdout.write(shell === 'bash' ? bashCompletion(model) : zshCompletion(model));
    });
}
