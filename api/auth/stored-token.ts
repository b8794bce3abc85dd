/**
 * How a registered token is stored: under the hex SHA-256 of the token, a value naming that hash
 * again and the identity. Read by the registry (one key) and by its mirror (every key).
 */
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { TokenIdentity } from './principal.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

export const StoredToken = z.object({ sha256: z.string().regex(SHA256_HEX), identity: TokenIdentity });

/**
 * The identity a stored value grants to the token whose hash is `sha256`, or undefined when the
 * value is not a token's or names another hash. The hashes are compared with timingSafeEqual, so a
 * mismatch costs the same time wherever it occurs.
 */
export function storedIdentity(value: string, sha256: string): TokenIdentity | undefined {
  const stored = StoredToken.safeParse(safeJson(value));
  if (!stored.success || !SHA256_HEX.test(sha256)) return undefined;
  return timingSafeEqual(Buffer.from(stored.data.sha256, 'hex'), Buffer.from(sha256, 'hex')) ? stored.data.identity : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
