/**
 * What the resource layer stores of a Secret: the values given in `data`/`stringData` sealed into
 * `spec.sealed` (cipher.ts), each key's size in `spec.keys`, and neither `data` nor `stringData`.
 * Pure except for the cipher: the resource store calls it on every create and update of a Secret.
 *
 *  - values given, the same as stored → the stored seal is kept (no new nonce, so applying the
 *    same manifest twice writes nothing);
 *  - values given, different → sealed anew with the current key;
 *  - no values, a seal the caller brought that is not the stored one (a restore) → kept only if it
 *    opens for this secret with a key of ours, else refused at spec.sealed;
 *  - no values → the stored seal and sizes are kept (no client can read values to send them back).
 */
import { isDeepStrictEqual } from 'node:util';
import type { SecretResource, SecretSpec, SealedValues } from '../../v1/secret.js';
import { SecretOpenError, type SecretKeySource } from './cipher.js';

/** A secret's values by key, as bytes. */
export type SecretValues = Record<string, Buffer>;

/** What a sealed value is bound to: it opens only for the secret of this cluster and name. */
export function sealBinding(cluster: string, name: string): string {
  return `${cluster}/${name}`;
}

/** The values a write carries (stringData wins over data for the same key), or undefined when it carries none. */
export function inputValues(spec: SecretSpec): SecretValues | undefined {
  if (spec.data === undefined && spec.stringData === undefined) return undefined;
  const out: SecretValues = {};
  for (const [key, value] of Object.entries(spec.data ?? {})) out[key] = Buffer.from(value, 'base64');
  for (const [key, value] of Object.entries(spec.stringData ?? {})) out[key] = Buffer.from(value, 'utf8');
  return out;
}

function encodeValues(values: SecretValues): Buffer {
  const sorted = Object.keys(values).sort();
  return Buffer.from(JSON.stringify(Object.fromEntries(sorted.map((k) => [k, values[k]?.toString('base64') ?? '']))), 'utf8');
}

function decodeValues(plain: Buffer): SecretValues {
  const parsed: unknown = JSON.parse(plain.toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SecretOpenError('sealed secret values are not a JSON object');
  const out: SecretValues = {};
  for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') out[key] = Buffer.from(value, 'base64');
  return out;
}

export function openSealed(sealed: SealedValues | undefined, binding: string, keys: SecretKeySource): SecretValues {
  if (!sealed) return {};
  return decodeValues(keys.cipher().open(sealed, binding));
}

/** A stored secret's values. */
export function openSecret(secret: SecretResource, keys: SecretKeySource): SecretValues {
  return openSealed(secret.spec.sealed, sealBinding(secret.metadata.cluster, secret.metadata.name), keys);
}

function sizes(values: SecretValues): Record<string, number> {
  return Object.fromEntries(
    Object.keys(values)
      .sort()
      .map((k) => [k, values[k]?.length ?? 0]),
  );
}

function sameValues(a: SecretValues, b: SecretValues): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return isDeepStrictEqual(ka, kb) && ka.every((k) => a[k]?.equals(b[k] ?? Buffer.alloc(0)));
}

/** A seal the caller brought that does not open here. */
export class ForeignSealError extends Error {
  override readonly name = 'ForeignSealError';
  readonly retriable = false;
}

/** The spec to store for `next` over `current` (undefined on create); see the top of this file. */
export function storedSecretSpec(next: SecretResource, current: SecretResource | undefined, keys: SecretKeySource): SecretSpec {
  const binding = sealBinding(next.metadata.cluster, next.metadata.name);
  const given = inputValues(next.spec);
  const stored = current?.spec.sealed;
  let sealed: SealedValues | undefined;
  let values: SecretValues | undefined;
  if (given) {
    values = given;
    const keep = stored !== undefined && sameValues(openSealed(stored, binding, keys), given);
    sealed = keep ? stored : Object.keys(given).length > 0 ? keys.cipher().seal(encodeValues(given), binding) : undefined;
  } else if (next.spec.sealed && !isDeepStrictEqual(next.spec.sealed, stored)) {
    try {
      values = openSealed(next.spec.sealed, binding, keys);
    } catch (err) {
      if (err instanceof SecretOpenError) throw new ForeignSealError(err.message);
      throw err;
    }
    sealed = next.spec.sealed;
  } else {
    sealed = stored;
  }
  return {
    type: next.spec.type,
    keys: values ? sizes(values) : (current?.spec.keys ?? {}),
    ...(sealed ? { sealed } : {}),
  };
}
