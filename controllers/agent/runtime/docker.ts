/**
 * DockerRuntime: the ContainerRuntime port over a real Docker engine, through dockerode. Everything
 * Docker answers is parsed with zod (docker-schemas.ts) and normalized (docker-normalize.ts) here, at
 * the edge, so the agent never sees Docker's JSON.
 */
import { PassThrough, Readable } from 'node:stream';
import Docker from 'dockerode';
import { rootLogger, type Logger } from '../../../api/log.js';
import { HostCgroups } from './cgroups.js';
import { dockerCall } from './docker-error.js';
import { connectionPerRequestClient } from './docker-start-client.js';
import { subscribeToEvents, labelFilters } from './docker-events.js';
import { ImageEnsurer } from './docker-images.js';
import { bareName, containerState, toInspection } from './docker-normalize.js';
import {
  DockerContainerList,
  DockerExecInspect,
  DockerInfo,
  DockerInspect,
  DockerNetworkList,
  DockerStats,
  DockerVolumeList,
  parseDocker,
} from './docker-schemas.js';
import { ContainerNameConflictError, ContainerNotFoundError, ForeignObjectError } from './errors.js';
import { DOCKER_LABELS } from './names.js';
import { DockerLogDemuxer } from './log-demux.js';
import { dockerExec } from './docker-exec.js';
import { memoryInUse } from '../utilization.js';
import type {
  ContainerInspection,
  ContainerRuntime,
  ContainerSpec,
  ContainerStats,
  ContainerSummary,
  ExecRequest,
  ExecSession,
  EngineInfo,
  EventOptions,
  EventSubscription,
  Labels,
  LogOptions,
  RegistryAuth,
  RuntimeEvent,
  TaskCgroupRequest,
  TaskNetworkRequest,
  VolumeSummary,
} from './types.js';

export interface DockerRuntimeOptions {
  /** A unix socket path; default: DOCKER_HOST, else /var/run/docker.sock (dockerode's rules). */
  socketPath?: string;
  /** A ready client (tests, or TLS/TCP setups); wins over socketPath. */
  docker?: Docker;
  /** How long a pull may take before ensureImage gives up. Default 5 minutes. */
  pullTimeoutMs?: number;
  /**
   * Where the engine's host mounts its cgroups, for task cgroups (cgroups.ts); false: none, and
   * each container is limited on its own. Default /sys/fs/cgroup, unless the engine is reached
   * over TCP (a remote engine's cgroups are not on this machine).
   */
  taskCgroupRoot?: string | false;
  log?: Logger;
}

const DEFAULT_PULL_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_CGROUP_ROOT = '/sys/fs/cgroup';

/** A ready client or a DOCKER_HOST over the network: not this machine's engine on a unix socket. */
function notLocalSocket(options: DockerRuntimeOptions): boolean {
  return options.docker !== undefined || /^(tcp|https?|ssh):/.test(process.env.DOCKER_HOST ?? '');
}

function defaultCgroupRoot(options: DockerRuntimeOptions): string | false {
  if (options.taskCgroupRoot !== undefined) return options.taskCgroupRoot;
  return notLocalSocket(options) ? false : DEFAULT_CGROUP_ROOT;
}

export class DockerRuntime implements ContainerRuntime {
  private readonly docker: Docker;
  private readonly starts: Docker;
  private readonly images: ImageEnsurer;
  private readonly log: Logger;
  private readonly cgroups: HostCgroups | undefined;
  /** Task cgroups were found impossible here (the driver, or the host refused): say so once. */
  private cgroupsUnavailable: Promise<boolean> | undefined;

  constructor(options: DockerRuntimeOptions = {}) {
    this.docker = options.docker ?? (options.socketPath ? new Docker({ socketPath: options.socketPath }) : new Docker());
    // Starts on a connection of their own (docker-start-client.ts says why); a ready client or a
    // remote engine is used as it is.
    this.starts = notLocalSocket(options) ? this.docker : connectionPerRequestClient(options.socketPath);
    this.images = new ImageEnsurer(this.docker, options.pullTimeoutMs ?? DEFAULT_PULL_TIMEOUT_MS);
    this.log = options.log ?? rootLogger.child({ component: 'docker-runtime' });
    const root = defaultCgroupRoot(options);
    this.cgroups = root === false ? undefined : new HostCgroups(root);
  }

  ensureImage(image: string, auth?: RegistryAuth): Promise<void> {
    return this.images.ensure(image, auth);
  }

  async createTaskNetwork(request: TaskNetworkRequest): Promise<string> {
    if (await this.reusableNetwork(request)) return request.name;
    const created = await dockerCall(
      `creating network ${request.name}`,
      // CheckDuplicate: without it Docker happily makes two networks of one name.
      async () => (await this.docker.createNetwork({ Name: request.name, Driver: 'bridge', Labels: request.labels, CheckDuplicate: true }), true),
      (f) => (f.status === 409 ? { value: false } : undefined),
    );
    // 409: made meanwhile (a concurrent retry), or someone else's.
    if (!created && !(await this.reusableNetwork(request))) throw new ForeignObjectError('network', request.name, undefined);
    return request.name;
  }

  /**
   * A network of that name exists and carries every label asked for (so it is the caller's own,
   * made before a crash): reuse it. One of that name without them is someone else's.
   */
  private async reusableNetwork(request: TaskNetworkRequest): Promise<boolean> {
    const [existing] = await this.listNetworks({ labels: {} }, request.name);
    if (!existing) return false;
    if (Object.entries(request.labels).every(([k, v]) => existing.labels[k] === v)) return true;
    throw new ForeignObjectError('network', request.name, existing.labels[DOCKER_LABELS.installation]);
  }

  async removeTaskNetwork(name: string): Promise<void> {
    await dockerCall(
      `removing network ${name}`,
      async () => void (await this.docker.getNetwork(name).remove()),
      (f) => (f.status === 404 ? { value: undefined } : undefined),
    );
  }

  async listNetworks(filter: { labels: Labels }, name?: string): Promise<{ name: string; labels: Labels }[]> {
    const filters: Record<string, string[]> = { label: labelFilters(filter.labels) };
    if (name !== undefined) filters.name = [name];
    const raw = await dockerCall('listing networks', () => this.docker.listNetworks({ filters }));
    // Docker's name filter matches substrings; keep exact names only.
    return parseDocker(DockerNetworkList, 'network list', raw)
      .filter((n) => name === undefined || n.Name === name)
      .map((n) => ({ name: n.Name, labels: n.Labels }));
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const created = await dockerCall(
      `creating container ${spec.name}`,
      async () => (await this.docker.createContainer(spec)).id,
      (f) => (f.status === 409 ? new ContainerNameConflictError(spec.name, undefined) : undefined),
    ).catch(async (error: unknown) => {
      if (!(error instanceof ContainerNameConflictError)) throw error;
      const existing = await this.inspectContainer(spec.name).catch(() => undefined);
      throw new ContainerNameConflictError(spec.name, existing?.id, existing?.labels);
    });
    return created;
  }

  async startContainer(id: string): Promise<void> {
    await dockerCall(
      `starting container ${id}`,
      async () => void (await this.starts.getContainer(id).start()),
      (f) => (f.status === 304 ? { value: undefined } : f.status === 404 ? new ContainerNotFoundError(id, 'start') : undefined),
    );
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    await dockerCall(
      `stopping container ${id}`,
      async () => void (await this.docker.getContainer(id).stop({ t: timeoutSeconds })),
      (f) => (f.status === 304 ? { value: undefined } : f.status === 404 ? new ContainerNotFoundError(id, 'stop') : undefined),
    );
  }

  async removeContainer(id: string): Promise<void> {
    await dockerCall(
      `removing container ${id}`,
      async () => void (await this.docker.getContainer(id).remove({ force: true, v: true })),
      // 409 "removal already in progress": someone else is doing exactly this.
      (f) => (f.status === 404 || (f.status === 409 && /in progress/i.test(f.message)) ? { value: undefined } : undefined),
    );
  }

  async inspectContainer(id: string): Promise<ContainerInspection> {
    return toInspection(await this.rawInspect(id));
  }

  private async rawInspect(id: string): Promise<DockerInspect> {
    const raw = await dockerCall(
      `inspecting container ${id}`,
      () => this.docker.getContainer(id).inspect(),
      (f) => (f.status === 404 ? new ContainerNotFoundError(id, 'inspect') : undefined),
    );
    return parseDocker(DockerInspect, 'container inspect', raw);
  }

  async probe(id: string, test: readonly string[], timeoutSeconds: number): Promise<boolean> {
    const [kind, ...rest] = test;
    // Docker runs CMD-SHELL with the container's shell, /bin/sh -c unless the image says otherwise.
    const shell = kind === 'CMD-SHELL' ? ((await this.rawInspect(id)).Config.Shell ?? ['/bin/sh', '-c']) : [];
    const exec = await dockerCall(
      `running the health check in ${id}`,
      () => this.docker.getContainer(id).exec({ Cmd: [...shell, ...rest], AttachStdout: true, AttachStderr: true }),
      (f) => (f.status === 404 ? new ContainerNotFoundError(id, 'exec') : f.status === 409 ? { value: undefined } : undefined),
    );
    if (!exec) return false; // 409: the container is not running
    const stream = await dockerCall(`running the health check in ${id}`, () => exec.start({ hijack: true, stdin: false }));
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      new Promise<boolean>((resolve) => {
        stream.on('end', () => resolve(true));
        stream.on('close', () => resolve(true));
        stream.on('error', () => resolve(false));
        stream.resume(); // its output is not kept; Docker keeps the last checks' output itself
      }),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutSeconds * 1000))),
    ]);
    clearTimeout(timer);
    if (!finished) {
      stream.destroy();
      return false;
    }
    const inspected = parseDocker(DockerExecInspect, 'exec inspect', await dockerCall(`inspecting the health check in ${id}`, () => exec.inspect()));
    return !inspected.Running && inspected.ExitCode === 0;
  }

  exec(id: string, request: ExecRequest): Promise<ExecSession> {
    return dockerExec(this.docker, id, request);
  }

  async listContainers(filter: { labels: Labels }): Promise<ContainerSummary[]> {
    const raw = await dockerCall('listing containers', () => this.docker.listContainers({ all: true, filters: { label: labelFilters(filter.labels) } }));
    return parseDocker(DockerContainerList, 'container list', raw).map((c) => ({
      id: c.Id,
      name: bareName(c.Names?.[0] ?? ''),
      image: c.Image,
      labels: c.Labels,
      state: containerState(c.State),
    }));
  }

  async publishedPorts(): Promise<{ hostPort: number; protocol: 'tcp' | 'udp' }[]> {
    const raw = await dockerCall('listing containers', () => this.docker.listContainers({ all: true }));
    const out: { hostPort: number; protocol: 'tcp' | 'udp' }[] = [];
    for (const c of parseDocker(DockerContainerList, 'container list', raw))
      for (const p of c.Ports) if (p.PublicPort !== undefined && (p.Type === 'tcp' || p.Type === 'udp')) out.push({ hostPort: p.PublicPort, protocol: p.Type });
    return out;
  }

  async listVolumes(filter: { labels: Labels }): Promise<VolumeSummary[]> {
    const raw = await dockerCall('listing volumes', () => this.docker.listVolumes({ filters: { label: labelFilters(filter.labels) } }));
    return parseDocker(DockerVolumeList, 'volume list', raw).Volumes.map((v) => ({ name: v.Name, labels: v.Labels }));
  }

  async removeVolume(name: string): Promise<void> {
    await dockerCall(
      `removing volume ${name}`,
      async () => void (await this.docker.getVolume(name).remove()),
      (f) => (f.status === 404 ? { value: undefined } : undefined),
    );
  }

  events(onEvent: (event: RuntimeEvent) => void, options?: EventOptions): Promise<EventSubscription> {
    return subscribeToEvents(this.docker, this.log, onEvent, options);
  }

  async logs(id: string, options: LogOptions = {}): Promise<Readable> {
    // A TTY container's output is raw; anything else comes in stdout/stderr frames.
    const { Config } = await this.rawInspect(id);
    const since = options.since instanceof Date ? Math.floor(options.since.getTime() / 1000) : options.since;
    const query = {
      stdout: true,
      stderr: true,
      ...(options.tail !== undefined ? { tail: options.tail } : {}),
      ...(since !== undefined ? { since } : {}),
    };
    const notFound = (f: { status: number | undefined }) => (f.status === 404 ? new ContainerNotFoundError(id, 'logs') : undefined);
    const out = Config.Tty ? new PassThrough() : new DockerLogDemuxer();
    out.setEncoding('utf8');
    if (options.follow) {
      const source = await dockerCall(`reading logs of ${id}`, () => this.docker.getContainer(id).logs({ ...query, follow: true }), notFound);
      source.pipe(out);
      // The caller stops following by destroying what we return; let that close the HTTP stream too.
      out.on('close', () => {
        if (source instanceof Readable) source.destroy();
      });
    } else {
      const buffer = await dockerCall(`reading logs of ${id}`, () => this.docker.getContainer(id).logs({ ...query, follow: false }), notFound);
      out.end(buffer);
    }
    return out;
  }

  async stats(id: string): Promise<ContainerStats> {
    const raw = await dockerCall(
      `reading stats of container ${id}`,
      // one-shot (API 1.41+): Docker answers at once instead of waiting a second for a second
      // reading of its own; the sampler compares with its previous reading (agent/utilization.ts).
      () => this.docker.getContainer(id).stats({ stream: false, 'one-shot': true }),
      (f) => (f.status === 404 ? new ContainerNotFoundError(id, 'stats') : undefined),
    );
    const s = parseDocker(DockerStats, 'container stats', raw);
    const at = Date.parse(s.read);
    const inactive = s.memory_stats.stats?.inactive_file ?? s.memory_stats.stats?.total_inactive_file;
    return {
      // A stopped container's `read` is the zero time (year 1).
      at: at > 0 ? at : Date.now(),
      cpuNanos: s.cpu_stats.cpu_usage.total_usage,
      memoryBytes: memoryInUse(s.memory_stats.usage, inactive),
      running: at > 0 && s.cpu_stats.cpu_usage.total_usage > 0,
    };
  }

  async info(): Promise<EngineInfo> {
    const raw = await dockerCall('reading engine info', () => this.docker.info());
    const i = parseDocker(DockerInfo, 'engine info', raw);
    return {
      cpus: i.NCPU,
      memoryBytes: i.MemTotal,
      os: i.OSType,
      arch: i.Architecture,
      engineVersion: i.ServerVersion,
      ...(i.Plugins?.Log ? { logDrivers: [...i.Plugins.Log] } : {}),
      ...(i.CgroupDriver ? { cgroupDriver: i.CgroupDriver } : {}),
      ...(i.CgroupVersion ? { cgroupVersion: i.CgroupVersion } : {}),
    };
  }

  async createTaskCgroup(request: TaskCgroupRequest): Promise<string | undefined> {
    const cgroups = this.cgroups;
    if (!cgroups || (await this.cannotHaveCgroups())) return undefined;
    try {
      return await cgroups.create(request);
    } catch (err) {
      // EACCES, EROFS: not root, or a read-only /sys (an agent in a container without it mounted).
      this.log.warn({ err }, 'cannot make task cgroups on this host; limiting each container on its own instead');
      this.cgroupsUnavailable = Promise.resolve(true);
      return undefined;
    }
  }

  async removeTaskCgroup(name: string): Promise<void> {
    if (this.cgroups && !(await this.cannotHaveCgroups())) await this.cgroups.remove(name);
  }

  /** The systemd driver places containers in slices systemd owns: berth does not make those. */
  private cannotHaveCgroups(): Promise<boolean> {
    this.cgroupsUnavailable ??= this.info().then(
      (i) => {
        const unavailable = i.cgroupDriver !== 'cgroupfs';
        if (unavailable) this.log.warn({ cgroupDriver: i.cgroupDriver }, 'task cgroups need the cgroupfs driver; limiting each container on its own instead');
        return unavailable;
      },
      (err: unknown) => {
        this.cgroupsUnavailable = undefined; // ask again next time
        throw err;
      },
    );
    return this.cgroupsUnavailable;
  }
}
