/**
 * The control plane of one berth process: store, typed resources, API server, and the controller
 * manager (with leader election, so `berth server` replicas can run side by side). `berth up` and
 * `berth server` are thin shells around this; integration tests start it in-process too.
 */
import { join } from 'node:path';
import { keyFileSource, noKeySource, type SecretKeySource } from '../api/usecases/secrets/cipher.js';
import { LocalClient } from '../api/client/local-client.js';
import { createAdminToken } from '../api/auth/admin-token.js';
import { TokenMirror } from '../api/auth/token-mirror.js';
import { TokenRegistry } from '../api/auth/tokens.js';
import { rootLogger, type Logger } from '../api/log.js';
import { AlreadyExistsError } from '../api/usecases/resources/errors.js';
import { ResourceStore } from '../api/usecases/resources/resource-store.js';
import { createApiServer } from '../api/server/create-server.js';
import { ensureInstallation } from '../api/store/installation.js';
import { migrateTaskDefinitionsToAccount } from '../api/usecases/resources/task-definition-migration.js';
import { openStore } from '../api/store/open.js';
import type { Store } from '../api/store/types.js';
import { DEFAULT_CLUSTER } from '../api/v1/meta.js';
import type { ControllerDefinition } from '../controllers/kit/controller.js';
import { Manager } from '../controllers/kit/manager.js';
import { addSharedIndexes } from '../controllers/conventions.js';
import { serverTls } from './server-tls.js';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { instrumentedStore } from '../api/store/instrumented.js';
import { registerClusterStateMetrics } from '../controllers/metrics/cluster-state.js';
import { placementCheck } from '../controllers/scheduler/feasibility.js';

export interface ControlPlaneOptions {
  /** Holds the embedded store (without etcd) and admin.token. */
  dataDir: string;
  host: string;
  port: number;
  etcdEndpoints?: string[];
  etcdPrefix?: string;
  insecureLoopback?: boolean;
  /** A certificate to serve; without one, https beyond loopback with a generated CA (server-tls.ts). */
  tls?: { certFile: string; keyFile: string };
  controllers: ControllerDefinition[];
  /** Lease TTL of the controller manager's leader election. */
  leaderTtlSeconds?: number;
  log?: Logger;
  /**
   * The key file sealing Secret values. Default: with the embedded store, `<dataDir>/secrets.key`
   * (made on first use); on etcd none, since every replica must share the key: secrets are refused
   * until one is given.
   */
  secretsKeyFile?: string;
  /** The region in the ARNs of the ECS endpoint (default: BERTH_ECS_REGION, else us-east-1). */
  ecsRegion?: string;
}

export interface ControlPlane {
  url: string;
  adminToken: string;
  store: Store;
  resources: ResourceStore;
  /** The token registry: an in-process agent checks callers' tokens with it. */
  tokens: TokenRegistry;
  manager: Manager;
  /** Every metric of this process, which /metrics serves (an in-process agent adds its own). */
  registry: Registry;
  storeDescription: string;
  /** The CA file clients should trust, when the server serves a certificate berth made. */
  caFile?: string;
  /** Graceful: controllers stop, watches end, in-flight requests finish, the store closes. */
  stop(): Promise<void>;
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const log = options.log ?? rootLogger;
  // Before the store opens: a certificate problem is reported before anything else is touched.
  const tls = serverTls({ dataDir: options.dataDir, host: options.host, given: options.tls });
  const opened = openStore({
    dataDir: options.dataDir,
    etcdEndpoints: options.etcdEndpoints,
    etcdPrefix: options.etcdPrefix,
    log,
  });
  const { description } = opened;
  // One registry per process, never prom-client's global one (tests run several control planes).
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'berth_' });
  const store = instrumentedStore(opened.store, opened.kind, registry);
  // Authenticating a request then reads memory, not the store (see token-mirror.ts).
  const tokenMirror = new TokenMirror(store, log.child({ component: 'token-mirror' }));
  tokenMirror.start();
  try {
    const resources = new ResourceStore(store, { secretKeys: secretKeysOf(options) });
    const tokens = new TokenRegistry(store, tokenMirror);
    await ensureDefaultCluster(resources);
    // A new store gets its identity now, an existing one without one (made by an older berth) too.
    const installation = await ensureInstallation(store);
    // Before anything serves or reconciles: task definitions stored per cluster move to the account.
    const migrated = await migrateTaskDefinitionsToAccount(store, log.child({ component: 'migration' }));
    if (migrated.moved > 0) log.info(migrated, 'task definitions moved to the account');
    const adminToken = await createAdminToken(tokens, options.dataDir);
    const manager = new Manager({ client: new LocalClient(resources), election: { store, ttlSeconds: options.leaderTtlSeconds }, log, registry });
    registerClusterStateMetrics(registry, () => manager.cache());
    const server = createApiServer({
      resources,
      store,
      auth: { tokens, insecureLoopback: options.insecureLoopback },
      log,
      tls: tls.mode === 'plain' ? undefined : { cert: tls.cert, key: tls.key },
      registry,
      readiness: () => manager.readiness(),
      ecs: { region: options.ecsRegion ?? process.env.BERTH_ECS_REGION, placement: (client) => placementCheck(client) },
    });
    const url = await server.listen(options.host, options.port);
    addSharedIndexes(manager);
    for (const controller of options.controllers) manager.add(controller);
    const stopManager = new AbortController();
    const managerDone = manager.run(stopManager.signal).catch((err: unknown) => log.error({ err }, 'controller manager failed'));
    log.info({ url, store: description, installation: installation.uid }, 'berth control plane is up');
    return {
      url,
      adminToken,
      store,
      resources,
      tokens,
      manager,
      registry,
      storeDescription: description,
      ...(tls.mode === 'generated' ? { caFile: tls.caFile } : {}),
      async stop() {
        stopManager.abort();
        await managerDone;
        await server.close();
        await tokenMirror.stop();
        await store.close();
      },
    };
  } catch (err) {
    await tokenMirror.stop();
    await store.close().catch(() => undefined);
    throw err;
  }
}

function secretKeysOf(options: ControlPlaneOptions): SecretKeySource {
  if (options.secretsKeyFile !== undefined) return keyFileSource(options.secretsKeyFile, { create: false });
  if (options.etcdEndpoints?.length)
    return noKeySource('this berth server stores in etcd and was given no secrets key: start every replica with the same --secrets-key-file (README: Secrets)');
  return keyFileSource(join(options.dataDir, 'secrets.key'), { create: true });
}

async function ensureDefaultCluster(resources: ResourceStore): Promise<void> {
  try {
    await resources.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: DEFAULT_CLUSTER }, spec: {} });
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
  }
}
