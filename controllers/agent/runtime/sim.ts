/**
 * A simulated container engine, for scale benchmarks ONLY (thousands of container instances in one
 * process, as Kubemark and nomad-nodesim do): containers are records in memory whose start, crash
 * and health are timers. Everything berth does to real containers is tested against Docker; this
 * exists so the control plane can be measured at a size no single machine's Docker could hold.
 */
import { Readable } from 'node:stream';
import { realClock, type Clock } from '../../kit/clock.js';
import { ContainerNameConflictError, ContainerNotFoundError } from './errors.js';
import type {
  ContainerInspection,
  ContainerRuntime,
  ContainerStats,
  ContainerSpec,
  ContainerSummary,
  EngineInfo,
  EventOptions,
  EventSubscription,
  Labels,
  RuntimeEvent,
  TaskNetworkRequest,
  VolumeSummary,
} from './types.js';

export interface SimRuntimeOptions {
  /** What info() reports (the agent registers these as the instance's resources). */
  cpus?: number;
  memoryBytes?: number;
  /** Delay between startContainer and the container running (ms). */
  startDelayMs?: number;
  /** Probability that a started container crashes (exit 1) after crashAfterMs. */
  crashRate?: number;
  crashAfterMs?: number;
  /** Probability that a container with a health check reports unhealthy instead of healthy. */
  unhealthyRate?: number;
  /** Delay between running and the first health status. */
  healthDelayMs?: number;
  /** A seeded source of randomness, so a benchmark run can be repeated. */
  rng?: () => number;
  clock?: Clock;
}

interface SimContainer {
  id: string;
  spec: ContainerSpec;
  state: ContainerInspection['state'];
  health: ContainerInspection['health'];
  exitCode: number;
  startedAt?: string;
  finishedAt?: string;
  timers: (() => void)[];
}

let nextId = 1;

export class SimRuntime implements ContainerRuntime {
  private readonly containers = new Map<string, SimContainer>();
  private readonly byName = new Map<string, string>();
  private readonly networks = new Map<string, Labels>();
  private readonly subscribers = new Set<{ onEvent: (e: RuntimeEvent) => void; labels?: Labels }>();
  private readonly clock: Clock;
  private readonly rng: () => number;

  constructor(private readonly options: SimRuntimeOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.rng = options.rng ?? Math.random;
  }

  async ensureImage(): Promise<void> {}

  async createTaskNetwork(request: TaskNetworkRequest): Promise<string> {
    this.networks.set(request.name, request.labels);
    return request.name;
  }

  async removeTaskNetwork(name: string): Promise<void> {
    this.networks.delete(name);
  }

  async listNetworks(filter: { labels: Labels }): Promise<{ name: string; labels: Labels }[]> {
    return [...this.networks].filter(([, labels]) => matches(labels, filter.labels)).map(([name, labels]) => ({ name, labels }));
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const existing = this.byName.get(spec.name);
    if (existing) throw new ContainerNameConflictError(spec.name, existing, this.containers.get(existing)?.spec.Labels ?? {});
    const id = `sim${(nextId++).toString(16).padStart(12, '0')}`;
    this.containers.set(id, { id, spec, state: 'created', health: 'none', exitCode: 0, timers: [] });
    this.byName.set(spec.name, id);
    this.emit('create', this.must(id));
    return id;
  }

  async startContainer(id: string): Promise<void> {
    const c = this.must(id);
    if (c.state === 'running') return;
    const run = () => {
      c.state = 'running';
      c.startedAt = new Date(this.clock.now()).toISOString();
      this.emit('start', c);
      if (c.spec.Healthcheck) {
        c.health = 'starting';
        c.timers.push(
          this.clock.after(this.options.healthDelayMs ?? 100, () =>
            this.setHealth(c, this.rng() < (this.options.unhealthyRate ?? 0) ? 'unhealthy' : 'healthy'),
          ),
        );
      }
      if (this.rng() < (this.options.crashRate ?? 0)) c.timers.push(this.clock.after(this.options.crashAfterMs ?? 1000, () => this.exit(c, 1)));
    };
    const delay = this.options.startDelayMs ?? 0;
    if (delay <= 0) run();
    else await new Promise<void>((resolve) => c.timers.push(this.clock.after(delay, () => (run(), resolve()))));
  }

  async stopContainer(id: string): Promise<void> {
    const c = this.must(id);
    if (c.state === 'running' || c.state === 'created') this.exit(c, c.state === 'running' ? 137 : 0);
  }

  async removeContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    for (const cancel of c.timers) cancel();
    this.containers.delete(id);
    this.byName.delete(c.spec.name);
    this.emit('destroy', c);
  }

  async inspectContainer(id: string): Promise<ContainerInspection> {
    const c = this.must(id);
    return {
      id: c.id,
      name: c.spec.name,
      image: c.spec.Image ?? '',
      labels: c.spec.Labels ?? {},
      state: c.state,
      exitCode: c.exitCode,
      health: c.health,
      oomKilled: false,
      startedAt: c.startedAt,
      finishedAt: c.finishedAt,
      hostPorts: Object.entries(c.spec.HostConfig?.PortBindings ?? {}).flatMap(([key, bindings]) => {
        const [port, protocol] = key.split('/');
        const list: { HostPort?: string }[] = Array.isArray(bindings) ? bindings : [];
        return list.map((b) => ({
          containerPort: Number(port),
          hostPort: Number(b.HostPort),
          protocol: protocol === 'udp' ? ('udp' as const) : ('tcp' as const),
          bindIP: '0.0.0.0',
        }));
      }),
    };
  }

  /** Knows only what the simulated check has already said: no earlier than Docker's own. */
  async probe(id: string): Promise<boolean> {
    const c = this.must(id);
    return c.state === 'running' && c.health === 'healthy';
  }

  async listContainers(filter: { labels: Labels }): Promise<ContainerSummary[]> {
    return [...this.containers.values()]
      .filter((c) => matches(c.spec.Labels ?? {}, filter.labels))
      .map((c) => ({ id: c.id, name: c.spec.name, image: c.spec.Image ?? '', labels: c.spec.Labels ?? {}, state: c.state }));
  }

  async publishedPorts(): Promise<{ hostPort: number; protocol: 'tcp' | 'udp' }[]> {
    const running = [...this.containers.values()].filter((c) => c.state === 'running');
    const all = await Promise.all(running.map((c) => this.inspectContainer(c.id)));
    return all.flatMap((i) => i.hostPorts.map((p) => ({ hostPort: p.hostPort, protocol: p.protocol })));
  }

  async listVolumes(): Promise<VolumeSummary[]> {
    return [];
  }

  async removeVolume(): Promise<void> {}

  async events(onEvent: (event: RuntimeEvent) => void, options: EventOptions = {}): Promise<EventSubscription> {
    const subscriber = { onEvent, labels: options.labels };
    this.subscribers.add(subscriber);
    return { close: () => void this.subscribers.delete(subscriber) };
  }

  async logs(): Promise<Readable> {
    return Readable.from(['(simulated container: no logs)\n']);
  }

  async info(): Promise<EngineInfo> {
    return { cpus: this.options.cpus ?? 4, memoryBytes: this.options.memoryBytes ?? 16 * 2 ** 30, os: 'linux', arch: 'x86_64', engineVersion: 'sim' };
  }

  /** A simulated container uses nothing. */
  async stats(id: string): Promise<ContainerStats> {
    const c = this.must(id, 'stats');
    return { at: Date.now(), cpuNanos: 0, memoryBytes: 0, running: c.state === 'running' };
  }

  /** A simulated engine has no cgroups: each container keeps its own limits. */
  async createTaskCgroup(): Promise<string | undefined> {
    return undefined;
  }

  async removeTaskCgroup(): Promise<void> {}

  /** How many containers this engine holds, by state (for benchmark sanity checks). */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.containers.values()) out[c.state] = (out[c.state] ?? 0) + 1;
    return out;
  }

  private must(id: string, operation = 'inspect'): SimContainer {
    const c = this.containers.get(id) ?? this.containers.get(this.byName.get(id) ?? '');
    if (!c) throw new ContainerNotFoundError(id, operation);
    return c;
  }

  private exit(c: SimContainer, code: number): void {
    for (const cancel of c.timers) cancel();
    c.timers = [];
    c.state = 'exited';
    c.exitCode = code;
    c.finishedAt = new Date(this.clock.now()).toISOString();
    this.emit('die', c, { exitCode: code });
  }

  private setHealth(c: SimContainer, health: 'healthy' | 'unhealthy'): void {
    if (c.state !== 'running') return;
    c.health = health;
    this.emit('health_status', c, { health });
  }

  private emit(type: RuntimeEvent['type'], c: SimContainer, extra: Partial<RuntimeEvent> = {}): void {
    const labels = c.spec.Labels ?? {};
    const event: RuntimeEvent = { type, id: c.id, name: c.spec.name, labels, time: this.clock.now(), ...extra };
    for (const s of this.subscribers) if (matches(labels, s.labels ?? {})) s.onEvent(event);
  }
}

function matches(labels: Labels, wanted: Labels): boolean {
  return Object.entries(wanted).every(([k, v]) => labels[k] === v);
}
