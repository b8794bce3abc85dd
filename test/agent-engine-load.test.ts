/**
 * How much a remote agent (over HTTP, as `berth agent` runs) asks of the real Docker engine. Every
 * reconcile lists and inspects a task's containers, so reconciles that cannot find anything new —
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
import { LABELS } from '../controllers/agent/runtime/names.js';
import type { Labels } from '../controllers/agent/runtime/types.js';
import { eventually } from '../controllers/kit/test-env.js';
import { container } from './agent-harness.js';
import { startApi, type RunningApi } from './api-harness.js';
import { openTestSqlite, type TestStore } from './support/stores.js';

/** The real engine, counting what the agent asks of it. */
class CountingRuntime extends DockerRuntime {
  readonly listsByTask = new Map<string, number>();
  startsInFlight = 0;
  maxStartsInFlight = 0;

  override async listContainers(filter: { labels: Labels }) {
    const task = filter.labels[LABELS.task];
    if (task !== undefined) this.listsByTask.set(task, (this.listsByTask.get(task) ?? 0) + 1);
    return super.listContainers(filter);
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
  for (const c of await runtime.listContainers({ labels: { [LABELS.cluster]: cluster } })) await runtime.removeContainer(c.id);
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
  eventually(async () => {
    const t = await admin.get('Task', { cluster, name });
    return t && ok(t) ? t : undefined;
  }, ms, `task ${name}`);

describe('a remote agent’s load on the engine', () => {
  it('observes a task once per change: bound → RUNNING → STOPPED takes a handful of container lists', async () => {
    const td = await taskDefinition('quiet');
    await runTask('quiet-1', td);
    await waitForTask('quiet-1', (t) => t.status?.lastStatus === 'RUNNING');
    await sleep(1000); // whatever the start set off has happened
    const toRunning = runtime.listsByTask.get('quiet-1') ?? 0;
    process.stdout.write(`[measure] container lists from bound to RUNNING: ${toRunning}\n`);
    // Bound (nothing yet: create, start), then started (RUNNING written, the first status): 2. Not
    // again for Docker's start event (the agent's own start), nor for the watch's echoes of the two
    // status writes.
    expect(toRunning).toBeLessThanOrEqual(2);

    await admin.mutate('Task', { cluster, name: 'quiet-1' }, (t) => void (t.spec.desiredStatus = 'STOPPED'));
    await waitForTask('quiet-1', (t) => t.status?.lastStatus === 'STOPPED');
    await sleep(1000);
    const toStopped = (runtime.listsByTask.get('quiet-1') ?? 0) - toRunning;
    process.stdout.write(`[measure] container lists from stop asked to STOPPED: ${toStopped}\n`);
    // Stop asked (STOPPING written, stop), then stopped (STOPPED written): 2. Not again for Docker's
    // die event (the agent's own stop), nor for the echoes.
    expect(toStopped).toBeLessThanOrEqual(2);
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
