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
import { SealedValues } from '../v1/secret.js';
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

/**
 * How long a looked-up key is used without reading the store again. The ECS endpoint looks a key up
 * twice a request (before and after the body); a revocation on this server takes effect at once
 * (revoke() forgets the key), one on another server sharing the store within this time.
 */
export const ACCESS_KEY_CACHE_MS = 2_000;

type LookedUp = { identity: TokenIdentity; secret: string };

export class AccessKeyRegistry {
  /** Keys found in the store (never keys that were not: one issued on another server must work at once). */
  private readonly cache = new Map<string, { key: LookedUp; until: number }>();

  constructor(
    private readonly store: Store,
    private readonly keys: SecretKeySource,
    private readonly now: () => number = Date.now,
    private readonly cacheMs = ACCESS_KEY_CACHE_MS,
  ) {}

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
    const cached = this.cache.get(accessKeyId);
    if (cached && cached.until > at) return isExpired(cached.key.identity, at) ? undefined : cached.key;
    this.cache.delete(accessKeyId);
    const kv = await this.store.get(sysKeys.accessKey(accessKeyId));
    const stored = kv && parseStored(kv.value);
    if (!stored || stored.accessKeyId !== accessKeyId || isExpired(stored.identity, at)) return undefined;
    const key = { identity: stored.identity, secret: this.keys.cipher().open(stored.secret, binding(accessKeyId)).toString('utf8') };
    this.cache.set(accessKeyId, { key, until: at + this.cacheMs });
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
    this.cache.delete(accessKeyId);
    const { deleted } = await this.store.delete(sysKeys.accessKey(accessKeyId));
    // Again: a lookUp that ran meanwhile may have cached the key just before it went.
    this.cache.delete(accessKeyId);
    return deleted;
  }
}

function parseStored(value: string): StoredAccessKey | undefined {
  try {
    return StoredAccessKey.safeParse(JSON.parse(value)).data;
  } catch {
    return undefined;
  }
}
