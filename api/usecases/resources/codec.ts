/**
 * How objects are stored: JSON without `metadata.resourceVersion`, which is not data but the key's
 * modRevision, filled in when the value is read back.
 *
 * Reads trust the stored value's shape and check its identity only (JSON, apiVersion, kind, name):
 * the one writer, ResourceStore, stores only what its schema parsed (defaults filled, transforms
 * applied, and both are idempotent), so a full parse on read finds nothing new — and it ran on
 * every read and every watch event of every process: ~20 % of the CPU of the server and of the
 * agents at scale (bench/NOTES.md). Kubernetes' apiserver decodes from etcd the same way. A value
 * that is not even an object of the expected kind fails loudly, naming the key.
 */
import { jsonEqual } from '../../json-equal.js';
import { kindSchemas, API_VERSION, type BerthObject } from '../../v1/index.js';
import type { KindName } from '../../keys.js';
import type { KeyValue } from '../../store/types.js';
import { ObjectTooLargeError } from './errors.js';
import { publicObject } from '../secrets/public-view.js';

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

/** The most bytes one object may take stored (ECS caps a task definition at 64 KiB; status is smaller still). */
export const MAX_OBJECT_BYTES = 256 * 1024;

/** The value to store; throws ObjectTooLargeError past MAX_OBJECT_BYTES (every write comes here). */
export function encodeObject(obj: BerthObject): string {
  const { resourceVersion: _dropped, ...metadata } = obj.metadata;
  const text = JSON.stringify({ ...obj, metadata });
  // UTF-16 length is at most the UTF-8 byte count; count bytes only when it could matter.
  if (text.length * 3 > MAX_OBJECT_BYTES) {
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_OBJECT_BYTES)
      throw new ObjectTooLargeError({ kind: obj.kind, cluster: obj.metadata.cluster, name: obj.metadata.name }, bytes, MAX_OBJECT_BYTES);
  }
  return text;
}

/**
 * Whether `a` and `b` would be stored as the same JSON (up to key order), without encoding either:
 * a write checked for "changes nothing" against an object it has no stored text of (a cache's copy)
 * encoded that copy again just to compare, half of what every status report and bind encoded.
 */
export function storesSame(a: BerthObject, b: BerthObject): boolean {
  if (a === b) return true;
  const { resourceVersion: _a, ...metadataA } = a.metadata;
  const { resourceVersion: _b, ...metadataB } = b.metadata;
  return jsonEqual({ ...a, metadata: metadataA }, { ...b, metadata: metadataB });
}

export function decodeObject<K extends KindName>(kind: K, kv: KeyValue): ObjectOf<K> {
  let raw: unknown;
  try {
    raw = JSON.parse(kv.value);
  } catch (err) {
    throw new CorruptValueError(kv.key, err instanceof Error ? err.message : String(err));
  }
  if (!isStoredObjectOf(raw, kind)) throw new CorruptValueError(kv.key, `expected a ${API_VERSION} ${kind} with metadata.name, found ${describe(raw)}`);
  raw.metadata.resourceVersion = String(kv.modRevision);
  return raw;
}

/** The opening every value encodeObject writes: identity first, then the (never empty) metadata. */
const STORED_OPENING = /^\{"apiVersion":"[^"\\]*","kind":"[A-Za-z]+","metadata":\{(?=")/;

/**
 * The JSON of the object stored as `stored`, as the API shows it (with metadata.resourceVersion),
 * made from the stored text rather than by stringifying the decoded object again: a watch stream
 * writes every event of a kind to its clients, and a stringify per event per stream was ~4 % of the
 * server at 20,000 tasks. Kubernetes' watch cache keeps each event's serialisation for the same
 * reason. Undefined when the text does not open as encodeObject writes it (stringify it then).
 */
export function apiJsonOf(stored: string, resourceVersion: string): string | undefined {
  const opening = STORED_OPENING.exec(stored);
  if (!opening) return undefined;
  return `${opening[0]}"resourceVersion":${JSON.stringify(resourceVersion)},${stored.slice(opening[0].length)}`;
}

/** `obj` as JSON: from `stored`, the text it was decoded from, when there is one (apiJsonOf), else stringified. */
export function objectJson(obj: BerthObject, stored: string | undefined): string {
  // A Secret's stored text holds its sealed values, which the API never sends.
  if (obj.kind === 'Secret') return JSON.stringify(publicObject(obj));
  const reused = stored === undefined ? undefined : apiJsonOf(stored, obj.metadata.resourceVersion ?? '');
  return reused ?? JSON.stringify(obj);
}

/**
 * Identity only: the rest of the shape is the writer's guarantee (see the top of this file). A type
 * guard that trusts the store, which is why it lives here and nowhere else.
 */
function isStoredObjectOf<K extends KindName>(raw: unknown, kind: K): raw is ObjectOf<K> {
  if (typeof raw !== 'object' || raw === null) return false;
  const { apiVersion, kind: found, metadata } = raw as { apiVersion?: unknown; kind?: unknown; metadata?: unknown };
  if (apiVersion !== API_VERSION || found !== kind || typeof metadata !== 'object' || metadata === null) return false;
  return typeof (metadata as { name?: unknown }).name === 'string';
}

function describe(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return JSON.stringify(raw);
  const { apiVersion, kind } = raw as { apiVersion?: unknown; kind?: unknown };
  return `apiVersion ${JSON.stringify(apiVersion)}, kind ${JSON.stringify(kind)}`;
}

/** The kinds' schemas, re-exported so callers need one import for "is this kind known". */
export { kindSchemas };
