#!/usr/bin/env node
/**
 * The `berth` command. Commander parses arguments (a well-kept library that supports Node 20 in its
 * v14 line, with generated --help per command); each command lives in its own module under cli/commands.
 */
import { Command } from 'commander';
import { registerCommands } from './commands/index.js';

const program = new Command('berth')
  .description('An ECS-style container orchestrator: clusters, task definitions, tasks and services on Docker.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

registerCommands(program);

const fail = (err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
};
// The completion scripts' entry point: its words are the user's half-typed command line, which
// commander must not parse as berth's own flags.
if (process.argv[2] === '__complete') import('./completion/run.js').then((m) => m.runComplete(program, process.argv.slice(3))).catch(fail);
else program.parseAsync(process.argv).catch(fail);
