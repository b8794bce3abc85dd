/** Where exec and port-forward open their WebSockets: the server, token and CA the global flags resolve to. */
import { readFileSync } from 'node:fs';
import { resolveConnection } from '../../../api/client/connection.js';
import type { StreamConnection } from '../../../api/client/task-stream.js';
import type { GlobalFlags } from '../global-options.js';

export function streamConnection(flags: GlobalFlags): StreamConnection {
  const config = resolveConnection({ server: flags.server, token: flags.token, caFile: flags.caFile, context: flags.context });
  return { server: config.server, ...(config.token ? { token: config.token } : {}), ...(config.caFile ? { ca: readFileSync(config.caFile) } : {}) };
}
