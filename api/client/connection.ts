/**
 * Where a client finds its server and token, in kubectl's order: flags, then the environment
 * (BERTH_SERVER, BERTH_TOKEN, BERTH_CA, BERTH_CLUSTER), then the config file that `berth up` writes
 * (~/.berth/config, or BERTH_CONFIG). The CLI and out-of-process controllers share it, so a
 * controller started on the machine where `berth up` runs needs no flags at all.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_CLUSTER } from '../v1/meta.js';
import { HttpClient } from './http-client.js';

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

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function readConfigFile(path: string): BerthConfig | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path} is not valid JSON (${err instanceof Error ? err.message : String(err)}); fix it or delete it and run \`berth up\` again`);
  }
  const parsed = BerthConfig.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export interface ConnectionFlags {
  server?: string;
  token?: string;
  caFile?: string;
}

/** Flags win over the environment, which wins over the config file. */
export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): BerthConfig {
  const file = readConfigFile(configPath(env));
  const server = flags.server ?? env.BERTH_SERVER ?? file?.server ?? DEFAULT_SERVER;
  const token = flags.token ?? env.BERTH_TOKEN ?? file?.token;
  const caFile = flags.caFile ?? env.BERTH_CA ?? file?.caFile;
  const parsed = BerthConfig.safeParse({ server, token, caFile, cluster: file?.cluster });
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
