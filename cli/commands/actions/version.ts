/** `berth version`: the client's version always; the server's when reachable, else the reason on stderr and exit 1 (as kubectl). */
import { packageVersion } from '../../../api/package-version.js';
import type { ServerVersion } from '../../../api/client/server-version.js';
import { formatError } from '../../output/errors.js';
import { OutputFormatError } from '../../output/print.js';
import { connect } from '../connect.js';
import type { VersionFlags } from '../version.js';
import { processIo, reportErrors, type Io } from './run.js';

export default function runVersion(flags: VersionFlags, io: Io = processIo): Promise<number> {
  return reportErrors(async () => {
    if (flags.output !== undefined && flags.output !== 'json') throw new OutputFormatError(flags.output);
    const client = { version: packageVersion() };
    let server: ServerVersion | undefined;
    let failure: unknown;
    if (!flags.client) {
      try {
        const session = connect(flags);
        try {
          server = await session.client.serverVersion();
        } finally {
          session.close();
        }
      } catch (err) {
        failure = err;
      }
    }
    if (flags.output === 'json') io.stdout.write(`${JSON.stringify({ clientVersion: client, ...(server ? { serverVersion: server } : {}) }, null, 2)}\n`);
    else {
      io.stdout.write(`Client Version: ${client.version}\n`);
      if (server) io.stdout.write(`Server Version: ${server.version} (API ${server.apiVersion}, Node ${server.node})\n`);
    }
    if (failure === undefined) return 0;
    io.stderr.write(`cannot get the server version: ${formatError(failure)}\n`);
    return 1;
  }, io);
}
