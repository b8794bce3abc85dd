/**
 * How much a remote agent (over HTTP, as `berth agent` runs) asks of the real Docker engine. A
 * reconcile inspects a task's containers, found in the agent's container index rather than by a
 * filtered list (which cost dockerd more than a third of a create and a start), so no reconcile
 * lists the engine; and reconciles that cannot find anything new —
 * the watch echoing the agent's own status write, Docker's start and die events of the agent's own
 * starts and stops — are skipped; and tasks bound at once reach the
 * engine at once, so they queue in dockerd rather than behind a handful of agent workers (where a
 * stop asked meanwhile would wait too).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpClient } from '../api/client/http-client.js';
import type { Task } from '../api/v1/task.js';
import { Agent } from '../controllers/agent/agent.js';
import { DockerRuntime } from '../controllers/agent/runtime/docker.js';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import type { ContainerSpec, Labels } from '../controllers/agent/runtime/types.js';
import { eventually } from '../controllers/kit/test-env.js';
import { container, IMAGE } from './agent-harness.js';
import { startApi, type RunningApi } from './api-harness.js';
import { openTestSqlite, type TestStore } from './support/stores.js';

/** The real engine, counting what the agent asks of it. */
class CountingRuntime extends DockerRuntime {
  readonly listsByTask = new Map<string, number>();
  readonly inspectsByTask = new Map<string, number>();
  private readonly taskOf = new Map<string, string>();
  startsInFlight = 0;
  maxStartsInFlight = 0;
  /** Holds a stop call back this long after Docker's stop, as Docker's cleanup does on a busy engine. */
  stopReturnsLateMs = 0;

  override async listContainers(filter: { labels: Labels }) {
    const task = filter.labels[DOCKER_LABELS.task];
    if (task !== undefined) this.listsByTask.set(task, (this.listsByTask.get(task) ?? 0) + 1);
    return super.listContainers(filter);
  }

  override async createContainer(spec: ContainerSpec): Promise<string> {
    const id = await super.createContainer(spec);
    const task = spec.Labels?.[DOCKER_LABELS.task];
    if (task !== undefined) this.taskOf.set(id, task);
    return id;
  }

  override async inspectContainer(id: string) {
    const task = this.taskOf.get(id);
    if (task !== undefined) this.inspectsByTask.set(task, (this.inspectsByTask.get(task) ?? 0) + 1);
    return super.inspectContainer(id);
  }

  override async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    await super.stopContainer(id, timeoutSeconds);
    await sleep(this.stopReturnsLateMs);
  }

  override async startContainer(id: string): Promise<void> {
    this.maxStartsInFlight = Math.max(this.maxStartsInFlight, ++this.startsInFlight);
    try {
      await super.startContainer(id);
    } finally {
      this.startsInFlight--;
    }
  }
}

const INSTANCE = 'i-load';
const cluster = `ag-load-${randomUUID().slice(0, 8)}`;
const runtime = new CountingRuntime();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let backend: TestStore;
let api: RunningApi;
let admin: HttpClient;
let agent: Agent | undefined;

beforeAll(async () => {
  backend = await openTestSqlite();
  api = await startApi(backend);
  admin = api.client();
  await admin.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: cluster }, spec: {} });
  const token = await admin.issueAgentToken(cluster, INSTANCE);
  agent = new Agent({ client: api.client(token), runtime, cluster, instanceName: INSTANCE, heartbeatIntervalMs: 1000, steadyStateIntervalMs: 60_000 });
  await agent.start();
});
afterAll(async () => {
  await agent?.stop();
  for (const c of await runtime.listContainers({ labels: { [DOCKER_LABELS.cluster]: cluster } })) await runtime.removeContainer(c.id);
  await api?.stop();
  await backend?.dispose();
});

async function taskDefinition(family: string): Promise<string> {
  const td = await admin.create({
    apiVersion: 'berth.dev/v1',
    kind: 'TaskDefinition',
    metadata: { name: family, cluster },
    spec: { containerDefinitions: [container('app', { command: ['sleep', '3600'] })] },
  });
  return td.metadata.name;
}

const runTask = (name: string, taskDefinition: string) =>
  admin.create({ apiVersion: 'berth.dev/v1', kind: 'Task', metadata: { name, cluster }, spec: { taskDefinition, containerInstance: INSTANCE } });

const waitForTask = (name: string, ok: (t: Task) => boolean, ms = 20_000) =>
  eventually(
    async () => {
      const t = await admin.get('Task', { cluster, name });
      return t && ok(t) ? t : undefined;
    },
    ms,
    `task ${name}`,
  );

describe('a remote agent’s load on the engine', () => {
  it('observes a task once per change: bound → RUNNING → STOPPED takes a handful of inspects and no list', async () => {
    const td = await taskDefinition('quiet');
    await runTask('quiet-1', td);
    await waitForTask('quiet-1', (t) => t.status?.lastStatus === 'RUNNING');
    await sleep(1000); // whatever the start set off has happened
    const toRunning = runtime.inspectsByTask.get('quiet-1') ?? 0;
    process.stdout.write(`[measure] container inspects from bound to RUNNING: ${toRunning}\n`);
    // Bound (no container yet: create, start), then started (inspect, RUNNING written): 1. Not
    // again for Docker's create and start events (the agent's own), nor for the watch's echoes of
    // the status writes.
    expect(toRunning).toBeGreaterThanOrEqual(1);
    expect(toRunning).toBeLessThanOrEqual(2);

    await admin.mutate('Task', { cluster, name: 'quiet-1' }, (t) => void (t.spec.desiredStatus = 'STOPPED'));
    await waitForTask('quiet-1', (t) => t.status?.lastStatus === 'STOPPED');
    await sleep(1000);
    const toStopped = (runtime.inspectsByTask.get('quiet-1') ?? 0) - toRunning;
    process.stdout.write(`[measure] container inspects from stop asked to STOPPED: ${toStopped}\n`);
    // Stop asked (inspect, STOPPING written, stop), then stopped (inspect, STOPPED written): 2. Not
    // again for Docker's die event (the agent's own stop), nor for the echoes.
    expect(toStopped).toBeGreaterThanOrEqual(1);
    expect(toStopped).toBeLessThanOrEqual(2);
    // No reconcile listed the engine for the task: the index told them where its container was.
    expect(runtime.listsByTask.get('quiet-1') ?? 0).toBe(0);
  });

  it("a container created behind the agent with a task's labels is found through Docker's create event", async () => {
    // Not a sweep: the next one is a minute away.
    const td = await taskDefinition('foreign');
    await runTask('foreign-1', td);
    const running = await waitForTask('foreign-1', (t) => t.status?.lastStatus === 'RUNNING');
    const own = running.status?.containers?.[0]?.dockerId;
    // A twin under another name, as a second agent of the same instance would make; the task is
    // asked to stop, and the agent must stop every container it has, the twin too.
    const labels = {
      [DOCKER_LABELS.task]: 'foreign-1',
      [DOCKER_LABELS.installation]: await admin.installation(),
      [DOCKER_LABELS.instance]: INSTANCE,
      [DOCKER_LABELS.cluster]: cluster,
      [DOCKER_LABELS.container]: 'app',
    };
    const twin = await runtime.createContainer({ name: `twin-${randomUUID().slice(0, 8)}`, Image: IMAGE, Cmd: ['sleep', '3600'], Labels: labels });
    await runtime.startContainer(twin);
    await admin.mutate('Task', { cluster, name: 'foreign-1' }, (t) => void (t.spec.desiredStatus = 'STOPPED'));
    await waitForTask('foreign-1', (t) => t.status?.lastStatus === 'STOPPED');
    await eventually(async () => ((await runtime.inspectContainer(twin)).state !== 'running' ? true : undefined), 15_000, 'the twin stopped');
    expect((await runtime.inspectContainer(own ?? '')).state).not.toBe('running');
  }, 30_000);

  it('reports STOPPED when Docker announces the exit, not when the stop call returns', async () => {
    const td = await taskDefinition('prompt');
    await runTask('prompt-1', td);
    await waitForTask('prompt-1', (t) => t.status?.lastStatus === 'RUNNING');
    runtime.stopReturnsLateMs = 3000;
    try {
      const t0 = Date.now();
      await admin.mutate('Task', { cluster, name: 'prompt-1' }, (t) => void (t.spec.desiredStatus = 'STOPPED'));
      const stopped = await waitForTask('prompt-1', (t) => t.status?.lastStatus === 'STOPPED', 10_000);
      process.stdout.write(`[measure] stop asked → STOPPED with a stop call returning 3 s late: ${Date.now() - t0} ms\n`);
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(stopped.status?.containers[0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 143 });
    } finally {
      runtime.stopReturnsLateMs = 0;
    }
  });

  it('hands tasks bound at once to the engine at once', async () => {
    const td = await taskDefinition('many');
    const names = Array.from({ length: 16 }, (_, i) => `many-${i}`);
    await Promise.all(names.map((n) => runTask(n, td)));
    await Promise.all(names.map((n) => waitForTask(n, (t) => t.status?.lastStatus === 'RUNNING', 60_000)));
    // Docker's start takes long enough that they overlap; 8 workers (the old default) allowed 8.
    expect(runtime.maxStartsInFlight).toBeGreaterThan(8);
  }, 90_000);
});
