/**
 * The in-process client the ECS operations use: every read and write is authorized for the caller
 * and passes the same admission as the REST API (auth-hooks.ts authorizeCall, admission.ts), so an
 * ECS call can do exactly what the same principal could do with `berth apply`, on the same objects.
 */
import type { Verb } from '../../auth/authorize.js';
import type { Principal } from '../../auth/principal.js';
import { LocalClient } from '../../client/local-client.js';
import type { ClientListOptions, DeleteOptions, ObjectInput, ObjectOf, Ref, SubresourceOptions, WriteOptions } from '../../client/types.js';
import type { KindName } from '../../keys.js';
import type { ResourceStore } from '../../usecases/resources/resource-store.js';
import { admissionFor } from '../admission.js';
import type { ApiCall } from '../api-call.js';
import { authorizeCall, type Admit } from '../auth-hooks.js';

const ECS_ROUTE = 'ecs';

export class CallerClient extends LocalClient {
  constructor(
    private readonly store: ResourceStore,
    private readonly principal: Principal,
  ) {
    super(store);
  }

  private async admit(verb: Verb, kind: KindName, ref: Partial<Ref>, body?: unknown, subresource?: 'status'): Promise<Admit | undefined> {
    const cluster = kind === 'Cluster' || (kind === 'TaskDefinition' && verb !== 'create') ? undefined : ref.cluster;
    const call: ApiCall = { verb, path: { kind, cluster, name: ref.name, subresource, template: ECS_ROUTE }, query: {} };
    const fromAuth = await authorizeCall(this.store, this.principal, call, body);
    return admissionFor(this.store, call, fromAuth);
  }

  override async get<K extends KindName>(kind: K, ref: Ref) {
    await this.admit('get', kind, ref);
    return super.get(kind, ref);
  }

  override async mustGet<K extends KindName>(kind: K, ref: Ref) {
    await this.admit('get', kind, ref);
    return super.mustGet(kind, ref);
  }

  override async list<K extends KindName>(kind: K, options: ClientListOptions = {}) {
    await this.admit('list', kind, { cluster: options.cluster });
    return super.list(kind, options);
  }

  override async create<K extends KindName>(object: ObjectInput<K>, options: WriteOptions = {}): Promise<ObjectOf<K>> {
    const cluster = clusterOf(object);
    const admit = await this.admit('create', object.kind, { cluster }, object);
    return super.create(object, { ...options, admit });
  }

  override async update<K extends KindName>(object: ObjectInput<K>, options: WriteOptions = {}): Promise<ObjectOf<K>> {
    const { cluster, name } = refOf(object);
    const admit = await this.admit('update', object.kind, { cluster, name }, object);
    return super.update(object, { ...options, admit });
  }

  override async mutate<K extends KindName>(kind: K, ref: Ref, change: (obj: ObjectOf<K>) => void, options: SubresourceOptions = {}) {
    const admit = await this.admit('update', kind, ref, undefined, options.subresource);
    return super.mutate(kind, ref, change, { ...options, admit });
  }

  override async delete<K extends KindName>(kind: K, ref: Ref, options?: DeleteOptions) {
    await this.admit('delete', kind, ref);
    return super.delete(kind, ref, options);
  }
}

function clusterOf(object: object): string | undefined {
  const meta = 'metadata' in object ? object.metadata : undefined;
  return typeof meta === 'object' && meta !== null && 'cluster' in meta && typeof meta.cluster === 'string' ? meta.cluster : undefined;
}

function refOf(object: object): Partial<Ref> {
  const meta = 'metadata' in object ? object.metadata : undefined;
  const name = typeof meta === 'object' && meta !== null && 'name' in meta && typeof meta.name === 'string' ? meta.name : undefined;
  return { cluster: clusterOf(object), name };
}
