/**
 * The berth agent: runs on each container instance, talks only to the API, and makes the local
 * Docker engine run exactly the tasks bound to its instance.
 *
 *   start(): register the instance and heartbeat → open Docker's event stream (first, so nothing
 *   that happens while listing is missed) → list + watch the tasks bound here (an informer) → sweep
 *   the engine for containers of this instance → workers reconcile task by task (task-worker.ts).
 *   The sweep also refills the container index (container-index.ts), which the workers observe
 *   through instead of listing the engine per reconcile.
 *   The sweep repeats every steadyStateIntervalMs (ECS's steady-state check): every task bound
 *   here, and every task name still on the engine, is reconciled again even without events.
 *
 * Every trigger (a task change, a Docker event, the resync, the sweep) only enqueues the task's
 * name; the de-duplicating queue hands one task to one worker at a time, so one task's slow stop
 * never blocks another's, and concurrency overall is bounded by the number of workers.
 *
 * stop() leaves containers running: a restarted agent finds them by their labels and adopts them.
 */
import { z } from 'zod';
import type { BerthClient } from '../../api/client/types.js';
import type { Logger } from '../../api/log.js';
import type { Task } from '../../api/v1/task.js';
import type { Cancel, Clock } from '../kit/clock.js';
import { clientListWatch } from '../kit/client-list-watch.js';
import { Informer } from '../kit/informer.js';
import { requestKey } from '../kit/types.js';
import { WorkQueue } from '../kit/queue.js';
import { TaskDefinitionCache } from './definitions.js';
import { ContainerIndex } from './container-index.js';
import { AgentStateError } from './errors.js';
import {
  DNS_PORT,
  instanceAttributes,
  instanceResources,
  parseDnsAddress,
  resolveAgentOptions,
  type AgentOptions,
  type ResolvedAgentOptions,
} from './options.js';
import { probeGpus } from './gpu-probe.js';
import { ServiceDiscovery } from './discovery/discovery.js';
import { LogServer, type LogServerAddress } from './log-server.js';
import { OwnEngineEvents } from './own-events.js';
import { heartbeat, registerInstance, type Registration } from './registration.js';
import { belongsTo, isLegacyOf, DOCKER_LABELS, legacyScopeLabels, type AgentScope } from './runtime/names.js';
import { HostPortAllocator } from './runtime/ports.js';
import type { EventSubscription, RuntimeEvent } from './runtime/types.js';
import { DEFAULT_RESERVED_PORTS } from '../../api/v1/container-instance.js';
import { TaskView } from './task-view.js';
import { TaskWorker } from './task-worker.js';
import { UtilizationSampler } from './utilization-sampler.js';
import { taskDemand } from '../scheduler/placement/demand.js';

const EVENT_RESUBSCRIBE_MS = { base: 200, max: 10_000 };
const START_RETRY_MS = { base: 200, max: 10_000 };
/** berth's error classes say whether trying again may help. */
const Retriable = z.object({ retriable: z.literal(true) });
/** stop() waits this long for reconciles in flight (a container stop may take its whole timeout). */
const STOP_GRACE_MS = 5_000;

export class Agent {
  readonly cluster: string;
  readonly instanceName: string;
  private readonly options: ResolvedAgentOptions;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly queue: WorkQueue;
  private readonly stopping = new AbortController();
  private state: 'new' | 'running' | 'stopped' = 'new';
  private informer: Informer<Task> | undefined;
  private events: EventSubscription | undefined;
  private workers: Promise<void>[] = [];
  /** One pending timer per purpose, so they neither pile up nor outlive stop(). */
  private readonly timers = new Map<'heartbeat' | 'sweep' | 'events' | 'stats', Cancel>();
  private sampler: UtilizationSampler | undefined;
  private eventFailures = 0;
  private readonly ownEvents: OwnEngineEvents;
  private readonly containers = new ContainerIndex();
  /** Containers an older berth made for tasks of this agent (no installation label), adopted by the sweep. */
  private readonly legacy = new Set<string>();
  private registration: Registration | undefined;
  private logServer: LogServer | undefined;
  private discovery: ServiceDiscovery | undefined;
  /** Where the service-discovery DNS server listens, once started (dnsAddress). */
  dnsServer: { address: string; port: number } | undefined;
  /** Known once the API has said which installation it serves (start()). */
  private scope: AgentScope | undefined;

  constructor(options: AgentOptions) {
    this.options = resolveAgentOptions(options);
    this.cluster = this.options.cluster;
    this.instanceName = this.options.instanceName;
    this.log = this.options.log;
    this.clock = this.options.clock;
    this.queue = new WorkQueue({ clock: this.clock });
    this.ownEvents = new OwnEngineEvents(() => this.clock.now());
  }

  async start(): Promise<void> {
    if (this.state !== 'new')
      throw new AgentStateError(`the agent of ${this.cluster}/${this.instanceName} was already started; create a new Agent to start again`);
    this.state = 'running';
    try {
      await this.run();
    } catch (err) {
      // A listening log server (or DNS server) would keep a failed agent's process alive.
      await this.logServer?.stop();
      await this.discovery?.stop();
      throw err;
    }
  }

  private async run(): Promise<void> {
    const { client, runtime } = this.options;
    // A remote agent may come up before its API server or Docker engine: wait for them.
    const info = await this.retrying('reading the Docker engine info', () => runtime.info());
    const installation = await this.retrying('asking the API which installation it serves', () => client.installation());
    const scope: AgentScope = { installation, cluster: this.cluster, instance: this.instanceName };
    this.scope = scope;
    const logs = await this.startLogServer(scope);
    const resolver = await this.startDiscovery();
    this.registration = {
      client,
      cluster: this.cluster,
      name: this.instanceName,
      attributes: instanceAttributes(info, this.options.attributes, this.options.hostAddress),
      resources: instanceResources(info, this.options.resources, probeGpus()),
      ...(logs ? { address: logs.address, certificateSha256: logs.certificateSha256 } : {}),
      utilization: () => this.sampler?.report(),
      now: () => this.clock.now(),
    };
    const registration = this.registration;
    await this.retrying('registering the container instance', () => registerInstance(registration));
    this.log.info({ cluster: this.cluster, installation, resources: this.registration.resources }, 'container instance registered');
    this.scheduleHeartbeat();

    await this.retrying('subscribing to Docker events', () => this.subscribeToEvents(scope));
    const informer = new Informer<Task>({
      source: clientListWatch(boundTo(client, this.instanceName), 'Task', { cluster: this.cluster }),
      clock: this.clock,
      log: this.log.child({ informer: 'Task' }),
    });
    this.informer = informer;
    // The informer keys its cache by store key (its watch's deletes name only that).
    const tasks = new TaskView({ get: (name) => informer.get(requestKey({ kind: 'Task', cluster: this.cluster, name })) });
    const enqueue = (t: Task) => this.queue.add(t.metadata.name);
    informer.addEventHandler({
      onAdd: enqueue,
      // The echo of the worker's own status write was planned from already; a resync (old === new) is not an echo.
      onUpdate: (old, t) => (old !== t && tasks.isEcho(t) ? undefined : enqueue(t)),
      onDelete: (t) => {
        tasks.forget(t.metadata.name);
        enqueue(t);
      },
      // The API is back: a task whose status write failed through the outage is not left waiting
      // out a backoff that grew all that time (its stopped containers' networks with it).
      onRecovered: () => this.queue.retryBackingOffNow(),
    });
    informer.start();
    if (!(await informer.waitForSync(this.stopping.signal))) return;

    const definitions = new TaskDefinitionCache(client, this.cluster);
    const worker = new TaskWorker({
      client,
      secrets: client,
      runtime,
      ownEvents: this.ownEvents,
      tasks,
      containers: this.containers,
      definitions,
      ports: new HostPortAllocator({
        publishedPorts: () => runtime.publishedPorts(),
        reserved: DEFAULT_RESERVED_PORTS,
        ...(this.options.dynamicPortRange ? { range: this.options.dynamicPortRange } : {}),
      }),
      scope,
      sandbox: this.options.sandbox,
      logDrivers: { local: this.options.localLogDriver, ...(info.logDrivers ? { available: info.logDrivers } : {}) },
      ...(resolver !== undefined ? { resolver } : {}),
      ...(this.options.hostAddress !== undefined ? { hostAddress: this.options.hostAddress } : {}),
      clock: this.clock,
      log: this.log,
      retentionMs: this.options.stoppedContainerRetentionMs,
      onHealthProbed: (name) => this.queue.add(name),
    });
    // The first sweep fills the container index before any worker observes through it.
    await this.sweep();
    for (let i = 0; i < this.options.workers; i++) this.workers.push(this.runWorker(worker));
    this.scheduleSweep();
    if (this.options.statsIntervalMs > 0) {
      this.sampler = new UtilizationSampler({
        runtime,
        tasks: () => informer.list(),
        reserved: async (task) => {
          const demand = taskDemand(await definitions.load(task.spec.taskDefinition), task.spec.overrides);
          return { cpu: demand.cpu, memory: demand.memory };
        },
        concurrency: this.options.statsConcurrency,
        now: () => this.clock.now(),
        log: this.log,
      });
      this.scheduleStats(this.sampler);
    }
    this.log.info({ tasks: informer.list().length }, 'agent is running');
  }

  /** Stops heartbeats, watches and workers; containers keep running. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.stopping.abort();
    for (const cancel of this.timers.values()) cancel();
    this.events?.close();
    this.informer?.stop();
    await this.logServer?.stop();
    await this.discovery?.stop();
    this.queue.shutDown();
    const done = Promise.all(this.workers).then(() => true);
    // The grace timer is cancelled once the workers are done, so it cannot hold the process open.
    const grace = new AbortController();
    const inTime = await Promise.race([done, this.clock.sleep(STOP_GRACE_MS, grace.signal).then((slept) => !slept)]);
    grace.abort();
    if (!inTime) this.log.warn({ graceMs: STOP_GRACE_MS }, 'reconciles still in flight at stop; leaving them');
    this.log.info('agent stopped');
  }

  /** The log server, when the agent serves logs; resolves to the address (and certificate) to register. */
  private async startLogServer(scope: AgentScope): Promise<LogServerAddress | undefined> {
    const { logsListen, identifyCaller } = this.options;
    if (logsListen === undefined || identifyCaller === undefined) return undefined;
    this.logServer = new LogServer({
      listen: logsListen,
      advertiseAddress: this.options.advertiseAddress,
      identify: identifyCaller,
      runtime: this.options.runtime,
      scope,
      log: this.log.child({ part: 'log-server' }),
      now: () => this.clock.now(),
    });
    return this.logServer.start();
  }

  /**
   * The service-discovery DNS server, when the agent has a dnsAddress; resolves to the address
   * containers get as their resolver (none when it listens on another port than 53).
   */
  private async startDiscovery(): Promise<string | undefined> {
    if (this.options.dnsAddress === undefined) return undefined;
    const { address, port } = parseDnsAddress(this.options.dnsAddress);
    this.discovery = new ServiceDiscovery({
      client: this.options.client,
      cluster: this.cluster,
      address,
      port,
      ...(this.options.dnsUpstreams ? { upstreams: this.options.dnsUpstreams } : {}),
      clock: this.clock,
      log: this.log.child({ part: 'dns' }),
    });
    this.dnsServer = await this.discovery.start(this.stopping.signal);
    return port === DNS_PORT ? address : undefined;
  }

  /** Runs `call` until it succeeds, waiting between tries while its errors are retriable (and the agent runs). */
  private async retrying<T>(what: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (!Retriable.safeParse(err).success || this.stopping.signal.aborted) throw err;
        const delayMs = Math.min(START_RETRY_MS.base * 2 ** attempt, START_RETRY_MS.max);
        this.log.warn({ err, delayMs }, `${what} failed; retrying`);
        if (!(await this.clock.sleep(delayMs, this.stopping.signal))) throw err;
      }
    }
  }

  private async runWorker(worker: TaskWorker): Promise<void> {
    for (;;) {
      const name = await this.queue.get();
      if (name === undefined) return;
      try {
        const after = await worker.reconcile(name);
        this.queue.forget(name);
        if (after !== undefined) this.queue.addAfter(name, after);
      } catch (err) {
        this.log.warn({ err, task: name }, 'reconcile failed; retrying with backoff');
        this.queue.addRateLimited(name);
      } finally {
        this.queue.done(name);
      }
    }
  }

  private onRuntimeEvent(event: RuntimeEvent): void {
    const task = event.labels[DOCKER_LABELS.task];
    if (task === undefined || !this.scope) return;
    // The stream carries every object of this cluster and instance name (an older berth's are
    // among them): another installation's are not this agent's business.
    if (!belongsTo(event.labels, this.scope) && !this.legacy.has(event.id)) return;
    this.containers.learn(event, task);
    // A create changes nothing to reconcile yet (its start will).
    if (event.type === 'create') return;
    // The start or stop of a container this agent carried out: its worker observes the outcome itself.
    if (this.ownEvents.consume(event.type, event.id)) return;
    this.queue.add(task);
  }

  private async subscribeToEvents(scope: AgentScope): Promise<void> {
    this.events = await this.options.runtime.events((e) => this.onRuntimeEvent(e), {
      labels: legacyScopeLabels(scope),
      onEnd: (error) => {
        if (this.state !== 'running') return;
        // Events may have been missed: resubscribe, then look at everything again.
        const delay = Math.min(EVENT_RESUBSCRIBE_MS.base * 2 ** this.eventFailures++, EVENT_RESUBSCRIBE_MS.max);
        this.log.warn({ err: error, delayMs: delay }, 'Docker event stream ended; resubscribing');
        this.timers.set(
          'events',
          this.clock.after(delay, () => void this.resubscribe()),
        );
      },
    });
  }

  private async resubscribe(): Promise<void> {
    if (this.state !== 'running' || !this.scope) return;
    try {
      await this.subscribeToEvents(this.scope);
      this.eventFailures = 0;
      await this.sweep();
    } catch (err) {
      const delay = Math.min(EVENT_RESUBSCRIBE_MS.base * 2 ** this.eventFailures++, EVENT_RESUBSCRIBE_MS.max);
      this.log.warn({ err, delayMs: delay }, 'cannot resubscribe to Docker events yet');
      this.timers.set(
        'events',
        this.clock.after(delay, () => void this.resubscribe()),
      );
    }
  }

  /**
   * Every task bound here, and every task that still has containers, a network or a volume of this
   * agent (its installation, cluster and instance) on the engine — orphans: their task is gone,
   * ended, or was never bound here — goes through a reconcile, which removes what no live task owns.
   * The first sweep, at start, is how what a crashed agent left behind is found.
   */
  private async sweep(): Promise<void> {
    const { runtime } = this.options;
    if (!this.scope) return;
    const scope = this.scope;
    // Listed by cluster and instance only: objects an older berth made (no installation label) are
    // among them, and only those of a task of this agent are kept (isOwnedBy; README "Upgrading").
    const labels = legacyScopeLabels(scope);
    const tasks = this.informer?.list() ?? [];
    for (const t of tasks) this.queue.add(t.metadata.name);
    const uids = new Map(tasks.flatMap((t) => (t.metadata.uid !== undefined ? [[t.metadata.uid, t.metadata.name] as const] : [])));
    const mine = <T extends { labels: Record<string, string> }>(objects: T[]): T[] =>
      objects.filter((o) => {
        if (belongsTo(o.labels, scope)) return true;
        const uid = o.labels[DOCKER_LABELS.taskUid];
        const task = uid !== undefined ? uids.get(uid) : undefined;
        return task !== undefined && isLegacyOf(o.labels, scope, { name: task, uid });
      });
    const relist = this.containers.beginRelist();
    const [containers, networks, volumes] = await Promise.all([
      runtime.listContainers({ labels }).then(mine),
      runtime.listNetworks({ labels }).then(mine),
      runtime.listVolumes({ labels }).then(mine),
    ]).catch((err: unknown) => {
      this.containers.abandonRelist();
      throw err;
    });
    for (const c of containers) if (c.labels[DOCKER_LABELS.installation] === undefined) this.legacy.add(c.id);
    const listed: { id: string; task: string }[] = [];
    for (const c of containers) {
      const task = c.labels[DOCKER_LABELS.task];
      if (task !== undefined) listed.push({ id: c.id, task });
    }
    this.containers.finishRelist(relist, listed);
    for (const o of [...containers, ...networks, ...volumes]) {
      const task = o.labels[DOCKER_LABELS.task];
      if (task !== undefined) this.queue.add(task);
    }
  }

  private scheduleSweep(): void {
    const tick = () => {
      if (this.state !== 'running') return;
      this.sweep()
        .catch((err: unknown) => this.log.warn({ err }, 'sweep of the engine failed; trying again next period'))
        .finally(() => this.state === 'running' && this.timers.set('sweep', this.clock.after(this.options.steadyStateIntervalMs, tick)));
    };
    this.timers.set('sweep', this.clock.after(this.options.steadyStateIntervalMs, tick));
  }

  /** Rounds of stats never overlap: the next is scheduled when one ends. */
  private scheduleStats(sampler: UtilizationSampler): void {
    const tick = () => {
      if (this.state !== 'running') return;
      sampler
        .sample(this.stopping.signal)
        .catch((err: unknown) => this.log.warn({ err }, 'sampling container stats failed; trying again next interval'))
        .finally(() => this.state === 'running' && this.timers.set('stats', this.clock.after(this.options.statsIntervalMs, tick)));
    };
    this.timers.set('stats', this.clock.after(this.options.statsIntervalMs, tick));
  }

  private scheduleHeartbeat(): void {
    let failing = false;
    const tick = () => {
      const registration = this.registration;
      if (this.state !== 'running' || !registration) return;
      heartbeat(registration)
        .then(() => {
          // The API answers again: what failed for want of it is tried now, not after a backoff
          // grown through the outage (the informer's own relist may still be backing off).
          if (failing) this.queue.retryBackingOffNow();
          failing = false;
        })
        .catch((err: unknown) => {
          failing = true;
          this.log.warn({ err }, 'heartbeat failed; trying again next interval');
        })
        .finally(() => {
          if (this.state === 'running') this.timers.set('heartbeat', this.clock.after(this.options.heartbeatIntervalMs, tick));
        });
    };
    this.timers.set('heartbeat', this.clock.after(this.options.heartbeatIntervalMs, tick));
  }
}

/** The client, restricted to the tasks bound to `instance` (what an agent token may list and watch). */
function boundTo(client: BerthClient, instance: string): Pick<BerthClient, 'list' | 'watch'> {
  return {
    list: (kind, options) => client.list(kind, { ...options, containerInstance: instance }),
    watch: (kind, options) => client.watch(kind, { ...options, containerInstance: instance }),
  };
}
