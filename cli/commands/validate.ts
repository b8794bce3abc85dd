/**
 * `berth validate -f PATH [-f PATH…] [-R]`: checks manifests without talking to any server. Prints
 * every problem as FILE:LINE:COL: PATH: MESSAGE (stderr, exit 1), or one line per object found
 * (stdout, exit 0), so that editors and CI can jump straight to the bad field.
 */
import { Command } from 'commander';
import { formatManifestError, loadManifests } from '../../api/manifests/index.js';

export interface ValidateIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: AsyncIterable<Buffer | string>;
}

export interface ValidateOptions {
  filename: string[];
  recursive: boolean;
}

/** Returns the process exit code. */
export async function runValidate(options: ValidateOptions, io: ValidateIo): Promise<number> {
  const { manifests, errors } = await loadManifests(options.filename, { recursive: options.recursive, stdin: io.stdin });
  if (errors.length > 0) {
    for (const e of errors) io.stderr.write(`${formatManifestError(e)}\n`);
    io.stderr.write(`${errors.length} error${errors.length === 1 ? '' : 's'} found\n`);
    return 1;
  }
  if (manifests.length === 0) {
    // Most likely a mistyped directory or a missing -R: say so rather than pass silently.
    io.stderr.write(`no objects found in ${options.filename.join(', ')} (directories are read for *.yaml, *.yml, *.json; add -R to descend)\n`);
    return 1;
  }
  for (const m of manifests) {
    if (!m.ok) continue;
    const { kind, metadata } = m.object;
    const cluster = kind === 'Cluster' ? '' : ` (${metadata.cluster})`;
    io.stdout.write(`${kind}/${metadata.name}${cluster} from ${m.source.file}\n`);
  }
  return 0;
}

// No default for -f: commander treats a default as "given" and would never report it missing.
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export function validateCommand(): Command {
  return new Command('validate')
    .description('Check manifests (YAML, JSON, ECS task definitions) and report every error with its file, line and field')
    .requiredOption('-f, --filename <path>', 'a file, a directory, or - for stdin (repeatable)', collect)
    .option('-R, --recursive', 'read directories recursively', false)
    .action(async (options: ValidateOptions) => {
      process.exitCode = await runValidate(options, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
    });
}
