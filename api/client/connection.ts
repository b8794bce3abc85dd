/**
 * Where a client finds its server and token, in kubectl's order: flags, then the environment
 * (BERTH_SERVER, BERTH_TOKEN, BERTH_CA, BERTH_CLUSTER), then a context of the config file that `berth up`
 * writes (~/.berth/config, or BERTH_CONFIG; contexts.ts). The CLI and out-of-process controllers share it, so a
 * controller started on the machine where `berth up` runs needs no flags at all.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_CLUSTER } from '../v1/meta.js';
import { ConfigError, contextToken, readContextsFile, selectContext } from './contexts.js';
import { HttpClient } from './http-client.js';

export { ConfigError };

/** Where a client connects, as resolved from flags, environment and the config file's context. */
export const BerthConfig = z.strictObject({
  server: z.url(),
  token: z.string().min(1).optional(),
  /** PEM file of the CA that signed the server's certificate (https servers). */
  caFile: z.string().optional(),
  cluster: z.string().optional(),
});
export type BerthConfig = z.infer<typeof BerthConfig>;

export const DEFAULT_SERVER = 'http://127.0.0.1:7070';

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.BERTH_CONFIG ?? join(homedir(), '.berth', 'config');
}

export interface ConnectionFlags {
  server?: string;
  token?: string;
  caFile?: string;
  /** A context of the config file other than the current one (also BERTH_CONTEXT). */
  context?: string;
}

/** Flags win over the environment, which wins over the context (--context, BERTH_CONTEXT, else the current one). */
export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): BerthConfig {
  const path = configPath(env);
  const context = selectContext(readContextsFile(path)?.file, flags.context ?? nonEmpty(env.BERTH_CONTEXT), path);
  const server = flags.server ?? env.BERTH_SERVER ?? context?.server ?? DEFAULT_SERVER;
  const token = flags.token ?? env.BERTH_TOKEN ?? (context ? contextToken(context) : undefined);
  const caFile = flags.caFile ?? env.BERTH_CA ?? context?.caFile;
  const parsed = BerthConfig.safeParse({ server, token, caFile, cluster: context?.cluster });
  if (!parsed.success) throw new ConfigError(`server address "${server}" is not a URL; expected e.g. ${DEFAULT_SERVER}`);
  return parsed.data;
}

/** A connected client, and where it points. */
export interface Connection {
  client: HttpClient;
  server: string;
  /** The cluster to work in when not told otherwise: --cluster, BERTH_CLUSTER, the config file, or `default`. */
  cluster: string;
}

/**
 * An HttpClient for the server `resolveConnection` finds (with its CA certificate read, if any).
 *
 *   const { client } = connect();   // the server and token `berth up` wrote, or BERTH_SERVER/BERTH_TOKEN
 */
export function connect(flags: ConnectionFlags & { cluster?: string } = {}, env: NodeJS.ProcessEnv = process.env): Connection {
  const config = resolveConnection(flags, env);
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
  return { client, server: config.server, cluster };
}

const nonEmpty = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);
