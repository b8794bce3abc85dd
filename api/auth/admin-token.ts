/**
 * The admin token of a single-machine installation (`berth up`): kept in `<dataDir>/admin.token`,
 * readable by its owner only, and registered in the store. A restart reuses the file's token so
 * the CLI keeps working; a missing file gets a fresh token.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir } from '../store/private-files.js';
import type { TokenRegistry } from './tokens.js';
import { newToken } from './tokens.js';

export const ADMIN_TOKEN_FILE = 'admin.token';

export function adminTokenPath(dataDir: string): string {
  return join(dataDir, ADMIN_TOKEN_FILE);
}

/** Returns the admin token, creating `<dataDir>/admin.token` (mode 0600) when it does not exist. */
export async function createAdminToken(registry: TokenRegistry, dataDir: string): Promise<string> {
  const path = adminTokenPath(dataDir);
  ensurePrivateDir(dataDir);
  let token = existsSync(path) ? readFileSync(path, 'utf8').trim() : '';
  if (token === '') {
    token = newToken();
    // `mode` applies only when the file is created, and then minus the umask: chmod makes it exact.
    writeFileSync(path, `${token}\n`, { mode: 0o600 });
  }
  chmodSync(path, 0o600);
  await registry.register(token, { name: 'admin', role: 'admin' });
  return token;
}
