/**
 * The shapes the kit shares with the rest of berth: the objects controllers see, how a controller
 * names the kind it is for, and `KitClient`, the part of berth's API client a reconcile may use.
 */
import type { z } from 'zod';
import { objectKey, parseObjectKey, type KindName, type ObjectRef } from '../../api/keys.js';
import { isKindName, type BerthObject } from '../../api/v1/index.js';
import type { BerthClient, ObjectOf } from '../../api/client/types.js';

export type { KindName, ObjectRef, BerthObject };

/** The typed object of one kind, e.g. `ObjectOf<'Service'>`: the API client's own type, re-exported. */
export type { ObjectOf };

/** What the kit needs of an object: its kind and identity (every berth kind has these). */
export interface KitObject {
  readonly kind: KindName;
  readonly metadata: {
    readonly name: string;
    readonly cluster?: string;
    readonly resourceVersion?: string;
    readonly ownerReferences?: readonly { readonly kind: string; readonly name: string; readonly controller?: boolean }[];
  };
}

/** A kind's schema from api/v1 (built by `defineKind`): its `kind` field is a literal. */
export interface KindSchema<K extends KindName = KindName> {
  readonly shape: { readonly kind: z.ZodLiteral<K> };
}

/** How a controller names a kind: the schema (`Service`) or its name (`'Service'`). */
export type KindSchemaOrName<K extends KindName = KindName> = K | KindSchema<K>;

/**
 * The kind name behind a schema or name. Throws for anything that is not a known berth kind, so a
 * misspelt kind fails when the controller is defined, not when it first reconciles.
 */
export function kindNameOf(kind: unknown): KindName {
  if (typeof kind === 'string') {
    if (isKindName(kind)) return kind;
    throw new TypeError(`unknown kind "${kind}"; expected a kind schema from api/v1 or one of its names`);
  }
  const literal: unknown = (kind as { shape?: { kind?: { value?: unknown } } } | undefined)?.shape?.kind?.value;
  if (typeof literal === 'string' && isKindName(literal)) return literal;
  throw new TypeError('expected a kind schema from api/v1 (e.g. Service) or a kind name (e.g. "Service")');
}

/** The reference of an object. A Cluster's own cluster is itself, as in api/keys. */
export function objectRefOf(obj: KitObject): ObjectRef {
  const { name, cluster } = obj.metadata;
  return { kind: obj.kind, cluster: obj.kind === 'Cluster' ? name : (cluster ?? 'default'), name };
}

/**
 * The one place an ObjectRef becomes a queue or cache key, and back. It is the object's store key
 * (built by api/keys), so keys are unique across kinds and clusters and never hand-concatenated.
 */
export function requestKey(ref: ObjectRef): string {
  return objectKey(ref);
}

/** The inverse of `requestKey`; throws on a string that `requestKey` did not make. */
export function parseRequestKey(key: string): ObjectRef {
  const ref = parseObjectKey(key);
  if (!ref) throw new TypeError(`"${key}" is not a request key; build keys with requestKey(ref)`);
  return ref;
}

/** A name within a cluster (the cluster defaults to `default`). An ObjectRef is one. */
export interface KitRef {
  cluster?: string;
  name: string;
}

/**
 * The part of berth's API client a reconcile may use. The real clients (HttpClient, LocalClient in
 * api/client) implement it; tests can pass a small fake. Reads return validated, typed objects;
 * `mutate` re-reads and retries on write conflicts, so `change` must be safe to run more than once.
 */
export interface KitClient {
  /** The object, or undefined when it does not exist (level-based: "gone" is a state). */
  get<K extends KindName>(kind: K, ref: KitRef): Promise<ObjectOf<K> | undefined>;
  /** Objects of a kind, optionally within one cluster and matching a label selector (`app=web`). */
  list<K extends KindName>(kind: K, options?: { cluster?: string; labelSelector?: string }): Promise<{ items: ObjectOf<K>[] }>;
  /** Creates an object from a manifest (validated by the server). */
  create<K extends KindName>(object: { kind: K } & Record<string, unknown>): Promise<ObjectOf<K>>;
  /**
   * get → change a copy → compare-and-swap update; `subresource: 'status'` changes status only.
   * `changed` is false when `change` left the object as it was: nothing was written.
   */
  mutate<K extends KindName>(
    kind: K,
    ref: KitRef,
    change: (obj: ObjectOf<K>) => void,
    options?: { subresource?: 'status' },
  ): Promise<{ object: ObjectOf<K>; changed: boolean }>;
  /**
   * Replaces spec and metadata. With `metadata.resourceVersion` set it is a compare-and-swap: it
   * throws Conflict when the object changed since that version (e.g. writing from a cached copy).
   */
  update<K extends KindName>(object: { kind: K } & Record<string, unknown>): Promise<ObjectOf<K>>;
  /** Replaces status only; compare-and-swap on `metadata.resourceVersion` like `update`. */
  updateStatus<K extends KindName>(object: { kind: K } & Record<string, unknown>): Promise<ObjectOf<K>>;
  /**
   * Writes `next` (spec, metadata and status) over `current`, the cached copy it was made from, as one
   * compare-and-swap on current's resourceVersion without reading the object again (in process).
   * Make `next` as a shallow copy with new parts (`{ ...task, status: {...} }`): parts passed on
   * unchanged are not validated again, and the result may share them with `current` (read-only).
   */
  updateFrom<K extends KindName>(current: ObjectOf<K>, next: ObjectOf<K>): Promise<ObjectOf<K>>;
  /** Deletes the object (a no-op when it is already gone). */
  delete<K extends KindName>(kind: K, ref: KitRef): Promise<unknown>;
  /** Deletes many objects of one kind, in batches where the client can (in process: store transactions); gone ones are skipped. */
  deleteMany<K extends KindName>(kind: K, refs: readonly KitRef[]): Promise<unknown>;
}

/** Compile-time proof that berth's real client can be handed to controllers as a KitClient. */
export type BerthClientIsKitClient = BerthClient extends KitClient ? true : never;
const berthClientIsKitClient: BerthClientIsKitClient = true;
void berthClientIsKitClient;
