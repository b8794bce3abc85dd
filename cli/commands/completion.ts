/** `berth completion bash|zsh|fish`: prints a script that completes commands, flags and object names through `berth __complete`. */
import { Command } from 'commander';

export function completionCommand(): Command {
  return new Command('completion')
    .description('Print a shell completion script: source <(berth completion bash), or zsh, or: berth completion fish | source')
    .argument('<shell>', 'bash, zsh or fish')
    .action(async (shell: string, _options: unknown, command: Command) => {
      const scripts = await import('../completion/scripts.js');
      const program = command.parent?.name() ?? 'berth';
      const script =
        shell === 'bash'
          ? scripts.bashCompletion(program)
          : shell === 'zsh'
            ? scripts.zshCompletion(program)
            : shell === 'fish'
              ? scripts.fishCompletion(program)
              : undefined;
      if (script === undefined) {
        process.stderr.write(`error: unsupported shell "${shell}": expected bash, zsh or fish\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(script);
    });
}
