/**
 * The core loop end to end — real store, real API, the built-in controllers and agents on the real
 * Docker engine: a service converges, a killed container is replaced, an essential exit replaces its
 * task while a non-essential one does not.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, runningTasks, serviceTasks, startTestCluster, TEST_IMAGE, type TestCluster } from './support/cluster.js';

const taskDefinition = (family: string, containers: Record<string, unknown>[]) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'TaskDefinition' as const,
  metadata: { name: family },
  spec: { containerDefinitions: containers },
});

const sleeper = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: TEST_IMAGE,
  memory: 16,
  command: ['sleep', '3600'],
  linuxParameters: { initProcessEnabled: true },
  stopTimeout: 2,
  ...extra,
});

const service = (name: string, family: string, desiredCount: number, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Service' as const,
  metadata: { name },
  spec: { taskDefinition: family, desiredCount, ...spec },
});

const dockerIdOf = (task: { status?: { containers?: { name: string; dockerId?: string }[] } }, container: string) =>
  task.status?.containers?.find((c) => c.name === container)?.dockerId;

describe('services on real Docker', () => {
  let cluster: TestCluster;
  beforeEach(async () => {
    cluster = await startTestCluster();
    await cluster.startAgent(`${cluster.name}-a`);
  });
  afterEach(() => cluster.dispose());

  const inCluster = <T extends { metadata: Record<string, unknown> }>(obj: T) => ({ ...obj, metadata: { ...obj.metadata, cluster: cluster.name } });

  it('converges a 3-task service and replaces containers killed with docker kill', async () => {
    await cluster.client.create(inCluster(taskDefinition('web', [sleeper('web')])));
    await cluster.client.create(inCluster(service('web', 'web', 3)));
    await eventually(async () => (await runningTasks(cluster, 'web')).length === 3, 30_000, '3 running tasks');
    // Counts alone reach the service's status within its count-update interval (500 ms), not at once.
    const svc = await eventually(
      async () => {
        const s = await cluster.client.mustGet('Service', { cluster: cluster.name, name: 'web' });
        return s.status?.runningCount === 3 && s;
      },
      5_000,
      'the service status counting 3 running',
    );
    expect(svc.status).toMatchObject({ runningCount: 3, desiredCount: 3 });

    const recoveries: number[] = [];
    for (let round = 0; round < 3; round++) {
      const before = await runningTasks(cluster, 'web');
      const victim = before[0];
      const dockerId = victim && dockerIdOf(victim, 'web');
      expect(dockerId).toBeDefined();
      const killedAt = Date.now();
      execFileSync('docker', ['kill', String(dockerId)]);
      await eventually(
        async () => {
          const now = await runningTasks(cluster, 'web');
          return now.length === 3 && !now.some((t) => t.metadata.name === victim?.metadata.name);
        },
        30_000,
        'replacement running',
      );
      recoveries.push(Date.now() - killedAt);
    }
    recoveries.sort((a, b) => a - b);
    console.info(`kill → replacement RUNNING, median of ${recoveries.length}: ${recoveries[1]} ms (all: ${recoveries.join(', ')})`);
    const stopped = (await serviceTasks(cluster, 'web')).filter((t) => t.status?.lastStatus === 'STOPPED');
    expect(stopped).toHaveLength(3);
    expect(stopped.every((t) => t.status?.stopCode === 'EssentialContainerExited')).toBe(true);
  });

  it('replaces a task whose essential container exits, but not for a non-essential exit', async () => {
    await cluster.client.create(
      inCluster(taskDefinition('mixed', [sleeper('main'), sleeper('helper', { essential: false, command: ['sh', '-c', 'sleep 1; exit 3'] })])),
    );
    await cluster.client.create(inCluster(service('mixed', 'mixed', 1)));
    const first = await eventually(async () => (await runningTasks(cluster, 'mixed'))[0], 30_000, 'task running');
    await eventually(
      async () => {
        const t = await cluster.client.mustGet('Task', { cluster: cluster.name, name: first.metadata.name });
        return t.status?.containers?.find((c) => c.name === 'helper')?.exitCode === 3 && t.status.lastStatus === 'RUNNING';
      },
      20_000,
      'non-essential exit reported while the task keeps running',
    );
    execFileSync('docker', ['kill', String(dockerIdOf(first, 'main'))]);
    await eventually(
      async () => {
        const tasks = await serviceTasks(cluster, 'mixed');
        const old = tasks.find((t) => t.metadata.name === first.metadata.name);
        return old?.status?.lastStatus === 'STOPPED' && tasks.some((t) => t.metadata.name !== first.metadata.name && t.status?.lastStatus === 'RUNNING');
      },
      30_000,
      'essential exit stops the task and a replacement runs',
    );
  });
});
