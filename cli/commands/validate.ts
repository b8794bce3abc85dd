/**
 * `berth validate -f PATH [-f PATH…] [-R]`: checks manifests without talking to any server. Prints
 * every problem as FILE:LINE:COL: PATH: MESSAGE (stderr, exit 1), or one line per object found
 * (stdout, exit 0), so that editors and CI can jump straight to the bad field. Fields berth accepts
 * but does not apply are warnings (stderr, `warning: FILE:LINE:COL: …`); `--strict` makes them errors.
 */
import { Command } from 'commander';
import type { ValidateOptions } from './actions/validate.js';
import { runLazy } from './global-options.js';

// No default for -f: commander treats a default as "given" and would never report it missing.
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export function validateCommand(): Command {
  return new Command('validate')
    .description('Check manifests (YAML, JSON, ECS task definitions) and report every error with its file, line and field')
    .requiredOption('-f, --filename <path>', 'a file, a directory, or - for stdin (repeatable)', collect)
    .option('-R, --recursive', 'read directories recursively', false)
    .option('--strict', 'treat ECS fields berth accepts but does not apply as errors', false)
    .action((options: ValidateOptions) => runLazy(() => import('./actions/validate.js'), options));
}
