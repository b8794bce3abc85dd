/** `berth explain`: needs no server; the schemas are built into the client. */
import { explain } from '../../output/explain.js';
import { resolveKind } from '../../output/kinds.js';
import type { ExplainFlags } from '../explain.js';
import { processIo, reportErrors, type Io } from './run.js';

export default function runExplain(flags: ExplainFlags, io: Io = processIo): Promise<number> {
  return reportErrors(async () => {
    const [kindText = '', ...path] = flags.path.split('.').filter((p) => p !== '');
    io.stdout.write(explain(resolveKind(kindText), path));
    return 0;
  }, io);
}
