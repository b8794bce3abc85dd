/**
 * The one client interface of berth's API, implemented over HTTP (HttpClient: the CLI, agents,
 * controllers in other processes) and directly over a ResourceStore (LocalClient: controllers
 * inside the server). Signatures mirror ResourceStore's, so code moves between the two unchanged,
 * and both throw the same error classes (api/usecases/resources/errors.ts; CompactedError from a watch).
 */
import type { KindName } from '../keys.js';
import type { ObjectOf } from '../usecases/resources/codec.js';
import type { ListOptions, ListResult, Ref, WriteOptions } from '../usecases/resources/resource-store.js';
import type { ResourceWatch, ResourceWatchOptions } from '../usecases/resources/resource-watch.js';
import type { TaskSecrets } from '../usecases/secrets/resolve.js';
import type { TaskView } from '../usecases/resources/discovery-view.js';

export type { ListResult, Ref, WriteOptions, ObjectOf, ResourceWatch };

/** A manifest or object of kind K: at least its kind, the rest is validated by the server. */
export type ObjectInput<K extends KindName> = { kind: K } & Record<string, unknown>;

export interface ClientListOptions extends ListOptions {
  /** Only tasks bound to this container instance (agents must use it). */
  containerInstance?: string;
  /** `discovery`: every task of the cluster without spec.overrides (what an agent's service discovery may read; discovery-view.ts). */
  view?: TaskView;
}

export interface ClientWatchOptions extends ResourceWatchOptions {
  /** Only tasks bound to this container instance (agents must use it). */
  containerInstance?: string;
  view?: TaskView;
}

export interface SubresourceOptions extends WriteOptions {
  subresource?: 'status';
}

export interface DeleteOptions extends WriteOptions {
  /** Delete only if the object is still at this resourceVersion. */
  resourceVersion?: string;
}

/** What `mutate` wrote, and whether it changed anything (a change that left the object as it was writes nothing). */
export interface Mutated<K extends KindName> {
  object: ObjectOf<K>;
  changed: boolean;
}

export interface BerthClient {
  get<K extends KindName>(kind: K, ref: Ref): Promise<ObjectOf<K> | undefined>;
  mustGet<K extends KindName>(kind: K, ref: Ref): Promise<ObjectOf<K>>;
  /** `resourceVersion` of the result: watch from it (fromRevision = it + 1) to miss nothing. */
  list<K extends KindName>(kind: K, options?: ClientListOptions): Promise<ListResult<K>>;
  watch<K extends KindName>(kind: K, options?: ClientWatchOptions): ResourceWatch<K>;
  create<K extends KindName>(object: ObjectInput<K>, options?: WriteOptions): Promise<ObjectOf<K>>;
  update<K extends KindName>(object: ObjectInput<K>, options?: WriteOptions): Promise<ObjectOf<K>>;
  updateStatus<K extends KindName>(object: ObjectInput<K>, options?: WriteOptions): Promise<ObjectOf<K>>;
  /**
   * `next` (spec, user metadata AND status) written over `current`, the object as read at its
   * resourceVersion (a cache's copy): Conflict if it changed since. In process one compare-and-swap
   * without a read; over HTTP an update and an updateStatus.
   */
  updateFrom<K extends KindName>(current: ObjectOf<K>, next: ObjectOf<K>): Promise<ObjectOf<K>>;
  /** A JSON merge patch (RFC 7386) of spec/metadata, or of status with `subresource: 'status'`. */
  patch<K extends KindName>(kind: K, ref: Ref, patch: unknown, options?: SubresourceOptions): Promise<ObjectOf<K>>;
  delete<K extends KindName>(kind: K, ref: Ref, options?: DeleteOptions): Promise<{ object: ObjectOf<K>; deleted: boolean }>;
  /**
   * Deletes many objects of one kind; those already gone are skipped. In process in store
   * transactions of many deletes each (ResourceStore.deleteMany); over HTTP one call per object.
   * `deleted`: the names removed now (not those only marked because finalizers hold them).
   */
  deleteMany<K extends KindName>(kind: K, refs: readonly Ref[]): Promise<{ deleted: string[] }>;
  /**
   * get → change → update, re-read and retried on Conflict; `change` must be safe to run again.
   * `changed` is false when `change` left the object as it was: then nothing was written.
   */
  mutate<K extends KindName>(kind: K, ref: Ref, change: (obj: ObjectOf<K>) => void, options?: SubresourceOptions): Promise<Mutated<K>>;
}

/** The secret values of a task bound to the caller's instance (api/usecases/secrets/task-secrets.ts): what an agent needs to start it. */
export interface TaskSecretsSource {
  taskSecrets(ref: Ref): Promise<TaskSecrets>;
}

/** Which installation the API serves: the uid its agents label every Docker object with (api/store/installation.ts). */
export interface InstallationSource {
  installation(): Promise<string>;
}
