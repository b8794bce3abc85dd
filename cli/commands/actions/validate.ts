/** The work of `berth validate` (loaded only when the command runs). */
import { formatManifestError, loadManifests } from '../../../api/manifests/index.js';

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

export default function validateAction(options: ValidateOptions): Promise<number> {
  return runValidate(options, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
}
