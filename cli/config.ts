/**
 * Where the CLI finds its server and token, in kubectl's order: flags, then the environment
 * (BERTH_SERVER, BERTH_TOKEN, BERTH_CA), then the config file that `berth up` writes
 * (~/.berth/config, or BERTH_CONFIG).
 */
import { mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';

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

export function berthHome(): string {
  return join(homedir(), '.berth');
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
  if (!parsed.success)
    throw new ConfigError(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Written 0600: it holds the admin token. */
export function writeConfigFile(path: string, config: BerthConfig): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
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
