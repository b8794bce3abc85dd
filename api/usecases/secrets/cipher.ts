/**
 * Sealing secret values at rest: AES-256-GCM (node:crypto), a fresh 96-bit nonce per seal, the
 * secret's `cluster/name` as additional authenticated data (a sealed value copied onto another
 * secret does not open), and the id of the key beside the ciphertext, so keys can rotate: the first
 * key of the key file seals, every key in it opens.
 *
 * The key file is KMS-like and small: `{"keys": [{"id": "k2", "key": "<32 bytes, base64>"}, …]}`,
 * mode 0600. `berth up` (embedded store) makes one in its data directory on first use; a server on
 * etcd is given one (`--secrets-key-file` / BERTH_SECRETS_KEY_FILE), the same file on every
 * replica, kept apart from etcd's backups.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { z } from 'zod';
import { PRIVATE_FILE_MODE } from '../../store/private-files.js';
import type { SealedValues } from '../../v1/secret.js';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;

/** The key file is missing, unreadable, malformed, too open, or lacks a key a sealed value names. */
export class SecretsKeyError extends Error {
  override readonly name = 'SecretsKeyError';
  readonly retriable = false;
}

/** A sealed value did not open: tampered with, or moved from another secret. */
export class SecretOpenError extends Error {
  override readonly name = 'SecretOpenError';
  readonly retriable = false;
}

const KeyFile = z.strictObject({
  keys: z.array(z.strictObject({ id: z.string().min(1).max(128), key: z.string().min(1) })).min(1, 'needs at least one key; the first one seals'),
});

export interface SecretKey {
  id: string;
  key: Buffer;
}

export class SecretCipher {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: readonly SecretKey[]) {
    const first = keys[0];
    if (!first) throw new SecretsKeyError('a secrets key ring needs at least one key');
    for (const k of keys)
      if (k.key.length !== KEY_BYTES) throw new SecretsKeyError(`secrets key "${k.id}" is ${k.key.length} bytes; AES-256 needs ${KEY_BYTES}`);
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** The id of the key new seals use. */
  get currentKeyId(): string {
    return this.keys[0]?.id ?? '';
  }

  seal(plain: Buffer, boundTo: string): SealedValues {
    const current = this.keys[0];
    if (!current) throw new SecretsKeyError('a secrets key ring needs at least one key');
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(ALGORITHM, current.key, nonce);
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
    return { keyId: current.id, nonce: nonce.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
  }

  open(sealed: SealedValues, boundTo: string): Buffer {
    const key = this.byId.get(sealed.keyId);
    if (!key)
      throw new SecretsKeyError(
        `the values of secret ${boundTo} are sealed with key "${sealed.keyId}", which the secrets key file no longer holds; add it back (after the current key)`,
      );
    try {
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(sealed.nonce, 'base64'));
      decipher.setAAD(Buffer.from(boundTo, 'utf8'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
    } catch {
      throw new SecretOpenError(
        `the sealed values of secret ${boundTo} do not open with key "${sealed.keyId}": they were changed, or belong to another secret`,
      );
    }
  }
}

/** Where a process gets its cipher: loaded on first use, then kept. */
export interface SecretKeySource {
  cipher(): SecretCipher;
  /** For messages: where the key lives. */
  readonly description: string;
}

/**
 * The key file at `path`. With `create`, a missing file is made with one fresh random key (the
 * embedded store's data directory); without, a missing file is an error naming the flag.
 */
export function keyFileSource(path: string, options: { create: boolean }): SecretKeySource {
  let loaded: SecretCipher | undefined;
  return {
    description: path,
    cipher() {
      if (loaded) return loaded;
      if (!existsSync(path)) {
        if (!options.create)
          throw new SecretsKeyError(`the secrets key file ${path} does not exist; make one (README: Secrets) and pass it with --secrets-key-file`);
        createKeyFile(path);
      }
      loaded = readKeyFile(path);
      return loaded;
    },
  };
}

/** No key configured: every seal or open says how to configure one. */
export function noKeySource(why: string): SecretKeySource {
  return {
    description: 'none',
    cipher() {
      throw new SecretsKeyError(why);
    },
  };
}

/** A key file with one fresh key; O_EXCL, so two processes starting at once cannot both make one. */
export function createKeyFile(path: string): void {
  const content = `${JSON.stringify({ keys: [{ id: `k-${randomBytes(4).toString('hex')}`, key: randomBytes(KEY_BYTES).toString('base64') }] })}\n`;
  let fd: number;
  try {
    fd = openSync(path, 'wx', PRIVATE_FILE_MODE);
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'EEXIST') return;
    throw err;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}

export function readKeyFile(path: string): SecretCipher {
  const mode = statSync(path).mode & 0o777;
  // A key anyone on the machine can read protects nothing; refuse rather than quietly use it.
  if ((mode & 0o077) !== 0)
    throw new SecretsKeyError(`the secrets key file ${path} has mode ${mode.toString(8)}; it must be readable by its owner only: chmod 600 ${path}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SecretsKeyError(`the secrets key file ${path} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = KeyFile.safeParse(raw);
  if (!parsed.success)
    throw new SecretsKeyError(
      `the secrets key file ${path} is not {"keys":[{"id","key"}]}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return new SecretCipher(parsed.data.keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })));
}
