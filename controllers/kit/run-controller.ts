/**
 * The worker loop of one controller: take a key from the queue, reconcile it, and turn the outcome
 * into what happens to the key next. Event wiring (informers → `enqueue`) and leader election live
 * outside: this loop only needs a queue to read and a signal to stop.
 *
 *   outcome                 key's backoff   next look
 *   done()                  forgotten       when something enqueues it again
 *   requeueAfter(ms)        forgotten       in `ms`
 *   thrown error            kept, grows     after per-key backoff (max'ed with the overall rate limit)
 *   thrown TerminalError    forgotten       when something enqueues it again; logged and counted
 *
 * The rate control a controller declares is applied here, not in its reconcile: `pacing` through
 * the queue (each reconcile's own time and whether it wrote are recorded before the key is done),
 * `statusWrites` through the client the reconcile gets (a held-back status write turns `done()`
 * into a look again when its interval is up), `rateLimits` as the queue's retry limits.
 */
import { rootLogger, type Logger } from '../../api/log.js';
import { onAbort } from '../../api/on-abort.js';
import { realClock, type Clock } from './clock.js';
import type { ControllerDefinition, ReconcileContext } from './controller.js';
import { eventRecorder } from './events.js';
import { cachedKindsOf } from './handlers.js';
import { noCache, scopedCache, type CacheReader } from './informer-set.js';
import { CostPacing, WriteIntervals } from './pacing.js';
import type { KitMetrics, ReconcileOutcome } from './metrics.js';
import { WorkQueue, type QueueMetrics } from './queue.js';
import { tracedClient, type ReconcileTrace, type StatusCoalescing } from './reconcile-client.js';
import { yieldIfBusy } from '../../api/time-slice.js';
import type { RateLimiterOptions } from './rate-limiter.js';
import { isTerminalError, requeueAfter, type ReconcileResult } from './result.js';
import { parseRequestKey, requestKey, type KitClient, type ObjectRef } from './types.js';

/** What `runController` needs. */
export interface RunControllerOptions {
  client: KitClient;
  /** Aborting it stops the controller: the queue shuts down and workers exit after their current key. */
  signal: AbortSignal;
  clock?: Clock;
  /** Parent logger; the controller logs through a child bound to `controller: name`. */
  log?: Logger;
  /** Shared informer caches handed to every reconcile (default: none; reads then fail loudly). */
  cache?: CacheReader;
  /** Tunes the queue's backoff and overall rate limit (the definition's own `rateLimits` win). */
  rateLimits?: RateLimiterOptions;
  /** Where to count reconciles and queue waits (the manager passes its own); absent: not counted. */
  metrics?: KitMetrics;
}

/** Counters of reconcile outcomes. */
export interface ControllerStats {
  reconciles: number;
  done: number;
  requeues: number;
  errors: number;
  terminalErrors: number;
  queue: QueueMetrics;
}

/** A running controller. */
export interface RunningController {
  readonly name: string;
  readonly queue: WorkQueue;
  /** Asks for `ref` to be reconciled (de-duplicated with requests already waiting). */
  enqueue(ref: ObjectRef): void;
  stats(): ControllerStats;
  /** Resolves once the signal aborted and every worker has finished its current reconcile. */
  readonly stopped: Promise<void>;
}

/** Starts `definition.workers` workers reconciling keys from a new queue until `signal` aborts. */
export function runController(definition: ControllerDefinition, options: RunControllerOptions): RunningController {
  const { client, signal } = options;
  const clock = options.clock ?? realClock;
  const log = (options.log ?? rootLogger).child({ controller: definition.name });
  const pacing = definition.pacing && new CostPacing(definition.pacing.costFactor, definition.pacing.minIntervalMs);
  const coalescing: StatusCoalescing | undefined = definition.statusWrites && {
    intervals: new WriteIntervals(definition.statusWrites.intervalMs),
    when: definition.statusWrites.coalesceWhen,
  };
  // The queue is read at scrape time through this closure; it exists by the time anything scrapes.
  const source = { len: (): number => queue.len() };
  const metrics = options.metrics?.controller(definition.name, source, definition.workers);
  const queue: WorkQueue = new WorkQueue({ clock, rateLimits: definition.rateLimits ?? options.rateLimits, pacer: pacing, observer: metrics });
  const counts = { reconciles: 0, done: 0, requeues: 0, errors: 0, terminalErrors: 0 };
  const cache = scopedCache(options.cache ?? noCache, definition.name, cachedKindsOf(definition));
  const events = eventRecorder(client, clock);

  const handle = (key: string, result: ReconcileResult | undefined, keyLog: Logger): ReconcileOutcome => {
    if (result?.type === 'done') {
      counts.done++;
      queue.forget(key);
      return 'success';
    } else if (result?.type === 'requeueAfter') {
      counts.requeues++;
      queue.forget(key);
      queue.addAfter(key, result.afterMs);
      return 'requeue_after';
    }
    // A missing `return` in JavaScript, or a foreign value: a bug that retrying will not fix.
    counts.terminalErrors++;
    queue.forget(key);
    keyLog.error({ result }, 'reconcile returned neither done() nor requeueAfter(ms); not retrying');
    return 'terminal_error';
  };

  const fail = (key: string, err: unknown, keyLog: Logger): ReconcileOutcome => {
    if (isTerminalError(err)) {
      counts.terminalErrors++;
      queue.forget(key);
      keyLog.error({ err }, 'reconcile failed terminally; not retrying until the object changes');
      return 'terminal_error';
    }
    counts.errors++;
    metrics?.retried();
    queue.addRateLimited(key);
    keyLog.warn({ err, retries: queue.numRequeues(key) }, 'reconcile failed; retrying with backoff');
    return 'error';
  };

  const processKey = async (key: string): Promise<void> => {
    let ref: ObjectRef;
    try {
      ref = parseRequestKey(key);
    } catch (err) {
      log.error({ err, key }, 'dropping a malformed queue key');
      return;
    }
    const keyLog = log.child({ key: `${ref.kind}/${ref.cluster}/${ref.name}` });
    // Only a controller with rate control pays for a traced client.
    const traced = pacing || coalescing ? tracedClient(client, clock, ref, key, coalescing) : undefined;
    const ctx: ReconcileContext = { log: keyLog, clock, client: traced?.client ?? client, signal, cache, events };
    counts.reconciles++;
    const startedAt = clock.now();
    // Wall time, not the injected clock: a fake clock in tests would make every reconcile take 0 s.
    const began = performance.now();
    metrics?.active(1);
    let outcome: ReconcileOutcome = 'error';
    try {
      const result = await definition.reconcile({ key: ref }, ctx);
      outcome = handle(key, traced ? withHeldStatus(result, traced.trace()) : result, keyLog);
    } catch (err) {
      outcome = fail(key, err, keyLog);
    } finally {
      metrics?.active(-1);
      metrics?.reconciled(outcome, (performance.now() - began) / 1000);
      if (pacing && traced) {
        const trace = traced.trace();
        // A status write held back is a write still to come: the key is requeued for it, and
        // running it sooner would only hold it again.
        pacing.record(key, startedAt, clock.now() - startedAt - trace.ioMs, trace.wrote || trace.statusHeldMs !== undefined);
      }
    }
  };

  const worker = async (): Promise<void> => {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      try {
        await processKey(key);
      } finally {
        queue.done(key);
      }
      // A long backlog of keys whose reconciles settle without I/O must not starve timers (api/time-slice.ts).
      await yieldIfBusy();
    }
  };

  const stop = () => {
    queue.shutDown();
    metrics?.stop();
  };
  onAbort(signal, stop);
  const stopped = Promise.all(Array.from({ length: definition.workers }, worker)).then(() => {
    log.debug('controller stopped');
  });
  log.debug({ workers: definition.workers }, 'controller started');

  return {
    name: definition.name,
    queue,
    enqueue: (ref) => queue.add(requestKey(ref)),
    stats: () => ({ ...counts, queue: queue.metrics() }),
    stopped,
  };
}

/** A held-back status write must land: the key is looked at again when its interval is up, or sooner if asked. */
function withHeldStatus(result: ReconcileResult | undefined, trace: ReconcileTrace): ReconcileResult | undefined {
  const held = trace.statusHeldMs;
  if (held === undefined) return result;
  if (result?.type === 'done') return requeueAfter(held);
  if (result?.type === 'requeueAfter') return requeueAfter(Math.min(result.afterMs, held));
  return result;
}
