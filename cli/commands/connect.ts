/**
 * From the global flags to a client: server, token and cluster as api/client/connection.ts finds
 * them (flags, then environment, then the config file, then defaults).
 */
import { connect as connectClient } from '../../api/client/connection.js';
import type { HttpClient } from '../../api/client/http-client.js';
import type { GlobalFlags } from './global-options.js';

export interface Session {
  client: HttpClient;
  /** The cluster commands work in when not told otherwise. */
  cluster: string;
  server: string;
  close(): void;
}

export function connect(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env): Session {
  const { client, cluster, server } = connectClient(
    { server: flags.server, token: flags.token, cluster: flags.cluster, caFile: flags.caFile, context: flags.context },
    env,
  );
  return { client, cluster, server, close: () => client.close() };
}
