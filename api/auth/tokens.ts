/**
 * The bearer-token registry, kept in the Store so every API server of an installation sees the same
 * tokens. Only the SHA-256 of a token is stored (as the key and in the value): a leaked store
 * snapshot does not leak usable tokens. Lookup is by hash (see stored-token.ts); with a TokenMirror
 * a registered token is found in memory, and only an unknown one costs a store read.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sysKeys } from '../keys.js';
import type { Store } from '../store/types.js';
import { isExpired, type ClusterRole, type ScrapeOrLbIdentity, type TokenIdentity } from './principal.js';
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
    private readonly now: () => number = Date.now,
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

  /**
   * A new token agents accept for reading container logs, and the API accepts for nothing else;
   * with `scope`, only the agent of that instance accepts it (with `path`, for that log path only).
   */
  async issueLogReaderToken(name = 'api-server (log reader)', scope?: { cluster: string; instance: string; path?: string; ttlMs: number }): Promise<string> {
    const token = newToken();
    const expiresAt = scope && new Date(this.now() + scope.ttlMs).toISOString();
    const bound = scope && { cluster: scope.cluster, instance: scope.instance, ...(scope.path !== undefined ? { path: scope.path } : {}), expiresAt };
    await this.register(token, { name, role: 'log-reader', ...bound });
    return token;
  }

  /** A new token of a user with a role per cluster, valid for `ttlMs` (absent: until revoked). */
  async issueUserToken(name: string, grants: Record<string, ClusterRole>, ttlMs?: number): Promise<{ token: string; id: string; expiresAt?: string }> {
    const token = newToken();
    const expiresAt = ttlMs === undefined ? undefined : new Date(this.now() + ttlMs).toISOString();
    await this.register(token, { name, role: 'user', grants, ...(expiresAt ? { expiresAt } : {}) });
    return { token, id: tokenId(hashToken(token)), expiresAt };
  }

  /**
   * A new token of a machine's role, valid for `ttlMs` (absent: until revoked): `scrape` reads
   * /metrics and nothing else (a Prometheus's); `lb` serves one cluster's load balancers (`berth lb`).
   */
  async issueRoleToken(identity: ScrapeOrLbIdentity, ttlMs?: number): Promise<{ token: string; id: string; expiresAt?: string }> {
    const token = newToken();
    const expiresAt = ttlMs === undefined ? undefined : new Date(this.now() + ttlMs).toISOString();
    await this.register(token, { ...identity, ...(expiresAt ? { expiresAt } : {}) });
    return { token, id: tokenId(hashToken(token)), expiresAt };
  }

  /** The identity a token stands for, or undefined when it is not registered or has expired. */
  async authenticate(token: string): Promise<TokenIdentity | undefined> {
    const sha256 = hashToken(token);
    const identity = this.mirror?.identityOf(sha256) ?? (await this.readIdentity(sha256));
    return identity && !isExpired(identity, this.now()) ? identity : undefined;
  }

  private async readIdentity(sha256: string): Promise<TokenIdentity | undefined> {
    const kv = await this.store.get(sysKeys.token(sha256));
    return kv ? storedIdentity(kv.value, sha256) : undefined;
  }

  async revoke(token: string): Promise<boolean> {
    return this.revokeHash(hashToken(token));
  }

  /** Revokes the token(s) whose id (tokenId: the start of the hash) is `id`; how many were. */
  async revokeById(id: string): Promise<number> {
    let revoked = 0;
    for (const t of await this.list()) if (t.id === id && (await this.revokeHash(t.sha256))) revoked++;
    return revoked;
  }

  /** Every registered token: its id and identity (never the token, which is not stored). */
  async list(): Promise<{ id: string; sha256: string; identity: TokenIdentity }[]> {
    const prefix = sysKeys.tokensPrefix();
    const { items } = await this.store.range(prefix);
    return items.flatMap((kv) => {
      const sha256 = kv.key.slice(prefix.length);
      const identity = storedIdentity(kv.value, sha256);
      return identity ? [{ id: tokenId(sha256), sha256, identity }] : [];
    });
  }

  /** `listener(sha256)` when a token is revoked here or (with a mirror) on any server; returns an unsubscribe. */
  onRevoked(listener: (sha256: string) => void): () => void {
    return this.mirror?.onForgotten(listener) ?? (() => undefined);
  }

  private async revokeHash(sha256: string): Promise<boolean> {
    const { deleted } = await this.store.delete(sysKeys.token(sha256));
    this.mirror?.forget(sha256);
    return deleted;
  }
}

/** How a token is named in lists and `berth token revoke`: the first 12 hex digits of its hash. */
export function tokenId(sha256: string): string {
  return sha256.slice(0, 12);
}
