/**
 * BerthClient directly over a ResourceStore, for controllers running inside the API server's
 * process: no HTTP, no serialization, and the same behaviour and errors as HttpClient.
 */
import type { KindName } from '../keys.js';
import type { ResourceStore } from '../usecases/resources/resource-store.js';
import type { ResourceWatch } from '../usecases/resources/resource-watch.js';
import { ensureInstallation } from '../store/installation.js';
import type { BerthObject } from '../v1/index.js';
import { expectKind } from './expect-kind.js';
import { secretsOfTask } from '../usecases/secrets/task-secrets.js';
import { DEFAULT_CLUSTER } from '../v1/meta.js';
import type { TaskSecretsSource } from './types.js';
import type {
  BerthClient,
  InstallationSource,
  ClientListOptions,
  ClientWatchOptions,
  DeleteOptions,
  ObjectInput,
  ObjectOf,
  Ref,
  SubresourceOptions,
  WriteOptions,
} from './types.js';

const boundTo = (instance: string | undefined) => (obj: BerthObject) =>
  instance === undefined || (obj.kind === 'Task' && obj.spec.containerInstance === instance);

export class LocalClient implements BerthClient, InstallationSource, TaskSecretsSource {
  private installationUid: Promise<string> | undefined;

  constructor(private readonly resources: ResourceStore) {}

  /** The installation of the store under this client (made on the first ask of a new store). */
  installation(): Promise<string> {
    this.installationUid ??= ensureInstallation(this.resources.store).then(
      (r) => r.uid,
      (err: unknown) => {
        this.installationUid = undefined;
        throw err;
      },
    );
    return this.installationUid;
  }

  /** In process, the caller is the server's own agent: the task's binding is not checked. */
  taskSecrets(ref: Ref) {
    return secretsOfTask(this.resources, ref.cluster ?? DEFAULT_CLUSTER, ref.name);
  }

  get<K extends KindName>(kind: K, ref: Ref) {
    return this.resources.get(kind, ref);
  }

  mustGet<K extends KindName>(kind: K, ref: Ref) {
    return this.resources.mustGet(kind, ref);
  }

  async list<K extends KindName>(kind: K, options: ClientListOptions = {}) {
    // In process the caller is the server's own agent or a controller: the discovery view's redaction is the API server's, for remote agents.
    const { containerInstance, view: _view, ...rest } = options;
    const result = await this.resources.list(kind, rest);
    return { ...result, items: result.items.filter(boundTo(containerInstance)) };
  }

  watch<K extends KindName>(kind: K, options: ClientWatchOptions = {}): ResourceWatch<K> {
    const { containerInstance, view: _view, ...rest } = options;
    const inner = this.resources.watch(kind, rest);
    if (containerInstance === undefined) return inner;
    const selected = boundTo(containerInstance);
    return {
      cancel: () => inner.cancel(),
      closed: inner.closed,
      async *[Symbol.asyncIterator]() {
        for await (const batch of inner) {
          const events = batch.filter((e) => e.object === undefined || selected(e.object));
          if (events.length > 0) yield events;
        }
      },
    };
  }

  async create<K extends KindName>(object: ObjectInput<K>, options?: WriteOptions): Promise<ObjectOf<K>> {
    return expectKind(await this.resources.create(object, options), object.kind);
  }

  async update<K extends KindName>(object: ObjectInput<K>, options?: WriteOptions): Promise<ObjectOf<K>> {
    return expectKind(await this.resources.update(object, options), object.kind);
  }

  async updateStatus<K extends KindName>(object: ObjectInput<K>, options?: WriteOptions): Promise<ObjectOf<K>> {
    return expectKind(await this.resources.updateStatus(object, options), object.kind);
  }

  /** In process: one compare-and-swap over `current`, which is not read again (ResourceStore.updateFrom). */
  async updateFrom<K extends KindName>(current: ObjectOf<K>, next: ObjectOf<K>): Promise<ObjectOf<K>> {
    return expectKind(await this.resources.updateFrom(current, next), current.kind);
  }

  patch<K extends KindName>(kind: K, ref: Ref, patch: unknown, options?: SubresourceOptions) {
    return this.resources.patch(kind, ref, patch, options);
  }

  delete<K extends KindName>(kind: K, ref: Ref, options?: DeleteOptions) {
    return this.resources.delete(kind, ref, options);
  }

  deleteMany<K extends KindName>(kind: K, refs: readonly Ref[]) {
    return this.resources.deleteMany(kind, refs);
  }

  /** The store's own mutate: one read per attempt (get → change → update would read twice). */
  mutate<K extends KindName>(kind: K, ref: Ref, change: (obj: ObjectOf<K>) => void, options?: SubresourceOptions) {
    return this.resources.mutate(kind, ref, change, options);
  }
}
