/**
 * The container-runtime port: everything the agent asks of a container engine, and nothing of
 * Docker's shapes beyond the create options (`ContainerSpec`). Backends: `DockerRuntime`
 * (docker.ts, the real one) and, later, a simulated one for scale benchmarks.
 *
 * Every operation is safe to repeat, because the agent reconciles level-based and may retry after a
 * crash: removing something already gone and stopping something already stopped both succeed.
 */
import type { Readable, Writable } from 'node:stream';
import type { ContainerCreateOptions } from 'dockerode';

/** What `toContainerSpec` produces: Docker's create options, including the container's name. */
export type ContainerSpec = ContainerCreateOptions & { name: string };

export type Labels = Record<string, string>;

/** Docker's container states, as `docker inspect` reports them. */
export const CONTAINER_STATES = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'] as const;
export type ContainerState = (typeof CONTAINER_STATES)[number];

/** `none`: the container has no health check (Docker reports no Health at all). */
export const CONTAINER_HEALTH = ['healthy', 'unhealthy', 'starting', 'none'] as const;
export type ContainerHealth = (typeof CONTAINER_HEALTH)[number];

export interface HostPortBinding {
  containerPort: number;
  hostPort: number;
  protocol: 'tcp' | 'udp';
  bindIP: string;
}

/** A container as the agent needs to see it. Times are RFC 3339; absent when it never happened. */
export interface ContainerInspection {
  id: string;
  name: string;
  image: string;
  labels: Labels;
  state: ContainerState;
  /** Meaningful once the container has exited; 0 before it ever ran. */
  exitCode: number;
  health: ContainerHealth;
  /** The kernel killed it for exceeding its memory limit. */
  oomKilled: boolean;
  /** Docker's own error starting it (e.g. "executable file not found"), when there is one. */
  error?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Published ports; only a running container has them. */
  hostPorts: HostPortBinding[];
  /** Its IPv4 address on its (first) network, while it runs on one. */
  ipv4Address?: string;
}

/** One row of `listContainers`: enough to find berth's containers again after an agent restart. */
export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  labels: Labels;
  state: ContainerState;
}

export const RUNTIME_EVENT_TYPES = ['create', 'start', 'die', 'health_status', 'oom', 'destroy'] as const;
export type RuntimeEventType = (typeof RUNTIME_EVENT_TYPES)[number];

export interface RuntimeEvent {
  type: RuntimeEventType;
  id: string;
  /** The container's name, when Docker includes it (it always does for these events). */
  name?: string;
  /** The container's labels (Docker's own attributes such as image and exitCode removed). */
  labels: Labels;
  /** `die` only. */
  exitCode?: number;
  /** `health_status` only. */
  health?: Exclude<ContainerHealth, 'none'>;
  /** Milliseconds since the epoch, from Docker's timeNano. */
  time: number;
}

export interface EventSubscription {
  /** Stops the stream; `onEnd` is not called for a close the caller asked for. */
  close(): void;
}

export interface EventOptions {
  /**
   * Only containers with all these labels (`{k: v}` exact, `{k: ''}` present with any value).
   * The stream always keeps to berth's containers (label `berth.task` present).
   */
  labels?: Labels;
  /**
   * The stream ended on its own (dockerd restarted, socket closed). Events may have been missed:
   * the agent resubscribes and re-lists, as an informer relists after a broken watch.
   */
  onEnd?: (error?: Error) => void;
}

export interface LogOptions {
  follow?: boolean;
  /** The last N lines only. */
  tail?: number;
  /** Only lines written at or after this time (a Date, or seconds since the epoch). */
  since?: Date | number;
}

/** One reading of a container's resource use (Docker's stats, one-shot). */
export interface ContainerStats {
  /** Epoch ms of the reading. */
  at: number;
  /** Total CPU time the container has used, ns. */
  cpuNanos: number;
  /** Memory in use without the inactive page cache, bytes. */
  memoryBytes: number;
  /** False when the container was not running (its figures are then zeros). */
  running: boolean;
}

export interface EngineInfo {
  cpus: number;
  memoryBytes: number;
  os: string;
  arch: string;
  engineVersion: string;
  /** The log drivers the engine has (Docker's Plugins.Log); absent when it does not say. */
  logDrivers?: string[];
  /** `cgroupfs` or `systemd`; absent when it does not say. */
  cgroupDriver?: string;
  /** `1` or `2`. */
  cgroupVersion?: string;
}

/** What a task's cgroup limits: all its containers together (ECS's task-level cpu and memory). */
export interface TaskCgroupRequest {
  /** Unique per task on the engine; becomes the last part of the cgroup's path. */
  name: string;
  /** CPU units (1024 = one CPU): a hard quota of that many CPUs. */
  cpuUnits?: number;
  memoryMiB?: number;
}

export interface TaskNetworkRequest {
  name: string;
  labels: Labels;
}

export interface VolumeSummary {
  name: string;
  labels: Labels;
}

/** Credentials for pulling from a private registry; never logged. */
export interface RegistryAuth {
  username: string;
  password: string;
}

/** A process to start in a running container (`berth exec`). */
export interface ExecRequest {
  command: string[];
  tty: boolean;
  /** Attach its stdin. */
  stdin: boolean;
  /** The TTY's first size. */
  size?: { cols: number; rows: number };
}

/** A process running in a container; its output streams end when it does. */
export interface ExecSession {
  /** Its stdin (when attached); end() closes it. */
  stdin: Writable;
  /** With a TTY, all of its output. */
  stdout: Readable;
  stderr: Readable;
  exitCode: Promise<number>;
  /** Resizes its TTY (nothing without one). */
  resize(cols: number, rows: number): Promise<void>;
  /** Detach: the caller went away. */
  close(): void;
}

export interface ContainerRuntime {
  /**
   * Present locally → nothing; otherwise one pull (concurrent callers share it), with `auth` for a
   * private registry (a task's repositoryCredentials). ImageUnavailableError on failure.
   */
  ensureImage(image: string, auth?: RegistryAuth): Promise<void>;

  /**
   * A bridge network for one task, so that `links` work as network aliases on it (Docker's legacy
   * links only exist on the default bridge). Returns the network's name; an existing network of
   * that name is reused, so a retry after a crash is harmless.
   */
  createTaskNetwork(request: TaskNetworkRequest): Promise<string>;
  /** Removes the network; nothing when it is already gone. Its containers must be removed first. */
  removeTaskNetwork(name: string): Promise<void>;
  listNetworks(filter: { labels: Labels }): Promise<{ name: string; labels: Labels }[]>;

  /** Creates (does not start) a container; returns its id. ContainerNameConflictError if the name is taken. */
  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM (or the image's stop signal), then SIGKILL after `timeoutSeconds`; nothing if already stopped. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** Removes the container (forcibly, if still running) and its anonymous volumes; nothing if already gone. */
  removeContainer(id: string): Promise<void>;
  /** ContainerNotFoundError when it does not exist. */
  inspectContainer(id: string): Promise<ContainerInspection>;
  /**
   * Runs a health check's test (`['CMD', …]` or `['CMD-SHELL', '…']`) once in the running
   * container, as Docker's own check runs it; true when it exits 0 within `timeoutSeconds`.
   */
  probe(id: string, test: readonly string[], timeoutSeconds: number): Promise<boolean>;
  /** Every container with these labels, running or not. */
  listContainers(filter: { labels: Labels }): Promise<ContainerSummary[]>;

  /**
   * Host ports published by any container on this engine (running ones: Docker reports ports only
   * for those), so the dynamic-port allocator skips them.
   */
  publishedPorts(): Promise<{ hostPort: number; protocol: 'tcp' | 'udp' }[]>;

  /** Named volumes (task-scoped ones carry berth.task), so the agent can remove them with the task. */
  listVolumes(filter: { labels: Labels }): Promise<VolumeSummary[]>;
  /** Nothing when already gone. */
  removeVolume(name: string): Promise<void>;

  /** Resolves once the engine's stream is open, so no event after the call returns is missed. */
  events(onEvent: (event: RuntimeEvent) => void, options?: EventOptions): Promise<EventSubscription>;

  /** stdout and stderr, demultiplexed and merged, as text. Destroy the stream to stop following. */
  logs(id: string, options?: LogOptions): Promise<Readable>;

  info(): Promise<EngineInfo>;

  /** Starts a process in a running container (`berth exec`); absent on a runtime that cannot (the simulated one). */
  exec?(id: string, request: ExecRequest): Promise<ExecSession>;
  /** One reading of the container's cpu and memory, without streaming; ContainerNotFoundError when it is gone. */
  stats(id: string): Promise<ContainerStats>;

  /**
   * Makes (or finds) the task's parent cgroup with its limits and returns what to pass containers
   * as their cgroup parent; undefined when this engine cannot have one (the agent then limits each
   * container on its own). Safe to repeat.
   */
  createTaskCgroup(request: TaskCgroupRequest): Promise<string | undefined>;
  /** Removes the task's cgroup once its containers are gone; nothing when it is already gone. */
  removeTaskCgroup(name: string): Promise<void>;
}
