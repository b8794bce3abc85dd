/**
 * The CLI's own side of its configuration: where `berth up` keeps its state, and reading and
 * writing the config file's contexts (cli/contexts.ts says how they change). Finding the server
 * and token is the client's (api/client/connection.ts), re-exported here.
 */
import { mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { readContextsFile, type ContextsFile } from '../api/client/contexts.js';
import { EMPTY_CONFIG } from './contexts.js';

export { BerthConfig, ConfigError, DEFAULT_SERVER, configPath, resolveConnection, type ConnectionFlags } from '../api/client/connection.js';

export function berthHome(): string {
  return join(homedir(), '.berth');
}

/** The config file's contexts, for a command about to change them ({contexts: []} when there is no file). */
export function readConfigForEdit(path: string): ContextsFile {
  return readContextsFile(path)?.file ?? EMPTY_CONFIG;
}

/** Written 0600: a context may hold a token inline (a file from before contexts). */
export function writeConfigFile(path: string, config: ContextsFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * The context name `berth up` gives its installation: `local` for the default data directory,
 * otherwise the data directory's own name (`/srv/berth-prod` → `berth-prod`).
 */
export function installationContextName(dataDir: string): string {
  if (resolve(dataDir) === resolve(berthHome(), 'data')) return 'local';
  const name = basename(resolve(dataDir))
    .replace(/[^A-Za-z0-9._@-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return name === '' ? 'local' : name;
}
