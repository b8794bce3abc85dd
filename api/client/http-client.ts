/**
 * BerthClient over the REST API (api/server): for the CLI, agents, and controllers in other
 * processes. URLs come from api/paths.ts, the module the server routes with; error Statuses come
 * back as the same error classes ResourceStore throws.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { ServerVersion } from './server-version.js';
import { TokenIdentity, type Principal } from '../auth/principal.js';
import type { KindName } from '../keys.js';
import { rootLogger, type Logger } from '../log.js';
import { agentTokenPath, INSTALLATION_PATH, metaPaths, resourcePath, taskLogPath, taskSecretsPath, WHOAMI_PATH, type ResourcePath } from '../paths.js';
import { TaskSecrets } from '../usecases/secrets/resolve.js';
import { InstallationRecord } from '../store/installation.js';
import { InvalidError, NotFoundError } from '../usecases/resources/errors.js';
import type { ResourceWatch } from '../usecases/resources/resource-watch.js';
import { DEFAULT_CLUSTER, validateObject } from '../v1/index.js';
import { decodeAs, ListBody, parseBody } from './decode.js';
import { errorFromResponse } from './errors.js';
import { readBody } from './transport.js';
import { httpWatch, type WatchRetry } from './http-watch.js';
import { labelSelectorText } from './label-selector-text.js';
import { mutateWithRetry } from './mutate.js';
import { AccessKeyCalls } from './access-key-calls.js';
import { TokenCalls } from './token-calls.js';
import { Transport } from './transport.js';
import type { TaskSecretsSource } from './types.js';
import type {
  BerthClient,
  InstallationSource,
  ClientListOptions,
  ClientWatchOptions,
  DeleteOptions,
  Mutated,
  ObjectInput,
  ObjectOf,
  Ref,
  SubresourceOptions,
  WriteOptions,
} from './types.js';

export interface HttpClientOptions {
  /** Base URL, e.g. `https://10.0.0.5:6443`. */
  server: string;
  token?: string;
  /** PEM CA certificate that signed the server's certificate (self-signed servers). */
  ca?: string | Buffer;
  log?: Logger;
  /** How long a request retries 503s with Retry-After (store briefly down) before failing (default 15 s; 0: never). */
  unavailableRetryMs?: number;
  /** Backoff between watch reconnects (default 200 ms doubling to 10 s). */
  watchRetry?: WatchRetry;
}

export interface TaskLogOptions {
  /** Default: the only container, else the first essential one (api/usecases/tasks/log-container.ts). */
  container?: string;
  follow?: boolean;
  /** The last N lines only. */
  tail?: number;
  /** Only output of the last N seconds. */
  sinceSeconds?: number;
  signal?: AbortSignal;
}

const MERGE_PATCH = 'application/merge-patch+json';
const AgentToken = z.object({ token: z.string().min(1) });
const Identity = z.object({ metadata: z.object({ name: z.string(), cluster: z.string().optional() }) });

export class HttpClient implements BerthClient, InstallationSource, TaskSecretsSource {
  private readonly transport: Transport;
  private readonly log: Logger;
  private readonly watchRetry: WatchRetry;

  constructor(options: HttpClientOptions) {
    this.transport = new Transport(options);
    this.log = (options.log ?? rootLogger).child({ component: 'http-client', server: options.server });
    this.watchRetry = options.watchRetry ?? { initialDelayMs: 200, maxDelayMs: 10_000 };
  }

  async get<K extends KindName>(kind: K, ref: Ref): Promise<ObjectOf<K> | undefined> {
    try {
      return await this.mustGet(kind, ref);
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  async mustGet<K extends KindName>(kind: K, ref: Ref): Promise<ObjectOf<K>> {
    return decodeAs(kind, await this.call('GET', objectPath(kind, ref)));
  }

  async list<K extends KindName>(kind: K, options: ClientListOptions = {}) {
    const query = new URLSearchParams();
    const selector = labelSelectorText(options.labelSelector);
    if (selector) query.set('labelSelector', selector);
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.continue !== undefined) query.set('continue', options.continue);
    if (options.containerInstance !== undefined) query.set('containerInstance', options.containerInstance);
    if (options.view !== undefined) query.set('view', options.view);
    const path = resourcePath({ kind, cluster: kind === 'Cluster' ? undefined : options.cluster });
    const body = parseBody(ListBody, await this.call('GET', withQuery(path, query)), `${kind} list`);
    return { items: body.items.map((raw) => decodeAs(kind, raw)), resourceVersion: body.metadata.resourceVersion, continue: body.metadata.continue };
  }

  watch<K extends KindName>(kind: K, options: ClientWatchOptions = {}): ResourceWatch<K> {
    return httpWatch(this.transport, kind, options, { log: this.log, retry: this.watchRetry });
  }

  async create<K extends KindName>(object: ObjectInput<K>, options: WriteOptions = {}): Promise<ObjectOf<K>> {
    const cluster = clusterOfPath(object.kind, Identity.safeParse(object).data?.metadata.cluster);
    const path = resourcePath({ kind: object.kind, cluster });
    return decodeAs(object.kind, await this.call('POST', withQuery(path, writeQuery(options)), object));
  }

  update<K extends KindName>(object: ObjectInput<K>, options: WriteOptions = {}): Promise<ObjectOf<K>> {
    return this.put(object, undefined, options);
  }

  updateStatus<K extends KindName>(object: ObjectInput<K>, options: WriteOptions = {}): Promise<ObjectOf<K>> {
    return this.put(object, 'status', options);
  }

  /**
   * Over HTTP: an update when spec or metadata changed, then an updateStatus when status did, each a
   * compare-and-swap (the first on current's version, the second on the version the first wrote).
   * A status-only change is one status PUT, which agent tokens may make.
   */
  async updateFrom<K extends KindName>(current: ObjectOf<K>, next: ObjectOf<K>): Promise<ObjectOf<K>> {
    let base = current;
    if (!isDeepStrictEqual(current.spec, next.spec) || !isDeepStrictEqual(current.metadata, next.metadata)) {
      const spec = structuredClone(next);
      spec.metadata.resourceVersion = current.metadata.resourceVersion;
      base = await this.update<K>(spec);
    }
    if (isDeepStrictEqual(base.status, next.status)) return base;
    return this.updateStatus<K>(Object.assign(structuredClone(base), { status: next.status }));
  }

  async patch<K extends KindName>(kind: K, ref: Ref, patch: unknown, options: SubresourceOptions = {}): Promise<ObjectOf<K>> {
    const path = objectPath(kind, ref, options.subresource);
    return decodeAs(kind, await this.call('PATCH', withQuery(path, writeQuery(options)), patch, MERGE_PATCH));
  }

  async delete<K extends KindName>(kind: K, ref: Ref, options: DeleteOptions = {}): Promise<{ object: ObjectOf<K>; deleted: boolean }> {
    const query = writeQuery(options);
    if (options.resourceVersion !== undefined) query.set('resourceVersion', options.resourceVersion);
    const { code, body } = await this.transport.call('DELETE', withQuery(objectPath(kind, ref), query));
    if (code !== 200 && code !== 202) throw errorFromResponse(code, body);
    // 202: only marked for deletion; finalizers still hold it.
    return { object: decodeAs(kind, body), deleted: code === 200 };
  }

  /** One DELETE per object (the API has no batch call): the batching is the in-process client's. */
  async deleteMany<K extends KindName>(kind: K, refs: readonly Ref[]): Promise<{ deleted: string[] }> {
    const deleted: string[] = [];
    for (const ref of refs) {
      const result = await this.delete(kind, ref).catch((err: unknown) => {
        if (err instanceof NotFoundError) return undefined;
        throw err;
      });
      if (result?.deleted) deleted.push(ref.name);
    }
    return { deleted };
  }

  mutate<K extends KindName>(kind: K, ref: Ref, change: (obj: ObjectOf<K>) => void, options?: SubresourceOptions): Promise<Mutated<K>> {
    return mutateWithRetry(this, kind, ref, change, options);
  }

  /** Admin only: a new token for the agent of instance `cluster/instance` (it may touch only that instance and its tasks). */
  async issueAgentToken(cluster: string, instance: string): Promise<string> {
    return parseBody(AgentToken, await this.call('POST', agentTokenPath(cluster, instance)), 'agent token').token;
  }

  /** Installation admins only: create, list and revoke tokens (api/server/token-routes.ts). */
  get tokens(): TokenCalls {
    return new TokenCalls((method, path, body) => this.call(method, path, body));
  }

  /** Installation admins only: access keys for the ECS API (api/server/access-key-routes.ts). */
  get accessKeys(): AccessKeyCalls {
    return new AccessKeyCalls((method, path, body) => this.call(method, path, body));
  }

  /** Who the API server takes this client's token for. */
  async whoami(): Promise<Principal> {
    return parseBody(TokenIdentity, await this.call('GET', WHOAMI_PATH), 'principal');
  }

  /** The API server's build: berth's version, the API version it serves, its Node version. */
  async serverVersion(): Promise<ServerVersion> {
    return parseBody(ServerVersion, await this.call('GET', metaPaths.version), 'version');
  }

  /**
   * Whether the API server lets this client's token read /metrics (an admin or a scrape token): what
   * the agent's own /metrics asks of a scraper's token. The body is read and dropped.
   */
  async mayReadMetrics(): Promise<boolean> {
    const res = await this.transport.request('GET', metaPaths.metrics);
    const body = await readBody(res);
    if (res.statusCode === 200) return true;
    if (res.statusCode === 401 || res.statusCode === 403) return false;
    throw errorFromResponse(res.statusCode ?? 0, body);
  }

  /** The uid of the installation this server belongs to. */
  async installation(): Promise<string> {
    return parseBody(InstallationRecord, await this.call('GET', INSTALLATION_PATH), 'installation').uid;
  }

  /** Agents only: the secret values of a task bound to the agent's instance. */
  async taskSecrets(ref: Ref): Promise<TaskSecrets> {
    return parseBody(TaskSecrets, await this.call('GET', taskSecretsPath(ref.cluster ?? DEFAULT_CLUSTER, ref.name)), 'task secrets');
  }

  /**
   * A task container's output as text, read through the API server from the task's agent (admin
   * only). With `follow`, the stream stays open for new output; destroy it (or abort `signal`) to stop.
   */
  async logs(ref: Ref, options: TaskLogOptions = {}): Promise<Readable> {
    const query = new URLSearchParams();
    if (options.container !== undefined) query.set('container', options.container);
    if (options.follow) query.set('follow', 'true');
    if (options.tail !== undefined) query.set('tail', String(options.tail));
    if (options.sinceSeconds !== undefined) query.set('sinceSeconds', String(options.sinceSeconds));
    const path = withQuery(taskLogPath(ref.cluster ?? DEFAULT_CLUSTER, ref.name), query);
    const res = await this.transport.request('GET', path, { signal: options.signal });
    if (res.statusCode !== 200) throw errorFromResponse(res.statusCode ?? 0, await readBody(res));
    res.setEncoding('utf8');
    return res;
  }

  /** Release pooled connections. */
  close(): void {
    this.transport.close();
  }

  private async put<K extends KindName>(object: ObjectInput<K>, subresource: 'status' | undefined, options: WriteOptions): Promise<ObjectOf<K>> {
    const identity = Identity.safeParse(object);
    if (!identity.success) {
      // Without a name there is no URL to PUT to; report every problem, as the server would.
      const result = validateObject(object);
      throw new InvalidError(
        { kind: object.kind, cluster: DEFAULT_CLUSTER, name: '(unnamed)' },
        result.ok ? [{ path: ['metadata', 'name'], message: 'required' }] : result.issues,
      );
    }
    const path = objectPath(object.kind, identity.data.metadata, subresource);
    return decodeAs(object.kind, await this.call('PUT', withQuery(path, writeQuery(options)), object));
  }

  private async call(method: string, path: string, body?: unknown, contentType?: string): Promise<unknown> {
    const res = await this.transport.call(method, path, { body, contentType });
    if (res.code < 200 || res.code >= 300) throw errorFromResponse(res.code, res.body);
    return res.body;
  }
}

function objectPath(kind: KindName, ref: Ref, subresource?: 'status'): string {
  const p: ResourcePath = { kind, name: ref.name, subresource, cluster: clusterOfPath(kind, ref.cluster) };
  return resourcePath(p);
}

/**
 * The cluster in an object's URL. A task definition's (it belongs to the account) only when the
 * caller names one: the server then judges the call as made from that cluster (an agent's, the
 * task policy a registration must keep); without one the account's own URL is used.
 */
function clusterOfPath(kind: KindName, cluster: string | undefined): string | undefined {
  if (kind === 'Cluster') return undefined;
  return kind === 'TaskDefinition' ? cluster : (cluster ?? DEFAULT_CLUSTER);
}

function writeQuery(options: WriteOptions): URLSearchParams {
  return new URLSearchParams(options.dryRun ? { dryRun: 'All' } : {});
}

function withQuery(path: string, query: URLSearchParams): string {
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}
