/**
 * The typed resource layer: get/list/watch/create/update/updateStatus/delete by kind, over any Store.
 *
 * - resourceVersion is the key's modRevision; every update is a compare-and-swap on it.
 * - uid and creationTimestamp are set on create; `generation` is bumped only when spec changes.
 * - `update` never touches status and `updateStatus` never touches anything else, so the owner of
 *   status (an agent, a controller) and the writer of spec (a user) never clobber each other.
 * - A write that changes nothing is not written: no new resourceVersion, no watch event.
 * - Deletion honours finalizers: deletionTimestamp first, removal once the finalizers are gone.
 * - TaskDefinitions are registered as immutable revisions `family:N` (see task-definition-revisions.ts).
 */
import { yieldIfBusy } from '../../time-slice.js';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_CLUSTER } from '../../v1/meta.js';
import { validateObject, validateObjectOver, type BerthObject } from '../../v1/index.js';
import { ACCOUNT_CLUSTER, kindPrefix, objectKey, type KindName } from '../../keys.js';
import { AlreadyExistsError as StoreAlreadyExists, ConflictError as StoreConflict } from '../../store/errors.js';
import { MAX_TXN_OPS, type KeyValue, type Store } from '../../store/types.js';
import { apiJsonOf, decodeObject, encodeObject, isOfKind, objectJson, storesSame, type ObjectOf } from './codec.js';
import { AlreadyExistsError, ConflictError, InvalidError, NotFoundError, type ResourceId } from './errors.js';
import { matchesLabels, parseLabelSelector, type LabelSelector } from './label-selector.js';
import type { ResourceWatch, ResourceWatchOptions } from './resource-watch.js';
import { SharedWatches } from './shared-watches.js';
import { applyMergePatch } from '../../merge-patch.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { asRegistered, newestActiveRevision, registerRevision, TASK_DEFINITION_IMMUTABLE } from './task-definition-revisions.js';
import { parseTaskDefinitionRef } from '../../v1/task-definition-ref.js';
import type { TaskDefinition } from '../../v1/task-definition.js';
import { checkServiceLimits } from './service-limits.js';
import { checkServiceLoadBalancers } from './service-load-balancer-check.js';
import { checkListenerProtocols, type ListenerProtocolReader } from './listener-protocol-check.js';
import { noKeySource, type SecretKeySource } from '../secrets/cipher.js';
import { ForeignSealError, storedSecretSpec } from '../secrets/seal.js';

export interface Ref {
  cluster?: string;
  name: string;
}

export interface WriteOptions {
  /** Validate and compute the result, but store nothing (`?dryRun=All`). */
  dryRun?: boolean;
  /**
   * Admission: judges the exact object about to be written against the exact stored object it
   * replaces (undefined on create), and throws to refuse. It runs inside the compare-and-swap
   * (again after a conflict), so what it approved is what is written.
   */
  admit?: (next: BerthObject, current: BerthObject | undefined) => void | Promise<void>;
}

export interface ListOptions {
  cluster?: string;
  labelSelector?: string | LabelSelector;
  limit?: number;
  /** The `continue` token of the previous page. */
  continue?: string;
}

/** A list sent on as JSON (listJson): which items, and how each is shown. */
export interface JsonListOptions extends ListOptions {
  /** Items kept (after the label selector); all when absent. */
  filter?: (obj: BerthObject) => boolean;
  /** What is shown of each item (its API view when absent). */
  view?: (obj: BerthObject) => BerthObject;
}

/** A page of a list as the API's JSON of each item. */
export interface JsonListPage {
  itemJson: string[];
  resourceVersion: string;
  continue?: string;
}

export interface ListResult<K extends KindName> {
  items: ObjectOf<K>[];
  /** The store revision the list was read at: watch from here to miss nothing. */
  resourceVersion: string;
  continue?: string;
}

export interface ResourceStoreOptions {
  now?: () => Date;
  newUid?: () => string;
  /** How often `mutate` re-reads and retries after a conflict before giving up. */
  maxConflictRetries?: number;
  /** The key that seals Secret values (api/usecases/secrets/cipher.ts); without one, a Secret with values is refused. */
  secretKeys?: SecretKeySource;
}

const PatchVersion = z.object({ metadata: z.object({ resourceVersion: z.string().optional() }).optional() });

const asRevision = (resourceVersion: string | undefined) => (resourceVersion === undefined ? undefined : Number(resourceVersion));

export class ResourceStore {
  private readonly now: () => Date;
  private readonly newUid: () => string;
  private readonly maxConflictRetries: number;
  /** One store watch per kind and cluster for all of this process's watchers (shared-watches.ts). */
  private readonly watches: SharedWatches;
  /** Seals Secret values on write; the server's resolver opens them for agents (api/usecases/secrets/resolve.ts). */
  readonly secretKeys: SecretKeySource;

  constructor(
    readonly store: Store,
    options: ResourceStoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.newUid = options.newUid ?? randomUUID;
    this.maxConflictRetries = options.maxConflictRetries ?? 20;
    this.watches = new SharedWatches(store);
    this.secretKeys =
      options.secretKeys ??
      noKeySource('this berth server has no secrets key: start it with --secrets-key-file (etcd) or let `berth up` make one in its data directory');
  }

  async get<K extends KindName>(kind: K, ref: Ref): Promise<ObjectOf<K> | undefined> {
    const kv = await this.store.get(this.keyOf(kind, ref));
    return kv ? decodeObject(kind, kv) : undefined;
  }

  async mustGet<K extends KindName>(kind: K, ref: Ref): Promise<ObjectOf<K>> {
    const obj = await this.get(kind, ref);
    if (!obj) throw new NotFoundError(this.idOf(kind, ref));
    return obj;
  }

  async list<K extends KindName>(kind: K, options: ListOptions = {}): Promise<ListResult<K>> {
    const selector = labelSelectorOf(options);
    const { page, ...rest } = await this.rangePage(kind, options);
    const items: ObjectOf<K>[] = [];
    for (const kv of page.items) {
      const obj = decodeObject(kind, kv);
      if (selector && !matchesLabels(selector, obj.metadata.labels)) continue;
      items.push(obj);
    }
    return { items, ...rest };
  }

  /**
   * A page of `kind` as the API's JSON of each item, made from the stored text (codec.ts
   * objectJson). An item is decoded only when something must look into it (a label selector, a
   * filter, a view, a Secret's sealed values): a plain list of 20,000 tasks otherwise parsed every
   * one of them for nothing.
   */
  async listJson(kind: KindName, options: JsonListOptions = {}): Promise<JsonListPage> {
    const selector = labelSelectorOf(options);
    const { page, ...rest } = await this.rangePage(kind, options);
    const decodes = selector !== undefined || options.filter !== undefined || options.view !== undefined || kind === 'Secret';
    const itemJson: string[] = [];
    for (const kv of page.items) {
      const plain = decodes ? undefined : apiJsonOf(kv.value, String(kv.modRevision));
      if (plain !== undefined) {
        itemJson.push(plain);
        continue;
      }
      const obj = decodeObject(kind, kv);
      if (selector && !matchesLabels(selector, obj.metadata.labels)) continue;
      if (options.filter && !options.filter(obj)) continue;
      itemJson.push(options.view ? objectJson(options.view(obj), undefined) : objectJson(obj, kv.value));
    }
    return { itemJson, ...rest };
  }

  /** One page of the range of `kind`, with the list's resourceVersion and the next page's token. */
  private async rangePage(kind: KindName, options: ListOptions) {
    const from = options.continue === undefined ? undefined : decodeContinue(options.continue);
    const page = await this.store.range(kindPrefix(kind, options.cluster), {
      limit: options.limit,
      startAfter: from?.after,
      revision: from?.revision,
    });
    const last = page.items.at(-1);
    return {
      page,
      resourceVersion: String(page.revision),
      continue: page.more && last ? encodeContinue({ after: last.key, revision: page.revision }) : undefined,
    };
  }

  /** Validate and store a new object. A TaskDefinition named `family` becomes the next revision `family:N`. */
  async create(raw: unknown, options: WriteOptions = {}): Promise<BerthObject> {
    const obj = this.validate(asRegistered(raw));
    if (obj.kind === 'Cluster') obj.metadata.cluster = obj.metadata.name;
    // Task definitions belong to the account (api/keys.ts): the cluster one is written from is not kept.
    if (obj.kind === 'TaskDefinition') obj.metadata.cluster = ACCOUNT_CLUSTER;
    const { resourceVersion: _rv, deletionTimestamp: _dt, ...metadata } = obj.metadata;
    obj.metadata = { ...metadata, uid: this.newUid(), generation: 1, creationTimestamp: this.now().toISOString() };
    if (isOfKind(obj, 'Secret')) obj.spec = this.secretSpec(obj, undefined);
    await options.admit?.(obj, undefined);
    if (isOfKind(obj, 'TaskDefinition')) return registerRevision(this.store, obj, { now: this.now, dryRun: options.dryRun });
    await checkServiceLimits(obj, undefined, this.idOfObject(obj), this.clusterLimit);
    await checkServiceLoadBalancers(obj, undefined, this.idOfObject(obj), this.taskDefinitionOf);
    await checkListenerProtocols(obj, undefined, this.idOfObject(obj), this.listenerProtocols);
    const key = objectKey({ kind: obj.kind, cluster: obj.metadata.cluster, name: obj.metadata.name });
    if (options.dryRun) {
      if (await this.store.get(key)) throw new AlreadyExistsError(this.idOfObject(obj));
      return obj;
    }
    try {
      const { revision } = await this.store.create(key, encodeObject(obj));
      obj.metadata.resourceVersion = String(revision);
      return obj;
    } catch (err) {
      if (err instanceof StoreAlreadyExists) throw new AlreadyExistsError(this.idOfObject(obj));
      throw err;
    }
  }

  /**
   * Replace spec and user metadata (labels, annotations, finalizers, ownerReferences). Status and
   * server-set metadata are kept from the stored object. When `metadata.resourceVersion` is given it
   * must match (optimistic concurrency); without it the write still cannot clobber a concurrent one.
   */
  async update(raw: unknown, options: WriteOptions = {}): Promise<BerthObject> {
    const obj = this.validate(raw);
    return this.writeUpdate(await this.currentFor(obj), obj, options);
  }

  /** Replace status only; everything else is kept from the stored object. */
  async updateStatus(raw: unknown, options: WriteOptions = {}): Promise<BerthObject> {
    const obj = this.validate(raw);
    return this.writeStatus(await this.currentFor(obj), obj, options);
  }

  /**
   * `update` (or with `subresource: 'status'`, `updateStatus`) of `raw` over `current`, an object
   * the caller has just read: mutate and patch use their own read instead of `currentFor` reading
   * again (one store round trip per write less; the write is still a CAS on current's modRevision).
   */
  private writeOver(current: { kv: KeyValue; object: BerthObject }, raw: unknown, options: WriteOptions & { subresource?: 'status' }): Promise<BerthObject> {
    const obj = this.validate(raw);
    const id = this.idOfObject(obj);
    if (this.keyOf(obj.kind, obj.metadata) !== this.keyOf(current.object.kind, current.object.metadata))
      throw new InvalidError(id, [
        {
          path: ['metadata', 'name'],
          message: `a patch or mutate of ${current.object.kind} ${current.object.metadata.name} cannot change its kind, cluster or name`,
        },
      ]);
    this.checkVersion(id, obj.metadata.resourceVersion, current.kv);
    return options.subresource === 'status' ? this.writeStatus(current, obj, options) : this.writeUpdate(current, obj, options);
  }

  private async writeUpdate(current: { kv: KeyValue; object: BerthObject }, obj: BerthObject, options: WriteOptions): Promise<BerthObject> {
    const next = this.withUpdate(current.object, obj, current.object.status);
    await checkServiceLimits(next, current.object, this.idOfObject(next), this.clusterLimit);
    await checkServiceLoadBalancers(next, current.object, this.idOfObject(next), this.taskDefinitionOf);
    await checkListenerProtocols(next, current.object, this.idOfObject(next), this.listenerProtocols);
    return this.writeIfChanged(current, next, options);
  }

  /**
   * The revision a task's or service's taskDefinition names (`web`: the family's newest ACTIVE, read
   * from that family's keys alone), or undefined.
   */
  readonly taskDefinitionOf = async (ref: string): Promise<TaskDefinition | undefined> => {
    const parsed = parseTaskDefinitionRef(ref);
    if (!parsed) return undefined;
    if (parsed.revision === undefined) return newestActiveRevision(this.store, parsed.family);
    return this.get('TaskDefinition', { name: ref });
  };

  /** A cluster's target groups and load balancers, for checkListenerProtocols. */
  private readonly listenerProtocols: ListenerProtocolReader = {
    targetGroups: async (cluster) => (await this.list('TargetGroup', { cluster })).items,
    loadBalancers: async (cluster) => (await this.list('LoadBalancer', { cluster })).items,
  };

  /** A cluster's maxTasksPerService, for checkServiceLimits. */
  private readonly clusterLimit = async (cluster: string): Promise<number | undefined> =>
    (await this.get('Cluster', { name: cluster }))?.spec.maxTasksPerService;

  /**
   * `current` with obj's spec and user metadata and the given status, as `update` stores it (pure).
   * Built from `obj`, a fresh copy out of validation, instead of a deep clone of `current`: a clone
   * per write was a large share of what the agents and the scheduler allocate at scale. The result
   * shares `status` with whoever passed it and nothing with `current`'s metadata or spec.
   */
  private withUpdate(current: BerthObject, input: BerthObject, status: BerthObject['status']): BerthObject {
    // A Secret's values are sealed (or the stored seal kept) before "did spec change" is asked.
    const obj = isOfKind(input, 'Secret') && isOfKind(current, 'Secret') ? { ...input, spec: this.secretSpec(input, current) } : input;
    const specChanged = !isDeepStrictEqual(obj.spec, current.spec);
    if (specChanged && obj.kind === 'TaskDefinition') throw new InvalidError(this.idOfObject(obj), [{ path: ['spec'], message: TASK_DEFINITION_IMMUTABLE }]);
    const metadata = {
      ...obj.metadata,
      name: current.metadata.name,
      cluster: current.metadata.cluster,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      deletionTimestamp: current.metadata.deletionTimestamp,
      generation: specChanged ? (current.metadata.generation ?? 1) + 1 : current.metadata.generation,
      resourceVersion: current.metadata.resourceVersion,
    };
    return withParts(obj, metadata, status);
  }

  /**
   * `update` and `updateStatus` of `next` in ONE compare-and-swap, over `current`: the object as the
   * caller read it (from an informer cache, say) at current.metadata.resourceVersion, which is not
   * read again. Conflict when the object changed since that version. For in-process controllers: it
   * trusts `current` to be what the store held at that version, as a cache's copy is. A spec or
   * status of `next` that is current's own object is neither parsed again nor copied: the result
   * shares it with `current` (frozen, if current is a cache's), so treat the result as read-only.
   */
  async updateFrom(current: BerthObject, next: unknown, options: WriteOptions = {}): Promise<BerthObject> {
    // A spec or status passed on from `current` as it is was valid when stored: not parsed again.
    const obj = this.validate(next, current);
    const id = this.idOfObject(obj);
    if (this.keyOf(obj.kind, obj.metadata) !== this.keyOf(current.kind, current.metadata))
      throw new InvalidError(id, [
        { path: ['metadata', 'name'], message: `updateFrom of ${current.kind} ${current.metadata.name} cannot change its kind, cluster or name` },
      ]);
    const version = asRevision(current.metadata.resourceVersion);
    if (version === undefined)
      throw new InvalidError(id, [{ path: ['metadata', 'resourceVersion'], message: 'updateFrom needs the resourceVersion the current object was read at' }]);
    const updated = this.withUpdate(current, obj, obj.status);
    await checkServiceLimits(updated, current, id, this.clusterLimit);
    await checkServiceLoadBalancers(updated, current, id, this.taskDefinitionOf);
    await checkListenerProtocols(updated, current, id, this.listenerProtocols);
    return this.writeIfChanged({ kv: { modRevision: version }, object: current }, updated, options);
  }

  private writeStatus(current: { kv: KeyValue; object: BerthObject }, obj: BerthObject, options: WriteOptions): Promise<BerthObject> {
    return this.writeIfChanged(current, withParts(current.object, { ...current.object.metadata }, obj.status), options);
  }

  /**
   * Read, change, write; on a conflict read again and re-apply `change`. `change` edits the copy it
   * is given (never the stored object) and must be safe to run more than once. `changed` is false
   * when `change` left the object as it was (nothing is written then).
   */
  async mutate<K extends KindName>(
    kind: K,
    ref: Ref,
    change: (obj: ObjectOf<K>) => void,
    options: WriteOptions & { subresource?: 'status' } = {},
  ): Promise<{ object: ObjectOf<K>; changed: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.mustRead(kind, ref);
      const copy = structuredClone(current.object);
      change(copy);
      try {
        const written = await this.writeOver(current, copy, options);
        // writeIfChanged hands back the stored object itself when there was nothing to write.
        if (isOfKind(written, kind)) return { object: written, changed: written !== current.object };
        throw new Error(`internal: wrote ${written.kind} while mutating ${kind}`);
      } catch (err) {
        if (!(err instanceof ConflictError) || attempt >= this.maxConflictRetries) throw err;
      }
    }
  }

  /**
   * Apply a JSON merge patch (RFC 7386) to the stored object's spec/metadata, or to its status with
   * `subresource: 'status'`. A `metadata.resourceVersion` in the patch makes it conditional; without
   * one, conflicts with concurrent writers are retried on a fresh read.
   */
  async patch<K extends KindName>(kind: K, ref: Ref, patch: unknown, options: WriteOptions & { subresource?: 'status' } = {}): Promise<ObjectOf<K>> {
    const pinned = PatchVersion.safeParse(patch).data?.metadata?.resourceVersion;
    const write = async () => {
      const current = await this.mustRead(kind, ref);
      const patched = applyMergePatch(current.object, patch);
      const written = await this.writeOver(current, patched, options);
      if (!isOfKind(written, kind)) throw new InvalidError(this.idOf(kind, ref), [{ path: ['kind'], message: `a patch cannot change kind ${kind}` }]);
      return written;
    };
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (err) {
        if (!(err instanceof ConflictError) || pinned !== undefined || attempt >= this.maxConflictRetries) throw err;
      }
    }
  }

  /**
   * Delete an object. With finalizers present it only gets a deletionTimestamp; the object goes
   * away when the last finalizer is removed. Returns the object as it was last seen.
   */
  async delete<K extends KindName>(
    kind: K,
    ref: Ref,
    options: WriteOptions & { resourceVersion?: string } = {},
  ): Promise<{ object: ObjectOf<K>; deleted: boolean }> {
    // Unconditional (no resourceVersion): a concurrent write (a controller's status) is no reason
    // to fail, so a conflict reads again and retries, as patch does.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.deleteOnce(kind, ref, options);
      } catch (err) {
        if (!(err instanceof ConflictError) || options.resourceVersion !== undefined || attempt >= this.maxConflictRetries) throw err;
      }
    }
  }

  private async deleteOnce<K extends KindName>(
    kind: K,
    ref: Ref,
    options: WriteOptions & { resourceVersion?: string },
  ): Promise<{ object: ObjectOf<K>; deleted: boolean }> {
    const key = this.keyOf(kind, ref);
    const kv = await this.store.get(key);
    if (!kv) throw new NotFoundError(this.idOf(kind, ref));
    const object = decodeObject(kind, kv);
    this.checkVersion(this.idOf(kind, ref), options.resourceVersion, kv);
    // As ECS's DeleteTaskDefinitions: only INACTIVE revisions. A service following the family (or
    // pinned to the revision) would otherwise be left unable to start a single replacement task.
    if (isOfKind(object, 'TaskDefinition') && object.status?.status !== 'INACTIVE')
      throw new InvalidError(this.idOf(kind, ref), [
        {
          path: ['status', 'status'],
          message: `an ACTIVE task definition cannot be deleted (services and tasks may still start from it); deregister it first: berth deregister taskdefinition ${object.metadata.name}`,
        },
      ]);
    if (object.metadata.finalizers?.length) {
      if (object.metadata.deletionTimestamp) return { object, deleted: false };
      const next = structuredClone(object);
      next.metadata.deletionTimestamp = this.now().toISOString();
      const written = await this.writeIfChanged({ kv, object }, next, options);
      return { object: isOfKind(written, kind) ? written : object, deleted: false };
    }
    // The embedded store answers a delete synchronously: many deletes at once would otherwise run
    // as one chain with no turn of the event loop between them (see time-slice.ts).
    await yieldIfBusy();
    if (!options.dryRun) await this.guarded(this.idOf(kind, ref), () => this.store.delete(key, { ifModRevision: kv.modRevision }));
    return { object, deleted: true };
  }

  /**
   * Deletes many objects of one kind in store transactions of up to MAX_TXN_OPS deletes each (one
   * read and one write round trip per batch, not per object), so a controller clearing thousands of
   * objects stays a few hundred writes away from its lease renewals and heartbeats. Each batch
   * compares every key's modRevision, as delete() does: a batch in which an object changed meanwhile,
   * and objects that need more than a removal (finalizers; a TaskDefinition, whose rules delete()
   * applies), go through delete() one at a time. Objects already gone are skipped.
   */
  async deleteMany<K extends KindName>(kind: K, refs: readonly Ref[]): Promise<{ deleted: string[] }> {
    const deleted: string[] = [];
    for (let i = 0; i < refs.length; i += MAX_TXN_OPS) {
      const batch = refs.slice(i, i + MAX_TXN_OPS).map((ref) => ({ ref, key: this.keyOf(kind, ref) }));
      const read = await this.store.txn({ compare: [], success: batch.map(({ key }) => ({ type: 'get', key })) });
      const plain: { ref: Ref; key: string; kv: KeyValue }[] = [];
      const oneByOne: Ref[] = [];
      read.results.forEach((r, j) => {
        const item = batch[j];
        if (r.type !== 'get' || r.kv === undefined || item === undefined) return; // gone already
        const object = decodeObject(kind, r.kv);
        if (object.metadata.finalizers?.length || isOfKind(object, 'TaskDefinition')) oneByOne.push(item.ref);
        else plain.push({ ...item, kv: r.kv });
      });
      if (plain.length > 0) {
        const written = await this.store.txn({
          compare: plain.map(({ key, kv }) => ({ key, modRevision: kv.modRevision })),
          success: plain.map(({ key }) => ({ type: 'delete', key })),
        });
        if (written.succeeded) deleted.push(...plain.map(({ ref }) => ref.name));
        else oneByOne.push(...plain.map(({ ref }) => ref));
      }
      for (const ref of oneByOne) {
        const gone = await this.delete(kind, ref).catch((err: unknown) => {
          if (err instanceof NotFoundError) return undefined;
          throw err;
        });
        if (gone?.deleted) deleted.push(ref.name);
      }
      await yieldIfBusy();
    }
    return { deleted };
  }

  /** Changes to objects of a kind, in revision order; see resource-watch.ts and shared-watches.ts. */
  watch<K extends KindName>(kind: K, options: ResourceWatchOptions = {}): ResourceWatch<K> {
    return this.watches.watch(kind, options);
  }

  keyOf(kind: KindName, ref: Ref): string {
    return objectKey(this.idOf(kind, ref));
  }

  private idOf<K extends KindName>(kind: K, ref: Ref): ResourceId & { kind: K } {
    const cluster = kind === 'Cluster' ? ref.name : kind === 'TaskDefinition' ? ACCOUNT_CLUSTER : (ref.cluster ?? DEFAULT_CLUSTER);
    return { kind, cluster, name: ref.name };
  }

  private idOfObject(obj: BerthObject): ResourceId {
    return this.idOf(obj.kind, obj.metadata);
  }

  /** What is stored of a Secret's spec (api/usecases/secrets/seal.ts); a foreign seal is the caller's mistake. */
  private secretSpec(next: ObjectOf<'Secret'>, current: ObjectOf<'Secret'> | undefined) {
    try {
      return storedSecretSpec(next, current, this.secretKeys);
    } catch (err) {
      if (err instanceof ForeignSealError)
        throw new InvalidError(this.idOfObject(next), [{ path: ['spec', 'sealed'], message: `${err.message}; send the values in data or stringData instead` }]);
      throw err;
    }
  }

  private validate(raw: unknown, madeFrom?: BerthObject): BerthObject {
    const result = madeFrom ? validateObjectOver(madeFrom, raw) : validateObject(raw);
    if (result.ok) return result.object;
    throw new InvalidError(bestEffortId(raw), result.issues);
  }

  private async mustRead<K extends KindName>(kind: K, ref: Ref): Promise<{ kv: KeyValue; object: ObjectOf<K> }> {
    const kv = await this.store.get(this.keyOf(kind, ref));
    if (!kv) throw new NotFoundError(this.idOf(kind, ref));
    return { kv, object: decodeObject(kind, kv) };
  }

  private async currentFor(obj: BerthObject): Promise<{ kv: KeyValue; object: BerthObject }> {
    const id = this.idOfObject(obj);
    const kv = await this.store.get(this.keyOf(obj.kind, obj.metadata));
    if (!kv) throw new NotFoundError(id);
    this.checkVersion(id, obj.metadata.resourceVersion, kv);
    return { kv, object: decodeObject(obj.kind, kv) };
  }

  private checkVersion(id: ResourceId, resourceVersion: string | undefined, kv: KeyValue): void {
    const expected = asRevision(resourceVersion);
    if (expected !== undefined && expected !== kv.modRevision) throw new ConflictError(id, String(resourceVersion));
  }

  /**
   * Write `next` over `current` (CAS on its modRevision) unless it would store the same bytes.
   * `current.kv.value`, when the caller read it, is those bytes already (encodeObject wrote them),
   * so only `next` is encoded. `next` is not validated again: every caller composes it from the
   * stored object and an input it validated as a whole object with the same identity (the schema's
   * cross-field rules span only what that input carried), and a second full parse per write was
   * measurable at scale.
   */
  private async writeIfChanged(
    current: { kv: Pick<KeyValue, 'modRevision'> & { value?: string }; object: BerthObject },
    next: BerthObject,
    options: WriteOptions,
  ): Promise<BerthObject> {
    const id = this.idOfObject(next);
    // A write that changes nothing is not made: compared with the stored text when the caller read
    // it, else with the object (a cache's copy, updateFrom) rather than by encoding that again.
    if (current.kv.value === undefined && storesSame(next, current.object)) return current.object;
    const encoded = encodeObject(next);
    if (encoded === current.kv.value) return current.object;
    // A Secret's apply sends its values every time (no client can read them to compare), so its
    // patch is the one that often changes nothing but the key order validation gives metadata.
    if (next.kind === 'Secret' && storesSame(next, current.object)) return current.object;
    await options.admit?.(next, current.object);
    if (options.dryRun) return next;
    const key = this.keyOf(next.kind, next.metadata);
    const finalized = next.metadata.deletionTimestamp !== undefined && !next.metadata.finalizers?.length;
    if (finalized) {
      await this.guarded(id, () => this.store.delete(key, { ifModRevision: current.kv.modRevision }));
      return next;
    }
    const { revision } = await this.guarded(id, () => this.store.put(key, encoded, { ifModRevision: current.kv.modRevision }));
    next.metadata.resourceVersion = String(revision);
    return next;
  }

  private async guarded<T>(id: ResourceId, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (err instanceof StoreConflict) throw new ConflictError(id, String(err.expectedModRevision));
      throw err;
    }
  }
}

/** `base` with its metadata and status replaced: a shallow copy, so `base` itself is left as it was. */
function withParts(base: BerthObject, metadata: BerthObject['metadata'], status: BerthObject['status']): BerthObject {
  const next = { ...base, metadata };
  next.status = status;
  return next;
}

/** For error messages about objects that failed validation: whatever identity they carry. */
const LooseIdentity = z
  .object({
    kind: z.string().catch('object'),
    metadata: z
      .object({ name: z.string().catch('(unnamed)'), cluster: z.string().catch(DEFAULT_CLUSTER) })
      .catch({ name: '(unnamed)', cluster: DEFAULT_CLUSTER }),
  })
  .catch({ kind: 'object', metadata: { name: '(unnamed)', cluster: DEFAULT_CLUSTER } });

function bestEffortId(raw: unknown): ResourceId {
  const { kind, metadata } = LooseIdentity.parse(raw);
  return { kind, cluster: metadata.cluster, name: metadata.name };
}

function labelSelectorOf(options: ListOptions): LabelSelector | undefined {
  return typeof options.labelSelector === 'string' ? parseLabelSelector(options.labelSelector) : options.labelSelector;
}
