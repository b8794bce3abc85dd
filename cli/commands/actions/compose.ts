/** `berth compose convert`: manifests on stdout, warnings and errors on stderr. */
import { stringify } from 'yaml';
import { formatManifestError } from '../../../api/usecases/manifests/index.js';
import { loadComposeFile } from '../../compose/load.js';
import { reportCompose } from '../../compose/report.js';
import type { ComposeConvertFlags } from '../compose.js';
import { processIo } from './run.js';

export default async function runComposeConvert(flags: ComposeConvertFlags & { file: string }): Promise<number> {
  const io = processIo;
  if (flags.output !== 'yaml' && flags.output !== 'json') {
    io.stderr.write(`error: invalid --output "${flags.output}": must be yaml or json\n`);
    return 1;
  }
  let load;
  try {
    load = await loadComposeFile(flags.file, { singleTask: flags.singleTask, strict: flags.strict });
  } catch (err) {
    io.stderr.write(`${formatManifestError({ file: flags.file, line: 0, column: 0, path: '', message: err instanceof Error ? err.message : String(err) })}\n`);
    return 1;
  }
  if (!reportCompose(load, io.stderr)) return 1;
  if (flags.output === 'json') io.stdout.write(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: load.objects }, null, 2)}\n`);
  else io.stdout.write(load.objects.map((o) => stringify(o)).join('---\n'));
  return 0;
}
