/**
 * The controller kit: berth's public extension API (`import … from 'berth/kit'`). Built-in and
 * third-party controllers use only what is exported here; what tests need (startTestEnv, FakeClock,
 * InMemoryListWatch, eventually) is `berth/testing` (testing-index.ts).
 *
 * - manager: Manager runs controllers with shared informers, in process or out of process, with
 *   leader election on a store lease or (out of process) on a Lease object through the API
 * - connection: connect(), the server and token the CLI would use; HttpClient / LocalClient
 * - events: ctx.events.record(service, message)
 * - log: rootLogger (pino), the Logger type
 * - controller: defineController, the Reconciler contract, runController (the worker loop)
 * - result: done(), requeueAfter(ms), TerminalError
 * - informer / cache: the list+watch cache with indexes; clientListWatch feeds it from the API client
 * - queue / rate-limiter: the de-duplicating, rate-limited work queue
 * - pacing: what a controller declares as `pacing` / `statusWrites` (CostPacing, WriteIntervals),
 *   applied by the queue and the runner, never by reconcile itself
 * - handlers: which requests an object change produces (for / owns / watches)
 * - metrics: KitMetrics, controller-runtime's Prometheus series, in the manager's registry
 * - pool: forEachBounded, at most N calls in flight (a controller's writes, an apply's objects)
 */
export * from './clock.js';
export * from './result.js';
export * from './rate-limiter.js';
export * from './queue.js';
export * from './pacing.js';
export * from './types.js';
export * from './cache.js';
export * from './informer.js';
export * from './client-list-watch.js';
export * from './handlers.js';
export * from './controller.js';
export * from './run-controller.js';
export * from './pool.js';
export * from './events.js';
export { Manager, type ManagerHealth, type ManagerOptions, type ReadinessCheck } from './manager.js';
export { KitMetrics, type ControllerMetrics, type ReconcileOutcome } from './metrics.js';
export { LeaderElector, type LeaderElectionOptions, type Leadership } from './leader-election.js';
export { LeaseElector, type LeaseElectionOptions } from './lease-election.js';
export { CacheKindNotWatchedError, InformerSet, type CacheReader } from './informer-set.js';
export { rootLogger, type Logger } from '../../api/log.js';
export { HttpClient, type HttpClientOptions } from '../../api/client/http-client.js';
export { LocalClient } from '../../api/client/local-client.js';
export type { BerthClient, Mutated } from '../../api/client/types.js';
export { connect, resolveConnection, ConfigError, DEFAULT_SERVER, type Connection, type ConnectionFlags } from '../../api/client/connection.js';
