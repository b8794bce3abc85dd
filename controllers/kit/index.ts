/**
 * The controller kit: berth's public extension API. Built-in and third-party controllers use only
 * what is exported here. Test doubles for extension authors are in `./testing.js` (InMemoryListWatch)
 * and `./clock.js` (FakeClock).
 *
 * - controller: defineController, the Reconciler contract, runController (the worker loop)
 * - result: done(), requeueAfter(ms), TerminalError
 * - informer / cache: the list+watch cache with indexes; clientListWatch feeds it from the API client
 * - queue / rate-limiter: the de-duplicating, rate-limited work queue
 * - pacing: CostPacing, spacing a key's reconciles by their own cost
 * - handlers: which requests an object change produces (for / owns / watches)
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
