/**
 * `defineController`: how every berth controller, built-in or third-party, is declared.
 *
 *   export const scaler = defineController({
 *     name: 'nightly-scaler',
 *     for: Service,            // its objects' keys are the requests
 *     owns: [Task],            // a task change enqueues the service that controls it
 *     async reconcile({ key }, { client, log, clock, signal }) { ...; return done(); },
 *   });
 *
 * The definition is checked when it is made, so a typo fails at import time with a message saying
 * what to fix, not hours later in a worker. `runController` (run-controller.ts) runs one.
 */
import type { Logger } from '../../api/log.js';
import type { IndexFunc } from './cache.js';
import type { Clock } from './clock.js';
import type { EventRecorder } from './events.js';
import type { CacheReader } from './informer-set.js';
import type { PacingOptions } from './pacing.js';
import type { RateLimiterOptions } from './rate-limiter.js';
import type { ReconcileResult } from './result.js';
import { kindNameOf, type KindName, type KindSchema, type KindSchemaOrName, type KitClient, type KitObject, type ObjectOf, type ObjectRef } from './types.js';

export { runController } from './run-controller.js';

/** What to reconcile: the identity of one object of the controller's `for` kind, nothing more. */
export interface ReconcileRequest {
  readonly key: ObjectRef;
}

/** What a reconcile gets besides its request. */
export interface ReconcileContext {
  /** A child logger bound to this controller and this key. */
  readonly log: Logger;
  /** The only source of time a reconcile should use, so tests can drive it. */
  readonly clock: Clock;
  readonly client: KitClient;
  /** The manager's shared informer caches (frozen objects): read here, write through `client`. */
  readonly cache: CacheReader;
  /** Aborted when the controller stops (shutdown, lost leadership): stop early, write nothing more. */
  readonly signal: AbortSignal;
  /** Writes events (`berth events`, `berth describe`) about an object, as berth's own controllers do. */
  readonly events: EventRecorder;
}

/**
 * Makes the world match one object's spec. Level-based: re-read what you need through `client`,
 * never rely on which event caused the call. Return `done()` or `requeueAfter(ms)`; throw to retry
 * with backoff; throw `TerminalError` when retrying cannot help.
 */
export type Reconciler = (request: ReconcileRequest, ctx: ReconcileContext) => Promise<ReconcileResult> | ReconcileResult;

/**
 * Changes to objects of `kind` enqueue the requests `map` returns (e.g. instance → its tasks'
 * services). `map` and `changed` get objects of `kind`, typed: `{ kind: 'Task', map: (task) => … }`.
 */
export interface KindWatchSpec<W extends KindName> {
  kind: W;
  map: (obj: ObjectOf<W>) => readonly ObjectRef[];
  /**
   * Which updates matter (controller-runtime's update predicate): an update for which this returns
   * false maps nothing, neither side. Adds and deletes always map. Absent: every update maps, the
   * old object and the new. For a kind that changes far more often than it matters to this
   * controller (agents' heartbeats; the echo of the controller's own write).
   */
  changed?: (oldObj: ObjectOf<W>, newObj: ObjectOf<W>) => boolean;
}

/** The same, naming the kind by its schema (`kind: Task`). */
export interface SchemaWatchSpec<W extends KindName> extends Omit<KindWatchSpec<W>, 'kind'> {
  kind: KindSchema<W>;
}

/**
 * A watch of any kind: the union over kinds (name and schema forms apart, so that `kind` stays a
 * discriminant), so each literal's `kind` types its own callbacks.
 */
export type WatchSpec = { [W in KindName]: KindWatchSpec<W> | SchemaWatchSpec<W> }[KindName];

/** A named index a controller adds to the shared cache of `kind`, for `ctx.cache.byIndex(kind, name, value)`. */
export interface KindIndexSpec<I extends KindName> {
  kind: I;
  name: string;
  fn: IndexFunc<ObjectOf<I>>;
}
export type IndexSpec = { [I in KindName]: KindIndexSpec<I> | (Omit<KindIndexSpec<I>, 'kind'> & { kind: KindSchema<I> }) }[KindName];

/** An index as a checked definition holds it. */
export interface IndexDefinition {
  readonly kind: KindName;
  readonly name: string;
  readonly fn: IndexFunc<KitObject>;
}

/** A watch as a checked definition holds it. */
export interface WatchDefinition {
  readonly kind: KindName;
  readonly map: (obj: KitObject) => readonly ObjectRef[];
  readonly changed?: (oldObj: KitObject, newObj: KitObject) => boolean;
}

/** The status type of a kind's objects. */
export type StatusOf<K extends KindName> = ObjectOf<K> extends { status?: infer S } ? S : undefined;

/**
 * Status writes of a controller's own objects that may wait (defineController's `statusWrites`).
 * While a burst of changes each alters a status a little (task counts as tasks start one after
 * another), writing every one is a write, a watch event and a reconcile woken by it per change.
 */
export interface StatusWriteOptions<K extends KindName> {
  /** Which status changes may wait, from the stored status to the new one (e.g. counts alone). Any other change is written at once. */
  coalesceWhen: (current: StatusOf<K> | undefined, next: StatusOf<K> | undefined) => boolean;
  /** Such a change is written at most once per this many ms per object; the last one always lands, at most this late. */
  intervalMs: number;
}

/** What `defineController` is given. */
export interface ControllerOptions<K extends KindName = KindName> {
  /** Unique, stable name: used in logs, metrics and the controller's leader-election key. */
  name: string;
  /** The kind this controller reconciles: each object of it is one request. */
  for: KindSchemaOrName<K>;
  /**
   * Which objects of `for` need a reconcile when they change (controller-runtime's For predicate):
   * a change to one for which this returns false enqueues nothing of its own. Absent: every change.
   * For a controller that acts on few of many busy objects (garbage collection of STOPPED tasks
   * among thousands of running ones reporting status).
   */
  forWhen?: (obj: ObjectOf<K>) => boolean;
  /**
   * Which updates of a `for` object need a reconcile (an update predicate, as `changed` of a watch):
   * an update for which this returns false enqueues nothing of its own; adds and deletes always do.
   * Absent: every update. E.g. `(a, b) => a.metadata.generation !== b.metadata.generation` to
   * ignore status-only changes, including the echo of this controller's own status writes.
   */
  forChanged?: (oldObj: ObjectOf<K>, newObj: ObjectOf<K>) => boolean;
  /** Kinds whose objects name an object of `for` as their controller owner (ownerReferences). */
  owns?: readonly KindSchemaOrName[];
  /** Other kinds to watch, with how their changes map to requests. */
  watches?: readonly WatchSpec[];
  /**
   * Kinds read from `ctx.cache` without a request of their own (no watch needed): the manager keeps
   * an informer for each. Reading a kind from the cache that is none of for / owns / watches /
   * reads fails with CacheKindNotWatchedError.
   */
  reads?: readonly KindSchemaOrName[];
  /** Indexes this controller adds to the shared caches (names unique per kind across the manager's controllers). */
  indexes?: readonly IndexSpec[];
  /** How many keys are reconciled at once (default 1). One key is never reconciled twice at once. */
  workers?: number;
  /**
   * Spacing of one key's reconciles, applied by the work queue: after a reconcile the key is not
   * handed out again before `costFactor` × the time the reconcile spent on its own (not waiting for
   * the API), nor before `minIntervalMs` when it wrote. For a reconcile that reads a whole set and
   * is woken by every change in it (a scheduler pass over a cluster's tasks): under a burst it runs
   * less often and does more each time. Absent: a key goes as soon as a worker is free.
   */
  pacing?: PacingOptions;
  /**
   * Status writes of the request's own object (through `ctx.client.mutate(kind, key, change,
   * { subresource: 'status' })`) that may wait: the runner holds back one that `coalesceWhen` lets
   * wait within `intervalMs` of the last, and reconciles the key again when the interval is up.
   */
  statusWrites?: StatusWriteOptions<K>;
  /** Retry backoff and overall retry rate of this controller's queue (default: the manager's, else the kit's). */
  rateLimits?: RateLimiterOptions;
  reconcile: Reconciler;
}

/** A checked, frozen controller definition, as `runController` and the manager take it. */
export interface ControllerDefinition<K extends KindName = KindName> {
  readonly name: string;
  readonly for: K;
  readonly forWhen?: (obj: KitObject) => boolean;
  readonly forChanged?: (oldObj: KitObject, newObj: KitObject) => boolean;
  readonly owns: readonly KindName[];
  readonly watches: readonly WatchDefinition[];
  readonly reads: readonly KindName[];
  readonly indexes: readonly IndexDefinition[];
  readonly workers: number;
  readonly pacing?: Readonly<Required<PacingOptions>>;
  readonly statusWrites?: { readonly intervalMs: number; readonly coalesceWhen: (current: unknown, next: unknown) => boolean };
  readonly rateLimits?: RateLimiterOptions;
  readonly reconcile: Reconciler;
}

/** A controller definition was misused; the message lists every problem found. */
export class ControllerDefinitionError extends Error {
  override readonly name = 'ControllerDefinitionError';
  readonly retriable = false;

  constructor(
    readonly controller: string,
    readonly problems: readonly string[],
  ) {
    super(`defineController(${controller}): ${problems.join('; ')}`);
  }
}

/** Controller names go into store keys and metric labels: keep them to a safe, readable alphabet. */
const CONTROLLER_NAME = /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/;

/** Declares a controller, rejecting a malformed definition with a `ControllerDefinitionError`. */
export function defineController<K extends KindName>(options: ControllerOptions<K>): ControllerDefinition<K> {
  const problems: string[] = [];
  const rawName: unknown = options.name;
  const label = typeof rawName === 'string' && rawName.trim() !== '' ? `"${rawName}"` : '<unnamed>';
  if (typeof rawName !== 'string' || rawName.trim() === '') problems.push('name: required, e.g. name: "nightly-scaler"');
  else if (!CONTROLLER_NAME.test(rawName))
    problems.push(`name: "${rawName}" must be 1-63 lower-case letters, digits, "-" or ".", starting and ending with a letter or digit`);

  const kind = checkKind(options.for, 'for', problems);
  const owns = (options.owns ?? []).map((k, i) => checkKind(k, `owns[${i}]`, problems));
  if (options.forWhen !== undefined && typeof options.forWhen !== 'function') problems.push('forWhen: must be a function (obj) => boolean, or absent');
  if (options.forChanged !== undefined && typeof options.forChanged !== 'function')
    problems.push('forChanged: must be a function (oldObj, newObj) => boolean, or absent');
  // The callbacks are stored for any object (KitObject): the manager hands each one only objects of
  // the kind it was declared with (each informer holds one kind), which is what the options' types say.
  const watches = (options.watches ?? []).map((w: WatchSpec, i): WatchDefinition | undefined => {
    if (typeof w?.map !== 'function') problems.push(`watches[${i}].map: must be a function from the watched object to requests`);
    if (w?.changed !== undefined && typeof w.changed !== 'function')
      problems.push(`watches[${i}].changed: must be a function (oldObj, newObj) => boolean, or absent`);
    const kind = checkKind(w?.kind, `watches[${i}].kind`, problems);
    const loose = w as unknown as { map: WatchDefinition['map']; changed?: WatchDefinition['changed'] };
    return kind === undefined ? undefined : { kind, map: loose.map, ...(loose.changed === undefined ? {} : { changed: loose.changed }) };
  });
  const reads = (options.reads ?? []).map((k, i) => checkKind(k, `reads[${i}]`, problems));
  const indexNames = new Set<string>();
  const indexes = (options.indexes ?? []).map((index: IndexSpec, i): IndexDefinition | undefined => {
    const kind = checkKind(index?.kind, `indexes[${i}].kind`, problems);
    if (typeof index?.name !== 'string' || index.name === '') problems.push(`indexes[${i}].name: required, e.g. name: "byImage"`);
    if (typeof index?.fn !== 'function') problems.push(`indexes[${i}].fn: must be a function from an object to the values it is indexed under`);
    if (kind !== undefined && indexNames.has(`${kind}/${index.name}`)) problems.push(`indexes[${i}].name: "${index.name}" is used twice for ${kind}`);
    if (kind !== undefined) indexNames.add(`${kind}/${index.name}`);
    return kind === undefined ? undefined : { kind, name: index.name, fn: index.fn as unknown as IndexFunc<KitObject> };
  });

  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) problems.push(`workers: must be an integer >= 1, got ${String(workers)}`);
  const pacing = checkPacing(options.pacing, problems);
  const statusWrites = options.statusWrites;
  if (statusWrites !== undefined) {
    if (typeof statusWrites?.coalesceWhen !== 'function') problems.push('statusWrites.coalesceWhen: must be a function (currentStatus, nextStatus) => boolean');
    if (!isNonNegative(statusWrites?.intervalMs) || statusWrites.intervalMs === 0)
      problems.push(`statusWrites.intervalMs: must be a number of ms > 0, got ${String(statusWrites?.intervalMs)}`);
  }
  if (typeof options.reconcile !== 'function')
    problems.push('reconcile: required, an async function ({ key }, { client, log, clock, signal }) => done() | requeueAfter(ms)');

  if (problems.length > 0 || kind === undefined) throw new ControllerDefinitionError(label, problems);
  return Object.freeze({
    name: options.name,
    for: kind as K,
    ...(options.forWhen === undefined ? {} : { forWhen: options.forWhen as unknown as (obj: KitObject) => boolean }),
    ...(options.forChanged === undefined ? {} : { forChanged: options.forChanged as unknown as (oldObj: KitObject, newObj: KitObject) => boolean }),
    owns: Object.freeze(owns.filter((k): k is KindName => k !== undefined)),
    watches: Object.freeze(watches.filter((w): w is WatchDefinition => w !== undefined)),
    reads: Object.freeze(reads.filter((k): k is KindName => k !== undefined)),
    indexes: Object.freeze(indexes.filter((x): x is IndexDefinition => x !== undefined)),
    workers,
    ...(pacing === undefined ? {} : { pacing }),
    ...(statusWrites === undefined
      ? {}
      : {
          statusWrites: Object.freeze({
            intervalMs: statusWrites.intervalMs,
            coalesceWhen: statusWrites.coalesceWhen as (current: unknown, next: unknown) => boolean,
          }),
        }),
    ...(options.rateLimits === undefined ? {} : { rateLimits: options.rateLimits }),
    reconcile: options.reconcile,
  });
}

const isNonNegative = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;

function checkPacing(pacing: PacingOptions | undefined, problems: string[]): Readonly<Required<PacingOptions>> | undefined {
  if (pacing === undefined) return undefined;
  const { costFactor = 0, minIntervalMs = 0 } = pacing ?? {};
  if (!isNonNegative(costFactor)) problems.push(`pacing.costFactor: must be a number >= 0, got ${String(costFactor)}`);
  if (!isNonNegative(minIntervalMs)) problems.push(`pacing.minIntervalMs: must be a number of ms >= 0, got ${String(minIntervalMs)}`);
  return Object.freeze({ costFactor, minIntervalMs });
}

function checkKind(kind: unknown, field: string, problems: string[]): KindName | undefined {
  try {
    return kindNameOf(kind);
  } catch (err) {
    problems.push(`${field}: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}
