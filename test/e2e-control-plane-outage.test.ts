/**
 * A control-plane outage longer than the heartbeat expiry, end to end on real Docker: `berth up`'s
 * control plane stops while the agents keep their containers running, and starts again on the same
 * data. No agent was ever unhealthy, so no task may be marked lost or replaced.
 */
import Docker from 'dockerode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import { eventually, FAST, runningTasks, serviceTasks, startTestCluster, TEST_IMAGE, type TestCluster } from './support/cluster.js';

const EXPIRE_MS = FAST.instance?.heartbeatExpireMs ?? 3_000;

/** A `count`-task service of sleepers in `cluster`; returns the names of its running tasks once all run. */
async function runService(cluster: TestCluster, count: number): Promise<string[]> {
  const inCluster = { cluster: cluster.name };
  await cluster.client.create({
    apiVersion: 'berth.dev/v1',
    kind: 'TaskDefinition',
    metadata: { name: 'web', ...inCluster },
    // No network: this test is about liveness, and needs nothing of the engine's bridge.
    spec: {
      networkMode: 'none',
      containerDefinitions: [
        { name: 'web', image: TEST_IMAGE, memory: 16, command: ['sleep', '3600'], linuxParameters: { initProcessEnabled: true }, stopTimeout: 2 },
      ],
    },
  });
  await cluster.client.create({
    apiVersion: 'berth.dev/v1',
    kind: 'Service',
    metadata: { name: 'web', ...inCluster },
    spec: { taskDefinition: 'web', desiredCount: count },
  });
  return (
    await eventually(
      async () => {
        const running = await runningTasks(cluster, 'web');
        return running.length === count && running;
      },
      30_000,
      `${count} running tasks`,
    )
  )
    .map((t) => t.metadata.name)
    .sort();
}

describe('a control-plane outage longer than the heartbeat expiry', () => {
  let cluster: TestCluster;
  beforeEach(async () => {
    cluster = await startTestCluster();
    await cluster.startAgent(`${cluster.name}-a`);
    await cluster.startAgent(`${cluster.name}-b`);
  });
  afterEach(() => cluster.dispose());

  it('loses no task: after the restart the agents get a whole expiry period to be seen again', async () => {
    const before = await runService(cluster, 2);

    await cluster.restartControlPlane(EXPIRE_MS + 2_000);
    // Two expiry periods after the restart: time enough for a wrong verdict to be acted on.
    await new Promise((r) => setTimeout(r, 2 * EXPIRE_MS));

    const tasks = await serviceTasks(cluster, 'web');
    const lost = tasks.filter((t) => /lost contact/.test(t.status?.stoppedReason ?? ''));
    expect(lost.map((t) => t.metadata.name)).toEqual([]);
    expect((await runningTasks(cluster, 'web')).map((t) => t.metadata.name).sort()).toEqual(before);
    for (const name of [`${cluster.name}-a`, `${cluster.name}-b`])
      expect((await cluster.client.mustGet('ContainerInstance', { cluster: cluster.name, name })).status?.agentConnected).toBe(true);
  }, 60_000);

  it('still finds an agent that really dies while the other lives on, and replaces its tasks', async () => {
    await runService(cluster, 2);
    // The agent of an instance that runs one of the tasks dies.
    const dead = (await runningTasks(cluster, 'web'))[0]?.spec.containerInstance ?? `${cluster.name}-a`;
    await cluster.killAgent(dead);
    await eventually(
      async () => {
        const running = await runningTasks(cluster, 'web');
        return running.length === 2 && running.every((t) => t.spec.containerInstance !== dead);
      },
      30_000,
      'both tasks running on the live instance',
    );
    expect((await cluster.client.mustGet('ContainerInstance', { cluster: cluster.name, name: dead })).status?.agentConnected).toBe(false);
  }, 60_000);
});

describe('an agent whose status writes failed through a control-plane outage', () => {
  let cluster: TestCluster;
  beforeEach(async () => {
    cluster = await startTestCluster();
    // No steady-state sweep within the test: it would retry every task anyway, hiding the backoff.
    await cluster.startAgent(`${cluster.name}-a`, { steadyStateIntervalMs: 600_000 });
  });
  afterEach(() => cluster.dispose());

  it('reports a task that stopped during the outage once the API is back, not after a backoff grown all that time', async () => {
    const [name] = await runService(cluster, 1);
    const docker = new Docker();
    const [container] = await docker.listContainers({ filters: { label: [`${DOCKER_LABELS.task}=${name}`] } });
    expect(container).toBeDefined();

    // The task's container dies a second into a 25 s outage: every status write of the agent fails,
    // and the task's retry backoff doubles through the outage (its next try ~40 s in).
    const outage = cluster.restartControlPlane(25_000);
    await new Promise((r) => setTimeout(r, 1_000));
    await docker.getContainer(container?.Id ?? '').kill();
    await outage;
    const back = Date.now();

    const task = { cluster: cluster.name, name: name ?? '' };
    await eventually(async () => (await cluster.client.get('Task', task))?.status?.lastStatus === 'STOPPED', 8_000, 'the task reported STOPPED');
    expect(Date.now() - back).toBeLessThan(8_000);
  }, 90_000);
});
