/**
 * How objects are stored: JSON without `metadata.resourceVersion`, which is not data but the key's
 * modRevision, filled in when the value is read back. Every read is validated with the kind's schema
 * so a value written by a buggy or older writer fails loudly, naming the key.
 */
import { kindSchemas, validateObject, type BerthObject } from '../v1/index.js';
import type { KindName } from '../keys.js';
import type { KeyValue } from '../store/types.js';
import { formatPath } from './errors.js';

export type ObjectOf<K extends KindName> = Extract<BerthObject, { kind: K }>;

export class CorruptValueError extends Error {
  override readonly name = 'CorruptValue';
  readonly retriable = false;
  constructor(key: string, detail: string) {
    super(`stored value at ${key} is not a valid object: ${detail}; fix or delete the key`);
  }
}

export function isOfKind<K extends KindName>(obj: BerthObject, kind: K): obj is ObjectOf<K> {
  return obj.kind === kind;
}

export function encodeObject(obj: BerthObject): string {
  const { resourceVersion: _dropped, ...metadata } = obj.metadata;
  return JSON.stringify({ ...obj, metadata });
}

export function decodeObject<K extends KindName>(kind: K, kv: KeyValue): ObjectOf<K> {
  let raw: unknown;
  try {
    raw = JSON.parse(kv.value);
  } catch (err) {
    throw new CorruptValueError(kv.key, err instanceof Error ? err.message : String(err));
  }
  const result = validateObject(raw);
  if (!result.ok) throw new CorruptValueError(kv.key, result.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; '));
  if (!isOfKind(result.object, kind)) throw new CorruptValueError(kv.key, `expected kind ${kind}, found ${result.object.kind}`);
  result.object.metadata.resourceVersion = String(kv.modRevision);
  return result.object;
}

/** The kinds' schemas, re-exported so callers need one import for "is this kind known". */
export { kindSchemas };
