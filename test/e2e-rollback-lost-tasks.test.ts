/**
 * Issue #21 end to end on the REAL Docker engine (real store, API, built-in controllers, one agent):
 * a service that lost half its containers (docker kill) and then got a revision that exits at once
 * is rolled back, and the rollback completes with every task running — it is a rollout of its own,
 * not judged by the containers killed before it began. The service then shows the revision it runs.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, FAST, runningTasks, startTestCluster, TEST_IMAGE, type TestCluster } from './support/cluster.js';

const revision = (command: string) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'TaskDefinition' as const,
  metadata: { name: 'web' },
  spec: {
    containerDefinitions: [
      // trap TERM: PID 1 gets no default handler, and a stop would wait out the whole stopTimeout.
      { name: 'web', image: TEST_IMAGE, memory: 16, command: ['sh', '-c', command], stopTimeout: 2 },
    ],
  },
});
const serve = "trap 'exit 0' TERM; while true; do sleep 1; done";

const dockerIdOf = (task: { status?: { containers?: { name: string; dockerId?: string }[] } }) =>
  task.status?.containers?.find((c) => c.name === 'web')?.dockerId;

describe('a rollback after lost tasks, on real Docker', () => {
  let cluster: TestCluster;
  beforeEach(async () => {
    // ECS's breaker threshold (3 failed tasks for 6), a short settle time.
    cluster = await startTestCluster({ controllers: FAST });
    await cluster.startAgent(`${cluster.name}-a`);
  });
  afterEach(() => cluster.dispose());

  const ref = () => ({ cluster: cluster.name, name: 'web' });
  const inCluster = <T extends { metadata: Record<string, unknown> }>(obj: T) => ({ ...obj, metadata: { ...obj.metadata, cluster: cluster.name } });
  const completedOn = (revisionName: string) =>
    eventually(
      async () => {
        const s = await cluster.client.mustGet('Service', ref());
        const primary = s.status?.deployments.find((d) => d.status === 'PRIMARY');
        const running = (await runningTasks(cluster, 'web')).filter((t) => t.spec.taskDefinition === revisionName);
        return primary?.taskDefinition === revisionName && primary.rolloutState === 'COMPLETED' && running.length === 6 && s;
      },
      60_000,
      `6 tasks of ${revisionName}, COMPLETED`,
    );

  it('kill 3 of 6, deploy a revision that exits 1: the rollback completes with 6 running', async () => {
    const first = (await cluster.client.create(inCluster(revision(serve)))).metadata.name;
    await cluster.client.create(
      inCluster({
        apiVersion: 'berth.dev/v1',
        kind: 'Service' as const,
        metadata: { name: 'web' },
        spec: { taskDefinition: 'web', desiredCount: 6, deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } } },
      }),
    );
    await completedOn(first);

    const victims = (await runningTasks(cluster, 'web')).slice(0, 3);
    for (const t of victims) execFileSync('docker', ['kill', String(dockerIdOf(t))]);
    await eventually(
      async () => {
        const running = await runningTasks(cluster, 'web');
        return running.length === 6 && !running.some((t) => victims.some((v) => v.metadata.name === t.metadata.name));
      },
      30_000,
      'the 3 killed tasks replaced',
    );

    const bad = (await cluster.client.create(inCluster(revision('exit 1')))).metadata.name;
    await eventually(
      async () => (await cluster.client.mustGet('Service', ref())).status?.events.some((e) => e.message.includes('deployment failed')),
      60_000,
      'the breaker tripped',
    );
    const s = await completedOn(first);
    expect(s.status?.taskDefinition).toBe(first);
    expect(s.status?.resolvedTaskDefinition).toBe(bad);
    expect(s.status?.runningCount).toBe(6);
    const failedEvents = s.status?.events.filter((e) => e.message.includes('deployment failed')) ?? [];
    expect(failedEvents).toHaveLength(1); // the bad revision's; the rollback's own never failed
  }, 150_000);
});
