/**
 * The bearer-token registry, kept in the Store so every API server of an installation sees the same
 * tokens. Only the SHA-256 of a token is stored (as the key and in the value): a leaked store
 * snapshot does not leak usable tokens. Lookup is by hash, and the stored hash is compared with
 * timingSafeEqual so a mismatch costs the same time wherever it occurs.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { sysKeys } from '../keys.js';
import type { Store } from '../store/types.js';
import { TokenIdentity } from './principal.js';

const TOKEN_PREFIX = 'berth_';
const StoredToken = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), identity: TokenIdentity });

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** 32 random bytes: unguessable, and recognisable in a leaked log by its prefix. */
export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export class TokenRegistry {
  constructor(private readonly store: Store) {}

  /** Register (or re-register) `token` for `identity`. */
  async register(token: string, identity: TokenIdentity): Promise<void> {
    const sha256 = hashToken(token);
    await this.store.put(sysKeys.token(sha256), JSON.stringify(StoredToken.parse({ sha256, identity })));
  }

  /** A new random admin token, registered; the caller shows or saves it (it cannot be read back). */
  async issueAdminToken(name = 'admin'): Promise<string> {
    const token = newToken();
    await this.register(token, { name, role: 'admin' });
    return token;
  }

  /** A new token for the agent of one container instance. */
  async issueAgentToken(cluster: string, instance: string): Promise<string> {
    const token = newToken();
    await this.register(token, { name: `agent:${cluster}/${instance}`, role: 'agent', cluster, instance });
    return token;
  }

  /** A new token agents accept for reading container logs, and the API accepts for nothing else. */
  async issueLogReaderToken(name = 'api-server (log reader)'): Promise<string> {
    const token = newToken();
    await this.register(token, { name, role: 'log-reader' });
    return token;
  }

  /** The identity a token stands for, or undefined when it is not registered. */
  async authenticate(token: string): Promise<TokenIdentity | undefined> {
    const sha256 = hashToken(token);
    const kv = await this.store.get(sysKeys.token(sha256));
    if (!kv) return undefined;
    const stored = StoredToken.safeParse(safeJson(kv.value));
    if (!stored.success) return undefined;
    const same = timingSafeEqual(Buffer.from(stored.data.sha256, 'hex'), Buffer.from(sha256, 'hex'));
    return same ? stored.data.identity : undefined;
  }

  async revoke(token: string): Promise<boolean> {
    return (await this.store.delete(sysKeys.token(hashToken(token)))).deleted;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
