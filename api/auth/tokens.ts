/**
 * The bearer-token registry, kept in the Store so every API server of an installation sees the same
 * tokens. Only the SHA-256 of a token is stored (as the key and in the value): a leaked store
 * snapshot does not leak usable tokens. Lookup is by hash (see stored-token.ts); with a TokenMirror
 * a registered token is found in memory, and only an unknown one costs a store read.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sysKeys } from '../keys.js';
import type { Store } from '../store/types.js';
import type { TokenIdentity } from './principal.js';
import { StoredToken, storedIdentity } from './stored-token.js';
import type { TokenMirror } from './token-mirror.js';

const TOKEN_PREFIX = 'berth_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** 32 random bytes: unguessable, and recognisable in a leaked log by its prefix. */
export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export class TokenRegistry {
  constructor(
    private readonly store: Store,
    /** Started and stopped by whoever made it (the control plane); absent: every lookup reads the store. */
    private readonly mirror?: TokenMirror,
  ) {}

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
    const mirrored = this.mirror?.identityOf(sha256);
    if (mirrored) return mirrored;
    const kv = await this.store.get(sysKeys.token(sha256));
    return kv ? storedIdentity(kv.value, sha256) : undefined;
  }

  async revoke(token: string): Promise<boolean> {
    const sha256 = hashToken(token);
    const { deleted } = await this.store.delete(sysKeys.token(sha256));
    this.mirror?.forget(sha256);
    return deleted;
  }
}
