/**
 * From the global flags to a client: server and token as resolveConnection finds them (flags, then
 * environment, then the config file), the cluster from --cluster, BERTH_CLUSTER, the config file or
 * `default`.
 */
import { readFileSync } from 'node:fs';
import { HttpClient } from '../../api/client/http-client.js';
import { DEFAULT_CLUSTER } from '../../api/v1/meta.js';
import { ConfigError, resolveConnection } from '../config.js';
import type { GlobalFlags } from './global-options.js';

export interface Session {
  client: HttpClient;
  /** The cluster commands work in when not told otherwise. */
  cluster: string;
  server: string;
  close(): void;
}

export function connect(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env): Session {
  const config = resolveConnection({ server: flags.server, token: flags.token }, env);
  let ca: Buffer | undefined;
  if (config.caFile) {
    try {
      ca = readFileSync(config.caFile);
    } catch (err) {
      throw new ConfigError(`cannot read the CA certificate ${config.caFile}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const client = new HttpClient({ server: config.server, token: config.token, ca });
  const cluster = flags.cluster ?? nonEmpty(env.BERTH_CLUSTER) ?? config.cluster ?? DEFAULT_CLUSTER;
  return { client, cluster, server: config.server, close: () => client.close() };
}

const nonEmpty = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);
