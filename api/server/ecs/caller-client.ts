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
import { isOfKind } from '../../usecases/resources/codec.js';
import { ConflictError } from '../../usecases/resources/errors.js';

const ECS_ROUTE = 'ecs';
const MAX_CONFLICT_RETRIES = 20;

type Service = ObjectOf<'Service'>;

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

  /**
   * `change` to a Service's spec and metadata and, in the same compare-and-swap, the status
   * `statusOf` derives from the changed object (undefined: status as it is). Authorized and admitted
   * as an update of the spec: the status part is the server's own record of that change (ECS's
   * CreateService/UpdateService start their deployment), never the caller's input. A conflict reads
   * again and re-applies both, as mutate does.
   */
  async mutateWithStatus(ref: Ref, change: (obj: Service) => void, statusOf: (obj: Service) => Service['status'] | undefined): Promise<Service> {
    const admit = await this.admit('update', 'Service', ref);
    for (let attempt = 0; ; attempt++) {
      const current = await this.store.mustGet('Service', ref);
      const next = structuredClone(current);
      change(next);
      const status = statusOf(next);
      if (status !== undefined) next.status = status;
      try {
        const written = await this.store.updateFrom(current, next, { admit });
        if (isOfKind(written, 'Service')) return written;
        throw new Error(`internal: wrote ${written.kind} while updating Service ${ref.name}`);
      } catch (err) {
        if (!(err instanceof ConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw err;
      }
    }
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
