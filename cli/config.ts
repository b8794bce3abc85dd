/**
 * The CLI's own side of its configuration: where `berth up` keeps its state, and writing the config
 * file. Finding the server and token is the client's (api/client/connection.ts), re-exported here.
 */
import { mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BerthConfig } from '../api/client/connection.js';

export { BerthConfig, ConfigError, DEFAULT_SERVER, configPath, readConfigFile, resolveConnection, type ConnectionFlags } from '../api/client/connection.js';

export function berthHome(): string {
  return join(homedir(), '.berth');
}

/** Written 0600: it holds the admin token. */
export function writeConfigFile(path: string, config: BerthConfig): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}
