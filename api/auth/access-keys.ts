/**
 * Access keys for ECS's API (api/server/ecs): an access key id and a secret access key, as AWS issues
 * them, standing for a berth identity (the same roles as bearer tokens, principal.ts). Unlike a
 * bearer token, whose hash is enough to check it, a Signature V4 signature can only be checked by
 * computing it again with the secret: so the secret is stored, sealed with the installation's
 * secrets key (api/usecases/secrets/cipher.ts, the key that seals Secret values) and bound to its key id, so
 * a sealed secret copied onto another key does not open. The secret is shown once, when issued.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod';
import { sysKeys } from '../keys.js';
import type { SecretKeySource } from '../usecases/secrets/cipher.js';
import type { Store } from '../store/types.js';
import { StoreClosedError } from '../store/errors.js';
import { SealedValues } from '../v1/secret.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.js';
import { onAbort } from '../on-abort.js';
import { isExpired, TokenIdentity } from './principal.js';

/** AWS's access key ids are 20 upper-case letters and digits; berth's start with BKIA (not AKIA: never mistaken for an AWS key). */
const ID_PREFIX = 'BKIA';
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const ACCESS_KEY_ID = /^BKIA[A-Z2-7]{16}$/;

const StoredAccessKey = z.object({
  accessKeyId: z.string().regex(ACCESS_KEY_ID),
  identity: TokenIdentity,
  secret: SealedValues,
  createdAt: z.string(),
});
type StoredAccessKey = z.infer<typeof StoredAccessKey>;

export interface IssuedAccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

const binding = (accessKeyId: string) => `access-key/${accessKeyId}`;

/** Wait before following the keys again after the watch broke (the store is likely down: do not spin). */
const RETRY_MS = 1_000;

type LookedUp = { identity: TokenIdentity; secret: string };

/**
 * The ECS endpoint looks a key up twice a request (before and after the body), so looked-up keys
 * are kept in memory — but only while a watch of the access keys runs (start()): any change to
 * them (a key revoked here or on another server sharing the store, one issued) empties the cache
 * as soon as the watch brings it, so a revoked key stops working everywhere within the watch's
 * delivery time, not after a fixed cache time. Before start(), and while the watch is broken, every
 * look-up reads the store, as the token mirror does (token-mirror.ts).
 */
export class AccessKeyRegistry {
  /** Keys found in the store (never keys that were not: one issued on another server must work at once). */
  private readonly cache = new Map<string, LookedUp>();
  /** Whether the watch follows the keys: the cache is used only then. */
  private watching = false;
  /** Bumped on every change the watch brings: a look-up that read the store before one must not cache what it read. */
  private changes = 0;
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly keys: SecretKeySource,
    private readonly now: () => number = Date.now,
  ) {}

  /** Follows the access keys in the background until stop(); the cache works from then on. */
  start(log: Logger): void {
    this.running ??= this.follow(log);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  /** A new key for `identity`; the secret is returned once and kept only sealed. */
  async issue(identity: TokenIdentity): Promise<IssuedAccessKey> {
    const accessKeyId = ID_PREFIX + Array.from({ length: 16 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('');
    // 30 random bytes are 40 base64 characters, the length of an AWS secret access key.
    const secretAccessKey = randomBytes(30).toString('base64').replace(/\+/g, 'A').replace(/\//g, 'B');
    const stored: StoredAccessKey = {
      accessKeyId,
      identity,
      secret: this.keys.cipher().seal(Buffer.from(secretAccessKey, 'utf8'), binding(accessKeyId)),
      createdAt: new Date(this.now()).toISOString(),
    };
    await this.store.put(sysKeys.accessKey(accessKeyId), JSON.stringify(stored));
    return { accessKeyId, secretAccessKey };
  }

  /** The identity and secret of a key, or undefined when there is no such key (or its identity expired). */
  async lookUp(accessKeyId: string): Promise<LookedUp | undefined> {
    if (!ACCESS_KEY_ID.test(accessKeyId)) return undefined;
    const at = this.now();
    const cached = this.watching ? this.cache.get(accessKeyId) : undefined;
    if (cached) return isExpired(cached.identity, at) ? undefined : cached;
    const changes = this.changes;
    const kv = await this.store.get(sysKeys.accessKey(accessKeyId));
    const stored = kv && parseStored(kv.value);
    if (!stored || stored.accessKeyId !== accessKeyId || isExpired(stored.identity, at)) return undefined;
    const key = { identity: stored.identity, secret: this.keys.cipher().open(stored.secret, binding(accessKeyId)).toString('utf8') };
    if (this.watching && changes === this.changes) this.cache.set(accessKeyId, key);
    return key;
  }

  /** Every key: its id, identity and creation time (never its secret). */
  async list(): Promise<{ accessKeyId: string; identity: TokenIdentity; createdAt: string }[]> {
    const { items } = await this.store.range(sysKeys.accessKeysPrefix());
    return items.flatMap((kv) => {
      const stored = parseStored(kv.value);
      return stored ? [{ accessKeyId: stored.accessKeyId, identity: stored.identity, createdAt: stored.createdAt }] : [];
    });
  }

  async revoke(accessKeyId: string): Promise<boolean> {
    if (!ACCESS_KEY_ID.test(accessKeyId)) return false;
    this.changed();
    const { deleted } = await this.store.delete(sysKeys.accessKey(accessKeyId));
    // Again, at once rather than when the watch brings it: a lookUp that ran meanwhile may have cached the key just before it went.
    this.changed();
    return deleted;
  }

  /** The cache is stale (or may be): empty it, and keep look-ups already reading the store from filling it. */
  private changed(): void {
    this.changes++;
    this.cache.clear();
  }

  private async follow(log: Logger): Promise<void> {
    const { signal } = this.stopping;
    while (!signal.aborted) {
      try {
        const { revision } = await this.store.range(sysKeys.accessKeysPrefix(), { limit: 1 });
        const watch = this.store.watch(sysKeys.accessKeysPrefix(), { fromRevision: revision + 1, prevValues: false });
        const stopFollowing = onAbort(signal, () => void watch.cancel());
        // A look-up that read the store before `revision` could cache a key deleted before the watch starts.
        this.changed();
        this.watching = true;
        try {
          for await (const batch of watch) if (batch.events.length > 0) this.changed();
        } finally {
          stopFollowing();
        }
      } catch (err) {
        // A closed store is the end of this server (its close() came after the store's): nothing to follow any more.
        if (err instanceof StoreClosedError) return;
        if (!signal.aborted) log.warn({ err }, 'the access key watch broke; ECS API requests read their key from the store until it is back');
      } finally {
        this.watching = false;
        this.changed();
      }
      // Unreferenced: following the keys never keeps a process alive on its own.
      await sleep(RETRY_MS, undefined, { signal, ref: false }).catch(() => undefined);
    }
  }
}

function parseStored(value: string): StoredAccessKey | undefined {
  try {
    return StoredAccessKey.safeParse(JSON.parse(value)).data;
  } catch {
    return undefined;
  }
}
