/**
 * The manager runs a set of controllers the way kube-controller-manager does: one leader election
 * for the whole set (so of several berth servers exactly one runs the controllers), shared informers,
 * and controllers whose workers start only once every cache has synced — a reconcile that saw a
 * half-listed task cache would "repair" tasks that already exist.
 */
import { hostname } from 'node:os';
import type { BerthClient } from '../../api/client/types.js';
import { rootLogger, type Logger } from '../../api/log.js';
import { sysKeys } from '../../api/keys.js';
import { onAbort } from '../../api/on-abort.js';
import type { Store } from '../../api/store/types.js';
import type { Registry } from 'prom-client';
import { realClock, type Clock } from './clock.js';
import type { IndexFunc } from './cache.js';
import type { ControllerDefinition } from './controller.js';
import { cachedKindsOf, enqueueHandlers, kindsOf } from './handlers.js';
import { InformerSet, scopedCache, type CacheReader } from './informer-set.js';
import { LeaderElector } from './leader-election.js';
import { LeaseElector } from './lease-election.js';
import { KitMetrics } from './metrics.js';
import type { RateLimiterOptions } from './rate-limiter.js';
import { runController, type ControllerStats, type RunningController } from './run-controller.js';
import type { KindName, ObjectOf } from './types.js';

export interface ManagerOptions {
  client: BerthClient;
  /**
   * Leader election, so that of several replicas one acts. With `store` (inside berth's server) on
   * a store lease; without (a controller in its own process, talking to the API) on a `Lease` object
   * named `name` in `cluster` through `client` (lease-election.ts). Without `election` this manager
   * always acts (a single process).
   */
  election?: { store?: Store; identity?: string; ttlSeconds?: number; name?: string; cluster?: string };
  clock?: Clock;
  log?: Logger;
  /** Replay every cached object to the controllers this often (0: never). */
  resyncMs?: number;
  rateLimits?: RateLimiterOptions;
  /** Where the controllers' metrics go (kit/metrics.ts); default: a registry of the manager's own (`manager.metrics.registry`). */
  registry?: Registry;
}

/** One readiness check, as /readyz lists them. */
export interface ReadinessCheck {
  name: string;
  ok: boolean;
  message: string;
}

export interface ManagerHealth {
  leader: boolean;
  synced: boolean;
  controllers: { name: string; stats: ControllerStats }[];
}

export class Manager {
  private readonly definitions: ControllerDefinition[] = [];
  private readonly indexes: { kind: KindName; name: string; fn: IndexFunc<ObjectOf<KindName>>; by: string }[] = [];
  private readonly clock: Clock;
  private readonly log: Logger;
  private running: RunningController[] = [];
  private informers: InformerSet | undefined;
  private leading = false;
  private started = false;
  /** Controller-runtime's metrics of every controller this manager runs. */
  readonly metrics: KitMetrics;

  constructor(private readonly options: ManagerOptions) {
    this.clock = options.clock ?? realClock;
    this.log = (options.log ?? rootLogger).child({ component: 'controller-manager' });
    this.metrics = new KitMetrics(options.registry);
    this.metrics.leading(this.electionName(), false);
  }

  add(definition: ControllerDefinition): this {
    if (this.started) throw new Error(`cannot add controller ${definition.name}: the manager is already running`);
    if (this.definitions.some((d) => d.name === definition.name)) throw new Error(`controller ${definition.name} is added twice`);
    for (const index of definition.indexes) this.addIndex(index.kind, index.name, index.fn, definition.name);
    this.definitions.push(definition);
    return this;
  }

  /**
   * An index on the shared cache of `kind`, for controllers' `cache.byIndex`. The same function may
   * be added under its name more than once (two controllers declaring one shared index); a
   * different function under a name already taken is refused.
   */
  addIndex<K extends KindName>(kind: K, name: string, fn: IndexFunc<ObjectOf<K>>, by = 'addIndex'): this {
    if (this.started) throw new Error(`cannot add index ${kind}/${name}: the manager is already running`);
    const taken = this.indexes.find((i) => i.kind === kind && i.name === name);
    if (taken?.fn === fn) return this;
    if (taken) throw new Error(`${by}: index "${name}" of ${kind} is already added by ${taken.by} with another function; give this one its own name`);
    // Stored with the kind it belongs to; `runWhileLeading` applies it to that kind's informer only.
    this.indexes.push({ kind, name, fn: fn as IndexFunc<ObjectOf<KindName>>, by });
    return this;
  }

  /**
   * The shared caches while this manager leads (read-only), for scrapes that report on the objects.
   * Only kinds some controller caches can be read: asking the set for another would add an informer
   * that never starts (and never syncs).
   */
  cache(): CacheReader | undefined {
    const informers = this.informers;
    return this.leading && informers ? scopedCache(informers, 'metrics', informers.kinds()) : undefined;
  }

  health(): ManagerHealth {
    return {
      leader: this.leading,
      synced: this.informers?.synced() ?? false,
      controllers: this.running.map((c) => ({ name: c.name, stats: c.stats() })),
    };
  }

  /**
   * What /readyz asks of the controllers, beyond the store answering:
   * - `leader`: some replica leads (this one, or another whose election record is in the store),
   *   so the cluster's controllers are acting; a standby replica is ready when someone leads;
   * - `informers`: while this replica leads, its caches have synced (its controllers have started).
   * A manager elected through the API (a Lease object) knows only whether it leads itself.
   */
  async readiness(): Promise<ReadinessCheck[]> {
    const synced = this.informers?.synced() ?? false;
    return [
      await this.leaderCheck(),
      { name: 'informers', ok: !this.leading || synced, message: this.leading ? (synced ? 'synced' : 'not synced yet') : 'standby' },
    ];
  }

  private async leaderCheck(): Promise<ReadinessCheck> {
    if (this.leading) return { name: 'leader', ok: true, message: 'this replica leads' };
    const store = this.options.election?.store;
    if (!store) return { name: 'leader', ok: false, message: this.started ? 'not leading' : 'not running' };
    const record = await store.get(sysKeys.leader(this.electionName()));
    return record ? { name: 'leader', ok: true, message: 'another replica leads' } : { name: 'leader', ok: false, message: 'no replica leads' };
  }

  private electionName(): string {
    return this.options.election?.name ?? 'controller-manager';
  }

  /** Runs until `signal` aborts; with election, only while this manager leads. */
  async run(signal: AbortSignal): Promise<void> {
    this.started = true;
    const election = this.options.election;
    if (!election) return this.runWhileLeading(signal);
    const common = {
      name: this.electionName(),
      identity: election.identity ?? `${hostname()}:${process.pid}`,
      clock: this.clock,
      log: this.log,
    };
    const elector = election.store
      ? new LeaderElector({ ...common, store: election.store, ttlSeconds: election.ttlSeconds })
      : new LeaseElector({ ...common, client: this.options.client, cluster: election.cluster, leaseDurationSeconds: election.ttlSeconds });
    const stopCampaigning = onAbort(signal, () => elector.stop());
    try {
      await elector.run(({ signal: leadership }) => this.runWhileLeading(AbortSignal.any([signal, leadership])));
    } finally {
      stopCampaigning();
    }
  }

  private async runWhileLeading(signal: AbortSignal): Promise<void> {
    this.leading = true;
    this.metrics.leading(this.electionName(), true);
    const informers = new InformerSet({ client: this.options.client, clock: this.clock, log: this.log, resyncMs: this.options.resyncMs });
    this.informers = informers;
    for (const definition of this.definitions) for (const kind of cachedKindsOf(definition)) informers.informer(kind);
    for (const index of this.indexes) informers.addIndex(index.kind, index.name, index.fn);
    informers.start();
    try {
      if (!(await informers.waitForSync(signal))) return;
      this.log.info({ controllers: this.definitions.map((d) => d.name) }, 'caches synced; starting controllers');
      this.running = this.definitions.map((definition) => {
        const controller = runController(definition, {
          client: this.options.client,
          signal,
          clock: this.clock,
          log: this.log,
          cache: informers,
          rateLimits: this.options.rateLimits,
          metrics: this.metrics,
        });
        // Added after sync, so each handler first gets onAdd for every cached object.
        for (const kind of kindsOf(definition))
          informers.informer(kind).addEventHandler({
            ...enqueueHandlers(definition, (ref) => controller.enqueue(ref)),
            onRecovered: () => controller.queue.retryBackingOffNow(),
          });
        return controller;
      });
      await Promise.all(this.running.map((c) => c.stopped));
      // Controllers only stop on the signal, but with none added there is nothing to wait on:
      // returning early would end this leadership and start a new campaign at once, in a loop.
      await new Promise<void>((resolve) => onAbort(signal, resolve));
    } finally {
      informers.stop();
      this.leading = false;
      this.metrics.leading(this.electionName(), false);
    }
  }
}
