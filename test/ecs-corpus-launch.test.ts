/**
 * Every valid task definition of the corpus (test/fixtures/ecs-task-definitions) runs on the real
 * Docker engine. The harness changes two things and nothing else: each container's image becomes
 * the local test image and its command a long sleep (no registry here, and the real entry points
 * would exit). Every task must reach RUNNING, and `docker inspect` must show what the definition
 * means, as the CHECKS table says.
 *
 * To check more (secrets as env values, the shared network namespace, task cgroups…), add a row to
 * CHECKS: `applies` picks the containers it is about, `expected` says what the definition means,
 * `actual` reads it from `docker inspect`.
 *
 * Many definitions publish the same fixed host port (80, 8080…), so tasks run in waves whose host
 * ports do not overlap (awsvpc ones take none: their ports are on their own addresses, as on ECS),
 * and of at most MAX_WAVE tasks; the tasks of one wave start together.
 *
 * The test creates a Secret for every secret reference (createCorpusSecrets), so definitions with
 * `secrets` and `secretOptions` run as written; a fluentd address points at a listener of its own;
 * the host names an entry `resolves` (a gelf collector's) resolve to loopback in /etc/hosts while
 * the test runs (Docker resolves a log driver's address itself, when the container starts).
 */
import { accessSync, constants, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifests } from '../api/usecases/manifests/index.js';
import { parseValueFrom } from '../api/usecases/secrets/value-from.js';
import { runTask, stopTask } from '../api/usecases/tasks/index.js';
import type { ContainerDefinition, TaskDefinitionSpec } from '../api/v1/index.js';
import { effectiveHostPort, takesHostPorts } from '../api/v1/networking.js';
import { LOCALLY_RUN_LOG_DRIVERS } from '../api/v1/unapplied-fields.js';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import { corpusEntries, corpusPath, type CorpusEntry } from './fixtures/ecs-task-definitions/corpus.js';
import { eventually, startTestCluster, TEST_IMAGE, type TestCluster } from './support/cluster.js';

const MIB = 1024 * 1024;
const LONG_SLEEP = ['sleep', '3600'];
// A wave starts up to some 25 tasks at once, on an engine shared with other work.
const RUNNING_WITHIN_MS = 90_000;
const MAX_WAVE = 25;

type Inspect = Docker.ContainerInspectInfo;
const NAMESPACES = ['net', 'pid', 'ipc'] as const;
type Namespace = (typeof NAMESPACES)[number];
/** One container as the test saw it while its task ran: `docker inspect`, and its namespaces from /proc. */
interface Seen {
  name: string;
  inspect: Inspect;
  namespaces: Record<Namespace, string>;
}
/** One task as the test saw it: its containers by name, its sandbox (if any) and its own network (links). */
interface TaskSeen {
  containers: Map<string, Seen>;
  sandbox?: Seen;
  network?: string;
}
interface CheckContext {
  spec: TaskDefinitionSpec;
  /** The engine's default log driver: where drivers that need AWS run instead. */
  localLogDriver: string;
  task: TaskSeen;
}

/** A process's namespace ids (`net:[4026531833]`), read as root from /proc. */
function namespacesOf(pid: number): Record<Namespace, string> {
  return Object.fromEntries(NAMESPACES.map((n) => [n, readlinkSync(`/proc/${pid}/ns/${n}`)])) as Record<Namespace, string>;
}
/** The test's own namespaces: the engine's too (dockerd runs in the host's), what `host` modes join. */
const HOST_NAMESPACES = namespacesOf(process.pid);

/** Whose namespace of kind `ns` the container is in, in words a row can expect. */
function whoseNamespace(ns: Namespace, seen: Seen, task: TaskSeen): string {
  const id = seen.namespaces[ns];
  if (id === HOST_NAMESPACES[ns]) return "the host's";
  if (task.sandbox && id === task.sandbox.namespaces[ns]) return "the task sandbox's";
  const others = [...task.containers.values()].filter((o) => o.name !== seen.name && o.namespaces[ns] === id).map((o) => o.name);
  return others.length ? `shared with ${others.sort().join(', ')}` : 'its own';
}

/**
 * What each secret reference of the corpus resolves to: the test creates a Secret for every one
 * (named as berth maps the ARN or name), with a value derived from the reference, except a fluentd
 * address, which must reach a listener (this test's) for Docker to start the container.
 */
const secretValues = new Map<string, string>();
let fluentdAddress = '';
const secretValue = (valueFrom: string, option?: string): string => (option === 'fluentd-address' ? fluentdAddress : `corpus-value:${valueFrom}`);
interface Check {
  name: string;
  applies(c: ContainerDefinition, ctx: CheckContext): boolean;
  expected(c: ContainerDefinition, ctx: CheckContext): unknown;
  actual(seen: Seen, ctx: CheckContext): unknown;
}

const sortedKeys = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
const locallyRun = (c: ContainerDefinition) => c.logConfiguration !== undefined && c.logConfiguration.logDriver in LOCALLY_RUN_LOG_DRIVERS;

const CHECKS: Check[] = [
  {
    name: 'memory hard limit',
    applies: (c) => c.memory !== undefined,
    expected: (c) => (c.memory ?? 0) * MIB,
    actual: ({ inspect: i }) => i.HostConfig.Memory,
  },
  {
    name: 'memory soft limit',
    applies: (c) => c.memoryReservation !== undefined,
    expected: (c) => (c.memoryReservation ?? 0) * MIB,
    actual: ({ inspect: i }) => i.HostConfig.MemoryReservation,
  },
  // Linux's smallest cpu.shares is 2, what ECS's agent gives a container with no cpu units.
  { name: 'cpu shares', applies: () => true, expected: (c) => Math.max(c.cpu ?? 0, 2), actual: ({ inspect: i }) => i.HostConfig.CpuShares },
  {
    name: 'log driver as written',
    applies: (c) => c.logConfiguration !== undefined && !locallyRun(c),
    expected: (c) => c.logConfiguration?.logDriver,
    actual: ({ inspect: i }) => i.HostConfig.LogConfig?.Type,
  },
  {
    name: 'log options as written',
    applies: (c) => c.logConfiguration !== undefined && !locallyRun(c),
    // secretOptions' values join the options, as ECS's agent passes them to Docker.
    expected: (c) =>
      sortedKeys({
        ...c.logConfiguration?.options,
        ...Object.fromEntries((c.logConfiguration?.secretOptions ?? []).map((o) => [o.name, secretValue(o.valueFrom, o.name)])),
      }),
    actual: ({ inspect: i }) => sortedKeys(i.HostConfig.LogConfig?.Config ?? {}),
  },
  {
    name: "log driver that needs AWS runs on the engine's local one",
    applies: locallyRun,
    expected: (_c, ctx) => ctx.localLogDriver,
    actual: ({ inspect: i }) => i.HostConfig.LogConfig?.Type,
  },
  {
    name: 'secrets as environment values',
    applies: (c) => (c.secrets ?? []).length > 0,
    expected: (c) => (c.secrets ?? []).map((x) => `${x.name}=${secretValue(x.valueFrom)}`).sort(),
    actual: ({ inspect: i }) => (i.Config.Env ?? []).filter((e) => [...secretValues.values()].some((v) => e.endsWith(`=${v}`))).sort(),
  },
  // awsvpc: every container joins its task's sandbox, so they share one network namespace (and reach
  // each other on localhost); bridge: each has its own, on the task's network when it uses links.
  {
    name: 'network mode',
    applies: () => true,
    expected: (_c, { spec, task }) => {
      if (spec.networkMode === 'awsvpc') return `container:${task.sandbox?.inspect.Id ?? 'a sandbox'}`;
      if (spec.networkMode !== 'bridge') return spec.networkMode;
      return spec.containerDefinitions.some((x) => (x.links ?? []).length > 0) ? (task.network ?? "the task's network") : 'bridge';
    },
    actual: ({ inspect: i }) => i.HostConfig.NetworkMode,
  },
  // awsvpc: the task's ports are on its own address (its sandbox's), published nowhere on the instance.
  {
    name: 'nothing published on the instance',
    applies: (_c, { spec }) => spec.networkMode === 'awsvpc',
    expected: () => ({}),
    actual: (_seen, { task }) => task.sandbox?.inspect.HostConfig.PortBindings ?? {},
  },
  {
    name: 'network namespace',
    applies: () => true,
    expected: (_c, { spec }) => ({ awsvpc: "the task sandbox's", host: "the host's", bridge: 'its own', none: 'its own' })[spec.networkMode],
    actual: (seen, { task }) => whoseNamespace('net', seen, task),
  },
  // pidMode/ipcMode: `host` joins the host's, `task` the task sandbox's (shared by its containers).
  {
    name: 'pid namespace',
    applies: () => true,
    expected: (_c, { spec }) => ({ host: "the host's", task: "the task sandbox's", none: 'its own' })[spec.pidMode ?? 'none'],
    actual: (seen, { task }) => whoseNamespace('pid', seen, task),
  },
  {
    name: 'ipc namespace',
    applies: () => true,
    expected: (_c, { spec }) => ({ host: "the host's", task: "the task sandbox's", none: 'its own' })[spec.ipcMode ?? 'none'],
    actual: (seen, { task }) => whoseNamespace('ipc', seen, task),
  },
  {
    name: 'the image swapped in and the sleep',
    applies: () => true,
    expected: () => [TEST_IMAGE, LONG_SLEEP],
    actual: ({ inspect: i }) => [i.Config.Image, i.Config.Cmd],
  },
];

interface Launch {
  file: string;
  spec: TaskDefinitionSpec;
  hostPorts: string[];
}

/** The definition with the harness's two changes: the local image and a long sleep. */
function harnessed(spec: TaskDefinitionSpec): TaskDefinitionSpec {
  return {
    ...spec,
    containerDefinitions: spec.containerDefinitions.map(({ entryPoint: _entryPoint, ...c }) => ({ ...c, image: TEST_IMAGE, command: LONG_SLEEP })),
  };
}

/** The fixed host ports a task takes (dynamic ones cannot clash; awsvpc takes none, its ports are on its own address). */
function hostPortsOf(spec: TaskDefinitionSpec): string[] {
  if (!takesHostPorts(spec.networkMode)) return [];
  return spec.containerDefinitions.flatMap((c) =>
    (c.portMappings ?? [])
      .map((m) => ({ port: effectiveHostPort(m, spec.networkMode), protocol: m.protocol }))
      .filter((p) => p.port > 0)
      .map((p) => `${p.port}/${p.protocol}`),
  );
}

/** Greedy: each launch goes into the first wave with room none of whose tasks takes one of its host ports. */
function waves(launches: Launch[]): Launch[][] {
  const out: { taken: Set<string>; launches: Launch[] }[] = [];
  for (const l of launches) {
    let wave = out.find((w) => w.launches.length < MAX_WAVE && l.hostPorts.every((p) => !w.taken.has(p)));
    if (!wave) out.push((wave = { taken: new Set(), launches: [] }));
    for (const p of l.hostPorts) wave.taken.add(p);
    wave.launches.push(l);
  }
  return out.map((w) => w.launches);
}

/** BERTH_CORPUS_ONLY=FILE launches that one file alone (to look into one), skipping the count check. */
const ONLY = process.env.BERTH_CORPUS_ONLY;
const HOSTS = '/etc/hosts';
const hostsWritable = (() => {
  try {
    accessSync(HOSTS, constants.W_OK);
    return true;
  } catch {
    return false;
  }
})();
/** Why an entry is not launched here: the index's reason, or names it needs resolved and /etc/hosts is read-only. */
const notLaunchedWhy = (e: CorpusEntry): string | undefined =>
  e.notLaunched ?? (e.resolves && !hostsWritable ? `it needs ${e.resolves.join(', ')} resolved and ${HOSTS} is not writable here` : undefined);
const launchable = () => corpusEntries().filter((e) => e.valid && notLaunchedWhy(e) === undefined && (ONLY === undefined || e.file === ONLY));

/** This run's line in /etc/hosts: the names launchable entries expect resolved, on loopback. */
const hostsLine = () => {
  const names = [...new Set(launchable().flatMap((e) => e.resolves ?? []))];
  return names.length === 0 ? undefined : `127.0.0.1 ${names.join(' ')} # berth corpus launch test ${process.pid}`;
};
const withoutLine = (text: string, line: string) =>
  text
    .split('\n')
    .filter((l) => l !== line)
    .join('\n');

const docker = new Docker();
let cluster: TestCluster;
let localLogDriver = 'json-file';
const launches: Launch[] = [];
/** Per corpus file: each container's inspect, or why the task did not run. */
const outcomes = new Map<string, { task: TaskSeen } | { failure: string }>();

async function runWave(wave: Launch[]): Promise<void> {
  const started = await Promise.all(
    wave.map(async (l) => {
      const registered = await cluster.client.create({
        apiVersion: 'berth.dev/v1',
        kind: 'TaskDefinition',
        metadata: { name: l.spec.family, cluster: cluster.name },
        spec: harnessed(l.spec),
      });
      const { tasks, failures } = await runTask(cluster.client, { cluster: cluster.name, taskDefinition: registered.metadata.name });
      const task = tasks[0];
      if (!task) throw new Error(`${l.file}: run-task created no task: ${failures.map((f) => f.reason).join('; ')}`);
      return { launch: l, task: task.metadata.name };
    }),
  );
  await Promise.all(
    started.map(async ({ launch, task }) => {
      try {
        const running = await eventually(
          async () => {
            await new Promise((r) => setTimeout(r, 250));
            const t = await cluster.client.get('Task', { cluster: cluster.name, name: task });
            if (t?.status?.lastStatus === 'STOPPED') throw new Error(`stopped: ${t.status.stoppedReason ?? ''} ${JSON.stringify(t.status.containers ?? [])}`);
            return t?.status?.lastStatus === 'RUNNING' ? t : undefined;
          },
          RUNNING_WITHIN_MS,
          `${launch.file} RUNNING`,
        );
        const labels = [`${DOCKER_LABELS.task}=${running.metadata.name}`, `${DOCKER_LABELS.cluster}=${cluster.name}`];
        const seenTask: TaskSeen = { containers: new Map() };
        for (const c of await docker.listContainers({ all: true, filters: { label: labels } })) {
          const inspect = await docker.getContainer(c.Id).inspect();
          const name = inspect.Config.Labels[DOCKER_LABELS.container] ?? '';
          const seen = { name, inspect, namespaces: inspect.State.Pid > 0 ? namespacesOf(inspect.State.Pid) : { net: '', pid: '', ipc: '' } };
          if (inspect.Config.Labels[DOCKER_LABELS.sandbox] === 'true') seenTask.sandbox = seen;
          else if (name) seenTask.containers.set(name, seen);
        }
        const [network] = await docker.listNetworks({ filters: { label: labels } });
        if (network) seenTask.network = network.Name;
        outcomes.set(launch.file, { task: seenTask });
      } catch (err) {
        outcomes.set(launch.file, { failure: err instanceof Error ? err.message : String(err) });
      }
    }),
  );
  // Free the wave's host ports: stop the tasks, and kill their containers rather than wait out each
  // stop timeout (`sleep` as PID 1 ignores SIGTERM) — again on every look, for a container of a task
  // that had not reached RUNNING may start after the first kill.
  await Promise.all(started.map(({ task }) => stopTask(cluster.client, { cluster: cluster.name, task, reason: 'corpus wave done' })));
  const killOwn = async () => {
    const own = await docker.listContainers({ filters: { label: [`${DOCKER_LABELS.cluster}=${cluster.name}`], status: ['running'] } });
    await Promise.all(
      own.map((c) =>
        docker
          .getContainer(c.Id)
          .kill()
          .catch(() => undefined),
      ),
    );
  };
  await eventually(
    async () => {
      await killOwn();
      await new Promise((r) => setTimeout(r, 250));
      const { items } = await cluster.client.list('Task', { cluster: cluster.name });
      return items.every((t) => t.status?.lastStatus === 'STOPPED');
    },
    // A wave is up to some 25 tasks stopping at once on an engine shared with other work.
    90_000,
    'the wave STOPPED',
  );
}

let fluentd: Server | undefined;

/** A TCP listener that takes what Docker's fluentd driver sends and drops it. */
async function listenForFluentd(): Promise<Server> {
  const server = createServer((socket) => socket.resume());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  fluentdAddress = typeof address === 'object' && address ? `127.0.0.1:${address.port}` : '';
  return server;
}

/** A Secret for every reference the launched definitions make: a key per json-key, else `value`. */
async function createCorpusSecrets(specs: TaskDefinitionSpec[]): Promise<void> {
  const data = new Map<string, Record<string, string>>();
  const refs = specs.flatMap((spec) =>
    spec.containerDefinitions.flatMap((c) => [
      ...(c.secrets ?? []).map((x) => ({ valueFrom: x.valueFrom, option: undefined })),
      ...(c.logConfiguration?.secretOptions ?? []).map((x) => ({ valueFrom: x.valueFrom, option: x.name })),
    ]),
  );
  for (const { valueFrom, option } of refs) {
    const parsed = parseValueFrom(valueFrom);
    if (!parsed.ok) throw new Error(`corpus reference ${valueFrom}: ${parsed.message}`);
    const [name] = parsed.ref.names;
    if (name === undefined) continue;
    const value = secretValue(valueFrom, option);
    secretValues.set(valueFrom, value);
    data.set(name, { ...data.get(name), [parsed.ref.jsonKey ?? 'value']: value });
  }
  for (const [name, stringData] of data)
    await cluster.client.create({ apiVersion: 'berth.dev/v1', kind: 'Secret', metadata: { name, cluster: cluster.name }, spec: { stringData } });
}

beforeAll(async () => {
  const valid = launchable();
  // One by one: several files register revisions of the same family, which one load would call duplicates.
  for (const e of valid) {
    const { manifests, errors } = await loadManifests([corpusPath(e.file)]);
    expect(errors).toEqual([]);
    for (const m of manifests)
      if (m.ok && m.object.kind === 'TaskDefinition') launches.push({ file: e.file, spec: m.object.spec, hostPorts: hostPortsOf(m.object.spec) });
  }
  localLogDriver = (await docker.info()).LoggingDriver ?? localLogDriver;
  cluster = await startTestCluster();
  // Real task definitions use host networking and bind-mount host paths; the default (restricted)
  // task policy refuses those, as it should in a shared cluster. This one is the test's own.
  await cluster.client.mutate('Cluster', { name: cluster.name }, (c) => {
    c.spec.taskPolicy = { level: 'privileged' };
  });
  // What the instance registers is the test's to say: the corpus asks for up to 4 vCPU and 8 GiB a
  // task, more than this machine has, and placement (not the engine) would refuse them.
  fluentd = await listenForFluentd();
  const line = hostsLine();
  if (line) writeFileSync(HOSTS, `${withoutLine(readFileSync(HOSTS, 'utf8'), line).replace(/\n?$/, '\n')}${line}\n`);
  await createCorpusSecrets(launches.map((l) => l.spec));
  await cluster.startAgent('tda-corpus', { resources: { cpu: 64 * 1024, memory: 256 * 1024 } });
  for (const wave of waves(launches)) await runWave(wave);
}, 10 * 60_000);

afterAll(async () => {
  fluentd?.close();
  const line = hostsLine();
  if (line) writeFileSync(HOSTS, withoutLine(readFileSync(HOSTS, 'utf8'), line));
  await cluster?.dispose();
});

describe('the valid corpus on the real Docker engine', () => {
  it('launches every valid corpus file but the few the index says why not', () => {
    expect(launches.length).toBe(launchable().length);
    if (ONLY === undefined) expect(launches.length).toBeGreaterThanOrEqual(30);
  });

  for (const e of corpusEntries().filter((x) => x.valid && notLaunchedWhy(x) !== undefined)) it.todo(`${e.file} is not launched: ${notLaunchedWhy(e)}`);

  it.each(launchable().map((e) => e.file))('%s reaches RUNNING, and docker inspect shows what it means', (file) => {
    const outcome = outcomes.get(file);
    const launch = launches.find((l) => l.file === file);
    if (!outcome || !launch) throw new Error(`${file} was not launched`);
    if ('failure' in outcome) throw new Error(outcome.failure);
    const ctx: CheckContext = { spec: launch.spec, localLogDriver, task: outcome.task };
    expect([...outcome.task.containers.keys()].sort()).toEqual(launch.spec.containerDefinitions.map((c) => c.name).sort());
    const mismatches: string[] = [];
    for (const c of launch.spec.containerDefinitions) {
      const seen = outcome.task.containers.get(c.name);
      if (!seen) continue;
      const { inspect } = seen;
      if (!inspect.State.Running) mismatches.push(`${c.name}: not running (${inspect.State.Status})`);
      for (const check of CHECKS.filter((k) => k.applies(c, ctx))) {
        const want = check.expected(c, ctx);
        const got = check.actual(seen, ctx);
        if (JSON.stringify(want) !== JSON.stringify(got))
          mismatches.push(`${c.name}: ${check.name}: expected ${JSON.stringify(want)}, docker has ${JSON.stringify(got)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
