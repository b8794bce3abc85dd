/**
 * A fleet of simulated container instances for the scale benchmark: one `Agent` (the real one) per
 * instance, each with its own SimRuntime, all in one process.
 *
 * Each agent runs its own task informer filtered to its instance, as a remote agent does. What a
 * fleet of real agents would get from 1,000 API watches, this process gets from ONE watch of the
 * cluster's tasks, demultiplexed by `spec.containerInstance` (TaskFanOut): a thousand watchers of
 * the process's shared feed (api/usecases/resources/shared-watches.ts) would each test every task event,
 * a million tests per thousand events, which measures the benchmark's own process rather than
 * berth's control plane. Everything else each agent does (registration,
 * heartbeats, task definitions, status writes) goes through the client it is given.
 */
import type { ClientListOptions, ClientWatchOptions } from '../api/client/types.js';
import type { AgentClient } from '../controllers/agent/options.js';
import type { KindName } from '../api/keys.js';
import type { Logger } from '../api/log.js';
import type { ObjectOf } from '../api/usecases/resources/codec.js';
import type { ListResult } from '../api/usecases/resources/resource-store.js';
import type { ResourceEvent, ResourceWatch } from '../api/usecases/resources/resource-watch.js';
import type { Task } from '../api/v1/task.js';
import { Channel } from '../api/channel.js';
import { CompactedError } from '../api/store/errors.js';
import { Agent } from '../controllers/agent/index.js';
import { SimRuntime } from '../controllers/agent/runtime/sim.js';
import { forEachBounded } from '../controllers/kit/pool.js';

type TaskEvent = ResourceEvent<'Task'>;

/** The async-iterable end of one subscriber: batches pushed by the fan-out, pulled by the informer. */
class Subscription implements ResourceWatch<'Task'> {
  private readonly channel: Channel<TaskEvent[]>;

  constructor(
    readonly instance: string,
    readonly fromRevision: number,
    onCancel: (s: Subscription) => void,
  ) {
    this.channel = new Channel(() => onCancel(this));
  }

  get closed(): Promise<Error | undefined> {
    return this.channel.closed;
  }

  push(events: TaskEvent[]): void {
    if (events.length > 0) this.channel.push(events);
  }

  fail(error: Error): void {
    this.channel.fail(error);
  }

  cancel(): Promise<void> {
    return this.channel.cancel();
  }

  [Symbol.asyncIterator](): AsyncIterator<TaskEvent[]> {
    return this.channel[Symbol.asyncIterator]();
  }
}

/** Where an event goes: its task's instance; null for an unbound task (no agent); undefined for a
 * deletion whose object was compacted away (every agent, as LocalClient and the server do). */
const instanceOf = (e: TaskEvent): string | null | undefined => (e.object ? (e.object.spec.containerInstance ?? null) : undefined);

/** How many recent events the fan-out keeps for watches opened after a list (at least; twice at most). */
const HISTORY_EVENTS = 2_000;

/** One watch of a cluster's tasks, served to many per-instance informers. */
export class TaskFanOut {
  /** The bound tasks, for an agent's list of its own: an unbound task is no agent's. */
  private readonly tasks = new Map<string, Task>();
  private readonly subscribers = new Map<string, Set<Subscription>>();
  /**
   * Recent events for agents, so a watch opened just after a list misses nothing in between. Few:
   * every event held here outlives young-generation collections, and 20,000 of them made the
   * process copy and promote whole task versions that no agent held any more.
   */
  private history: TaskEvent[] = [];
  /** The oldest revision whose events `history` still holds all of. */
  private historyFrom = 0;
  private revision = 0;
  private watch: ResourceWatch<'Task'> | undefined;
  private pump: Promise<void> | undefined;

  constructor(
    private readonly base: AgentClient,
    private readonly cluster: string,
    private readonly historyEvents = HISTORY_EVENTS,
  ) {}

  async start(): Promise<void> {
    const listed = await this.base.list('Task', { cluster: this.cluster });
    for (const t of listed.items) this.tasks.set(t.metadata.name, t);
    this.revision = Number(listed.resourceVersion);
    const watch = this.base.watch('Task', { cluster: this.cluster, fromRevision: this.revision + 1 });
    this.watch = watch;
    this.pump = (async () => {
      for await (const batch of watch) this.deliver(batch);
    })();
  }

  async stop(): Promise<void> {
    await this.watch?.cancel();
    await this.pump?.catch(() => undefined);
    for (const set of this.subscribers.values()) for (const s of set) await s.cancel();
  }

  list(instance: string): ListResult<'Task'> {
    const items = [...this.tasks.values()].filter((t) => t.spec.containerInstance === instance);
    return { items, resourceVersion: String(this.revision) };
  }

  subscribe(instance: string, fromRevision: number): Subscription {
    const s = new Subscription(instance, fromRevision, (gone) => this.subscribers.get(gone.instance)?.delete(gone));
    // As a server answers a watch from a compacted revision: the informer lists again.
    if (fromRevision < this.historyFrom) {
      s.fail(new CompactedError(fromRevision, this.historyFrom));
      return s;
    }
    const set = this.subscribers.get(instance) ?? new Set();
    set.add(s);
    this.subscribers.set(instance, set);
    s.push(this.history.filter((e) => Number(e.resourceVersion) >= fromRevision && (instanceOf(e) === instance || instanceOf(e) === undefined)));
    return s;
  }

  private deliver(batch: TaskEvent[]): void {
    const byInstance = new Map<string | null | undefined, TaskEvent[]>();
    for (const e of batch) {
      if (e.object?.spec.containerInstance !== undefined && e.type !== 'DELETED') this.tasks.set(e.ref.name, e.object);
      else this.tasks.delete(e.ref.name);
      this.revision = Math.max(this.revision, Number(e.resourceVersion));
      const key = instanceOf(e);
      if (key === null) continue;
      const list = byInstance.get(key);
      if (list) list.push(e);
      else byInstance.set(key, [e]);
      this.history.push(e);
    }
    // Only the last moments matter (a list followed by its watch); keep the log small.
    if (this.history.length > 2 * this.historyEvents) {
      const dropped = this.history.length - this.historyEvents;
      this.historyFrom = Number(this.history[dropped - 1]?.resourceVersion) + 1;
      this.history = this.history.slice(dropped);
    }
    for (const [instance, events] of byInstance) {
      if (instance === null) continue;
      const targets = instance === undefined ? [...this.subscribers.values()].flatMap((set) => [...set]) : [...(this.subscribers.get(instance) ?? [])];
      for (const s of targets) s.push(events.filter((e) => Number(e.resourceVersion) >= s.fromRevision));
    }
  }

  /** `base`, except that an agent's list and watch of its own tasks are served by this fan-out. */
  clientFor(instance: string): AgentClient {
    // The returned object's methods have their own `this`: they reach the fan-out through this name.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const fanOut = this;
    const base = this.base;
    return {
      installation: () => base.installation(),
      taskSecrets: (ref) => base.taskSecrets(ref),
      get: (kind, ref) => base.get(kind, ref),
      mustGet: (kind, ref) => base.mustGet(kind, ref),
      list<K extends KindName>(kind: K, options: ClientListOptions = {}): Promise<ListResult<K>> {
        if (kind !== 'Task' || options.containerInstance !== instance) return base.list(kind, options);
        // K is 'Task' here; TypeScript cannot narrow a type parameter through `kind`.
        return Promise.resolve(fanOut.list(instance) as unknown as ListResult<K>);
      },
      watch<K extends KindName>(kind: K, options: ClientWatchOptions = {}): ResourceWatch<K> {
        if (kind !== 'Task' || options.containerInstance !== instance) return base.watch(kind, options);
        return fanOut.subscribe(instance, options.fromRevision ?? fanOut.revision + 1) as unknown as ResourceWatch<K>;
      },
      create: (object, options) => base.create(object, options),
      update: (object, options) => base.update(object, options),
      updateStatus: (object, options) => base.updateStatus(object, options),
      updateFrom: (current, next) => base.updateFrom(current, next),
      patch: (kind, ref, patch, options) => base.patch(kind, ref, patch, options),
      delete: (kind, ref, options) => base.delete(kind, ref, options),
      deleteMany: (kind, refs) => base.deleteMany(kind, refs),
      mutate: <K extends KindName>(
        kind: K,
        ref: { cluster?: string; name: string },
        change: (obj: ObjectOf<K>) => void,
        options?: { subresource?: 'status' },
      ) => base.mutate(kind, ref, change, options),
    };
  }
}

export interface FleetOptions {
  client: AgentClient;
  cluster: string;
  instances: number;
  log: Logger;
  /** Simulated engine size: what each instance offers to tasks. */
  cpus?: number;
  memoryBytes?: number;
  startDelayMs?: number;
}

export interface Fleet {
  agents: Agent[];
  stop(): Promise<void>;
}

export const instanceName = (i: number) => `sim-${String(i).padStart(5, '0')}`;

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const fanOut = new TaskFanOut(options.client, options.cluster);
  await fanOut.start();
  const agents: Agent[] = [];
  const names = Array.from({ length: options.instances }, (_, i) => instanceName(i));
  await forEachBounded(names, 32, async (name) => {
    const agent = new Agent({
      client: fanOut.clientFor(name),
      runtime: new SimRuntime({ cpus: options.cpus ?? 4, memoryBytes: options.memoryBytes ?? 16 * 2 ** 30, startDelayMs: options.startDelayMs ?? 0 }),
      cluster: options.cluster,
      instanceName: name,
      // The steady-state sweep only re-checks what events already covered; keep it out of the way.
      steadyStateIntervalMs: 10 * 60_000,
      log: options.log,
    });
    await agent.start();
    agents.push(agent);
  });
  return {
    agents,
    async stop() {
      await Promise.all(agents.map((a) => a.stop()));
      await fanOut.stop();
    },
  };
}
