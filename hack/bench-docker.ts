/**
 * Real Docker, berth beside its peers on the same engine, back to back: start of a 50-task service
 * vs 50 × `docker run -d` (8 in parallel) vs `docker service create --replicas 50`; recovery from
 * `docker kill`; a rolling update with a health check; each beside the engine's floor
 * (bench-engine-floor.ts). berth runs in this process as `berth up` runs it on one machine
 * (embedded store, built-in controllers, the agent in process on LocalClient), as a single-node
 * swarm runs its manager and worker in one dockerd; Swarm's side is bench-swarm.ts.
 *
 * Each side is observed through its own event stream, not polled: berth through a watch of the
 * service's tasks (in process, joining the store watch its informers share, so observing costs
 * berth no HTTP stream to encode and decode), swarm through Docker's events (container start/die, the service's
 * update state). A 50 ms poll cost berth a list of every task of the service, decoded, on the very
 * event loop that runs berth's server, controllers and agent, and swarm a `docker` process per poll.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { rmSync } from 'node:fs';
import { pino } from 'pino';
import { HttpClient } from '../api/client/http-client.js';
import { LocalClient } from '../api/client/local-client.js';
import type { Task } from '../api/v1/task.js';
import { Agent } from '../controllers/agent/index.js';
import { DockerRuntime } from '../controllers/agent/runtime/docker.js';
import type { DockerEvent } from '../controllers/agent/runtime/docker-schemas.js';
import { builtinControllers } from '../controllers/builtin.js';
import { startControlPlane, type ControlPlane } from '../cmd/control-plane.js';
import { applyHeapGrowth } from '../cmd/heap-growth.js';
import { forEachBounded } from '../controllers/kit/pool.js';
import { engineEvents } from './bench-engine-events.js';
import { docker, dockerLabelled, HEALTH_RETRIES, lines, sleep, timed, track, until } from './bench-docker-support.js';
import { ensureSwarm, leaveSwarm, swarmRecovery, swarmStart, swarmUpdate } from './bench-swarm.js';
import { startFloor, updateFloor } from './bench-engine-floor.js';
import { measuredWindow, type WindowCost } from './bench-window.js';

const log = pino({ name: 'berth-bench', level: process.env.BERTH_LOG_LEVEL ?? 'warn' });

const describeCost = (c: WindowCost | undefined) =>
  c === undefined
    ? '?'
    : `this process ${c.cpuSeconds.toFixed(2)}${c.daemons ? `, dockerd ${c.daemons.dockerd.toFixed(2)}, containerd ${c.daemons.containerd.toFixed(2)}` : ''}`;

/** The tasks of a berth service as a watch delivers them: open it before acting, then wait. */
interface TaskWatch {
  until(what: string, done: (tasks: Task[]) => boolean, timeoutMs?: number): Promise<void>;
  cancel(): Promise<void>;
}

async function watchTasks(b: Berth, service: string): Promise<TaskWatch> {
  const labelSelector = `berth.dev/service=${service}`;
  const listed = await b.observer.list('Task', { cluster: b.cluster, labelSelector });
  const tasks = new Map(listed.items.map((t) => [t.metadata.name, t]));
  const watch = b.observer.watch('Task', { cluster: b.cluster, labelSelector, fromRevision: Number(listed.resourceVersion) + 1 });
  const batches = watch[Symbol.asyncIterator]();
  return {
    async until(what, done, timeoutMs = 120_000) {
      const timer = setTimeout(() => void watch.cancel(), timeoutMs);
      try {
        while (!done([...tasks.values()])) {
          const next = await batches.next();
          if (next.done) throw new Error(`bench: ${what} did not happen within ${timeoutMs / 1000} s (the watch ended)`);
          for (const e of next.value) {
            if (e.type === 'DELETED') tasks.delete(e.ref.name);
            else if (e.object) tasks.set(e.object.metadata.name, e.object);
          }
        }
      } finally {
        clearTimeout(timer);
      }
    },
    cancel: () => watch.cancel(),
  };
}

export interface DockerBenchOptions {
  image: string;
  repeats: number;
  startTasks: number;
  recoveryTasks: number;
  recoveryRepeats: number;
  updateTasks: number;
  /** Health check interval (s) on both sides; berth, like Docker, allows 1 at least. */
  healthIntervalS: number;
  /** Which comparisons to run (all of them for RESULTS.md; one while working on it). */
  parts: ReadonlySet<'start' | 'recovery' | 'update'>;
  log: (line: string) => void;
}

export interface DockerBenchResult {
  /**
   * berthEngine: the same berth rounds, until Docker's events show every container started.
   * cost: the CPU of berth's process and of the engine's daemons in each berth and swarm round.
   * floor: the same n containers created and started at once over the Docker API, nothing else.
   */
  start: { berth: number[]; berthEngine: number[]; dockerRun: number[]; floor: number[]; swarm: number[]; cost: { berth: WindowCost[]; swarm: WindowCost[] } };
  recovery: { berth: number[]; swarmNoDelay: number[]; swarmDefault: number[] };
  /**
   * berthCpu: CPU seconds berth's process used in each berth round (swarm's window holds its 5 s
   * monitor, so its daemons' CPU is not comparable). floor: the same replacement by a script over
   * the Docker API that does only that (hack/bench-engine-floor.ts), in the same rounds.
   */
  update: { berth: number[]; berthCpu: number[]; swarm: number[]; floor: number[] };
  imageId: string;
  /** The update's health check retries (HEALTH_RETRIES), for the report. */
  healthRetries: number;
}

// ---------- berth ----------

interface Berth {
  plane: ControlPlane;
  client: HttpClient;
  /** The bench's own view of the tasks: in process, on the store watch the controllers share. */
  observer: LocalClient;
  agent: Agent;
  cluster: string;
  dispose(): Promise<void>;
}

async function startBerth(): Promise<Berth> {
  const cluster = `bench-${randomUUID().slice(0, 8)}`;
  const dir = join(tmpdir(), `berth-bench-docker-${cluster}`);
  const plane = await startControlPlane({ dataDir: dir, host: '127.0.0.1', port: 0, controllers: builtinControllers(), log });
  const client = new HttpClient({ server: plane.url, token: plane.adminToken });
  await client.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: cluster }, spec: {} });
  const runtime = new DockerRuntime({});
  const local = new LocalClient(plane.resources);
  // In process, as `berth up` runs its agent (cmd/up.ts).
  const agent = new Agent({ client: local, runtime, cluster, instanceName: 'local', log });
  await agent.start();
  return {
    plane,
    client,
    observer: local,
    agent,
    cluster,
    async dispose() {
      await agent.stop().catch(() => undefined);
      await plane.stop().catch(() => undefined);
      const leftovers = await runtime.listContainers({ labels: { 'berth.cluster': cluster } });
      await Promise.all(leftovers.map((c) => runtime.removeContainer(c.id).catch(() => undefined)));
      const networks = await runtime.listNetworks({ labels: { 'berth.cluster': cluster } });
      await Promise.all(networks.map((n) => runtime.removeTaskNetwork(n.name).catch(() => undefined)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function berthTaskDefinition(b: Berth, family: string, image: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'berth.dev/v1',
    kind: 'TaskDefinition' as const,
    metadata: { name: family, cluster: b.cluster },
    spec: {
      containerDefinitions: [
        { name: 'app', image, memory: 16, command: ['sleep', '3600'], linuxParameters: { initProcessEnabled: true }, stopTimeout: 2, ...extra },
      ],
    },
  };
}

const berthService = (b: Berth, name: string, desiredCount: number) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Service' as const,
  metadata: { name, cluster: b.cluster },
  spec: { taskDefinition: name, desiredCount, deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 } },
});

async function berthTasks(b: Berth, service: string) {
  return (await b.client.list('Task', { cluster: b.cluster, labelSelector: `berth.dev/service=${service}` })).items;
}

const runningOf = (tasks: Awaited<ReturnType<typeof berthTasks>>) =>
  tasks.filter((t) => t.status?.lastStatus === 'RUNNING' && t.spec.desiredStatus === 'RUNNING');

async function berthRemoveService(b: Berth, name: string): Promise<void> {
  await b.client.delete('Service', { cluster: b.cluster, name });
  await until(
    `service ${name}'s tasks stopped`,
    async () => runningOf(await berthTasks(b, name)).length === 0 && (await dockerLabelled(`berth.cluster=${b.cluster}`, true)).length === 0,
  );
}

/**
 * Apply → every task RUNNING in berth's API (the figure), and beside it apply → every container
 * started by Docker's events, which is how swarm's start is timed (its own task states are not
 * read): the difference is berth's report of each start reaching its API.
 */
async function berthStart(b: Berth, image: string, n: number, round: number): Promise<{ running: number; cost: WindowCost; engine: number }> {
  const name = `start-${round}`;
  const tasks = await watchTasks(b, name);
  const events = await engineEvents({ type: ['container'], event: ['start', 'die'], label: [`berth.cluster=${b.cluster}`] }, Date.now());
  let appliedAt = 0;
  const window = await measuredWindow(`berth-start-${round}`, () =>
    timed(async () => {
      appliedAt = Date.now();
      await b.client.create(berthTaskDefinition(b, name, image));
      await b.client.create(berthService(b, name, n));
      await tasks.until(`${n} berth tasks RUNNING`, (ts) => runningOf(ts).length >= n);
    }),
  );
  // Every task is RUNNING, so every container has started: the events say when.
  let startedAt = Number.NaN;
  await events
    .until(`${n} berth containers started`, (es) => {
      startedAt = whenRunning(es, n) ?? Number.NaN;
      return !Number.isNaN(startedAt);
    })
    .finally(() => events.close());
  await tasks.cancel();
  await berthRemoveService(b, name);
  return { running: window.value, cost: window.cost, engine: (startedAt - appliedAt) / 1000 };
}

/** When (ms since the epoch, the engine's clock) `n` containers were first running at once, by their start/die events. */
function whenRunning(events: readonly DockerEvent[], n: number): number | undefined {
  const running = new Set<string>();
  for (const e of events) {
    track(running, e);
    if (running.size >= n) return e.timeNano !== undefined ? e.timeNano / 1e6 : (e.time ?? 0) * 1000;
  }
  return undefined;
}

async function berthRecovery(b: Berth, image: string, n: number, repeats: number): Promise<number[]> {
  const name = 'recovery';
  await b.client.create(berthTaskDefinition(b, name, image));
  await b.client.create(berthService(b, name, n));
  await until(`${n} berth tasks RUNNING`, async () => runningOf(await berthTasks(b, name)).length >= n);
  const out: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const victim = runningOf(await berthTasks(b, name))[0];
    const dockerId = victim?.status?.containers?.find((c) => c.name === 'app')?.dockerId;
    if (!victim || !dockerId) throw new Error('bench: no running berth task with a container to kill');
    const tasks = await watchTasks(b, name);
    out.push(
      await timed(async () => {
        await docker('kill', dockerId);
        await tasks.until('replacement RUNNING', (ts) => {
          const running = runningOf(ts);
          return running.length >= n && !running.some((t) => t.metadata.name === victim.metadata.name);
        });
      }),
    );
    await tasks.cancel();
    await sleep(500);
  }
  await berthRemoveService(b, name);
  return out;
}

async function berthUpdate(b: Berth, image: string, n: number, healthIntervalS: number, round: number): Promise<{ seconds: number; cpuSeconds: number }> {
  const name = `update-${round}`;
  const healthCheck = { command: ['CMD-SHELL', 'true'], interval: healthIntervalS, timeout: 2, retries: HEALTH_RETRIES, startPeriod: 0 };
  await b.client.create(berthTaskDefinition(b, name, image, { healthCheck }));
  await b.client.create(berthService(b, name, n));
  const healthy = (tasks: Awaited<ReturnType<typeof berthTasks>>) => runningOf(tasks).filter((t) => t.status?.healthStatus === 'HEALTHY');
  await until(`${n} healthy berth tasks`, async () => healthy(await berthTasks(b, name)).length >= n);
  const original = runningOf(await berthTasks(b, name))[0]?.spec.taskDefinition;
  const tasks = await watchTasks(b, name);
  const window = await measuredWindow(`berth-update-${round}`, () =>
    timed(async () => {
      // A new revision of the family (the command differs); the service follows the family's newest.
      await b.client.create(berthTaskDefinition(b, name, image, { healthCheck, command: ['sleep', '3601'] }));
      await tasks.until('rolling update done', (ts) => {
        const running = runningOf(ts);
        const live = ts.filter((t) => t.status?.lastStatus !== 'STOPPED');
        return healthy(ts).length === n && running.every((t) => t.spec.taskDefinition !== original) && live.length === n;
      });
    }),
  );
  await tasks.cancel();
  await berthRemoveService(b, name);
  return { seconds: window.value, cpuSeconds: window.cost.cpuSeconds };
}

// ---------- docker run ----------

async function dockerRunFloor(image: string, n: number, round: number): Promise<number> {
  const label = `berth-bench-run=${randomUUID().slice(0, 8)}`;
  const names = Array.from({ length: n }, (_, i) => `berth-bench-run-${round}-${i}`);
  const seconds = await timed(() =>
    forEachBounded(names, 8, async (name) => {
      await docker('run', '-d', '--init', '--stop-timeout', '2', '--label', label, '--name', name, image, 'sleep', '3600');
    }),
  );
  const ids = await dockerLabelled(label, false);
  if (ids.length > 0) await docker('rm', '-f', ...ids);
  return seconds;
}

/**
 * Runs one round's sides one after another, starting with a different side each round: whichever
 * follows another's clean-up may share the engine with its tail, and no side should always be the
 * one that does.
 */
async function inTurns(round: number, sides: ReadonlyArray<() => Promise<void>>): Promise<void> {
  for (let i = 0; i < sides.length; i++) await sides[(round + i) % sides.length]?.();
}

export async function runDockerBench(o: DockerBenchOptions): Promise<DockerBenchResult> {
  // berth runs in this process as `berth up` runs it, and `berth up` sets its heap growth first.
  applyHeapGrowth();
  const imageId = await docker('image', 'inspect', '--format', '{{.Id}}', o.image);
  const joined = await ensureSwarm();
  const berth = await startBerth();
  const result: DockerBenchResult = {
    start: { berth: [], berthEngine: [], dockerRun: [], floor: [], swarm: [], cost: { berth: [], swarm: [] } },
    recovery: { berth: [], swarmNoDelay: [], swarmDefault: [] },
    update: { berth: [], berthCpu: [], swarm: [], floor: [] },
    imageId,
    healthRetries: HEALTH_RETRIES,
  };
  try {
    // Back to back within each round, so drift on a shared machine hits every side alike.
    for (let round = 0; o.parts.has('start') && round < o.repeats; round++) {
      await inTurns(round, [
        async () => void result.start.dockerRun.push(await dockerRunFloor(o.image, o.startTasks, round)),
        async () => void result.start.floor.push(await startFloor(o.image, o.startTasks)),
        async () => {
          const berthRound = await berthStart(berth, o.image, o.startTasks, round);
          result.start.berth.push(berthRound.running);
          result.start.berthEngine.push(berthRound.engine);
          result.start.cost.berth.push(berthRound.cost);
        },
        async () => {
          const swarmRound = await swarmStart(imageId, o.startTasks, round);
          result.start.swarm.push(swarmRound.seconds);
          result.start.cost.swarm.push(swarmRound.cost);
        },
      ]);
      o.log(
        `  start round ${round + 1}: docker run ${result.start.dockerRun.at(-1)?.toFixed(2)} s, API floor ${result.start.floor.at(-1)?.toFixed(2)} s, ` +
          `berth ${result.start.berth.at(-1)?.toFixed(2)} s (containers started ${result.start.berthEngine.at(-1)?.toFixed(2)} s; CPU-s: ${describeCost(result.start.cost.berth.at(-1))}), ` +
          `swarm ${result.start.swarm.at(-1)?.toFixed(2)} s (CPU-s: ${describeCost(result.start.cost.swarm.at(-1))})`,
      );
    }
    if (o.parts.has('recovery')) {
      result.recovery.berth = await berthRecovery(berth, o.image, o.recoveryTasks, o.recoveryRepeats);
      result.recovery.swarmNoDelay = await swarmRecovery(imageId, o.recoveryTasks, o.recoveryRepeats, ['--restart-delay', '0s'], 'nodelay');
      result.recovery.swarmDefault = await swarmRecovery(imageId, o.recoveryTasks, Math.min(3, o.recoveryRepeats), [], 'default');
      o.log(
        `  recovery: berth ${result.recovery.berth.map((s) => s.toFixed(2)).join(', ')}; swarm 0s ${result.recovery.swarmNoDelay.map((s) => s.toFixed(2)).join(', ')}; swarm default ${result.recovery.swarmDefault.map((s) => s.toFixed(2)).join(', ')}`,
      );
    }
    for (let round = 0; o.parts.has('update') && round < o.repeats; round++) {
      await inTurns(round, [
        async () =>
          void result.update.floor.push(
            (await updateFloor({ image: o.image, n: o.updateTasks, healthIntervalS: o.healthIntervalS, healthRetries: HEALTH_RETRIES })).seconds,
          ),
        async () => {
          const berthRound = await berthUpdate(berth, o.image, o.updateTasks, o.healthIntervalS, round);
          result.update.berth.push(berthRound.seconds);
          result.update.berthCpu.push(berthRound.cpuSeconds);
        },
        async () => void result.update.swarm.push(await swarmUpdate(imageId, o.updateTasks, o.healthIntervalS, round)),
      ]);
      o.log(
        `  update round ${round + 1}: floor ${result.update.floor.at(-1)?.toFixed(2)} s, berth ${result.update.berth.at(-1)?.toFixed(2)} s (its process: ${result.update.berthCpu.at(-1)?.toFixed(2)} CPU-s), swarm ${result.update.swarm.at(-1)?.toFixed(2)} s`,
      );
    }
    return result;
  } finally {
    await berth.dispose();
    for (const svc of lines(await docker('service', 'ls', '-q', '--filter', 'name=berth-bench-').catch(() => '')))
      await docker('service', 'rm', svc).catch(() => '');
    const runs = await dockerLabelled('berth-bench-run', false).catch(() => []);
    if (runs.length > 0) await docker('rm', '-f', ...runs).catch(() => '');
    if (joined) await leaveSwarm();
  }
}
