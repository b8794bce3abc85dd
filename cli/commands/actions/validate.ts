/** The work of `berth validate` (loaded only when the command runs). */
import { formatManifestError, formatManifestWarning, loadManifests } from '../../../api/usecases/manifests/index.js';
import { strictness } from './load.js';

export interface ValidateIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: AsyncIterable<Buffer | string>;
}

export interface ValidateOptions {
  filename: string[];
  recursive: boolean;
  strict?: boolean;
}

/** Returns the process exit code. */
export async function runValidate(options: ValidateOptions, io: ValidateIo): Promise<number> {
  const { manifests, errors, warnings } = await loadManifests(options.filename, { recursive: options.recursive, stdin: io.stdin });
  const strictErrors = options.strict ? warnings : [];
  if (errors.length + strictErrors.length > 0) {
    for (const e of [...errors, ...strictErrors]) io.stderr.write(`${formatManifestError(e)}\n`);
    const count = errors.length + strictErrors.length;
    io.stderr.write(`${count} error${count === 1 ? '' : 's'} found${strictness(strictErrors)}\n`);
    return 1;
  }
  for (const w of warnings) io.stderr.write(`${formatManifestWarning(w)}\n`);
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
