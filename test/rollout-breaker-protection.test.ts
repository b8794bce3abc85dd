/**
 * On the real engine: the circuit breaker's thresholdConfiguration (COUNT 1 trips on the first
 * failed task; BOUNDED_PERCENT's floor of 3 tolerates two), and task scale-in protection set with
 * `berth task protect`: a scale-in never chooses the protected tasks, even when that leaves more
 * tasks than desired, until the protection is removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from './support/cluster.js';
import { assertFreshBuild } from './cli-harness.js';
import { berth, createService, eventually, liveByRevision, primary, register, serviceTasks, serviceWhen, startRolloutCluster } from './rollout-harness.js';

describe('circuit breaker thresholds and task protection on real Docker', () => {
  assertFreshBuild(['cli/commands/task.ts', 'cli/commands/actions/task-protect.ts', 'controllers/service/protection.ts']);
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startRolloutCluster();
  }, 30_000);
  afterAll(async () => cluster?.dispose());

  it.concurrent.each([
    ['COUNT 1 trips on the first failure and rolls back', { type: 'COUNT', value: 1 }, true],
    ['BOUNDED_PERCENT 10 of 2 (floored to 3) still rolls out after one failure', { type: 'BOUNDED_PERCENT', value: 10 }, false],
  ])(
    '%s',
    async (_, thresholdConfiguration, trips) => {
      const name = `breaker-${thresholdConfiguration.type.toLowerCase().replace('_', '-')}`;
      await register(cluster, name, 'v1');
      await createService(cluster, name, 2, { deploymentCircuitBreaker: { enable: true, rollback: true, thresholdConfiguration } });
      // v2's tasks exit at once: never RUNNING long enough to count healthy (which would reset the count).
      await register(cluster, name, 'v2', 'exit 3');
      if (trips) {
        const back = await serviceWhen(
          cluster,
          name,
          (s) => primary(s)?.taskDefinition === `${name}:1` && primary(s)?.rolloutState === 'COMPLETED' && (s.status?.history.length ?? 0) >= 3,
          'rolled back',
        );
        expect(back.status?.history.find((r) => r.state === 'FAILED')?.reason).toContain('(1 failed)');
      } else {
        const oneFailed = await serviceWhen(cluster, name, (s) => (primary(s)?.circuitBreaker?.failures ?? 0) >= 1, 'one failure counted');
        expect(primary(oneFailed)).toMatchObject({ taskDefinition: `${name}:2`, rolloutState: 'IN_PROGRESS', circuitBreaker: { threshold: 3 } });
        // It trips at the third.
        await serviceWhen(cluster, name, (s) => primary(s)?.taskDefinition === `${name}:1`, 'rolled back at the threshold', 60_000);
      }
      expect(await eventually(async () => ((await liveByRevision(cluster, name))[`${name}:2`] ?? 0) === 0 || undefined, 20_000, 'v2 gone')).toBe(true);
    },
    90_000,
  );

  it.concurrent(
    'a scale-in keeps the tasks protected with berth task protect, until --disable',
    async () => {
      const name = 'protected';
      await register(cluster, name, 'v1');
      await createService(cluster, name, 3, {});
      const tasks = (await serviceTasks(cluster, name)).filter((t) => t.status?.lastStatus === 'RUNNING').map((t) => t.metadata.name);
      expect(tasks).toHaveLength(3);
      const keep = tasks.slice(0, 2);
      const protect = await berth(cluster, ['task', 'protect', ...keep, '--minutes', '5']);
      expect(protect.code).toBe(0);
      expect(protect.stdout).toContain(`task/${keep[0]} protected until`);
      await cluster.client.patch('Service', { cluster: cluster.name, name }, { spec: { desiredCount: 1 } });
      // Only the unprotected task may go: two stay although one is desired.
      await eventually(async () => ((await liveByRevision(cluster, name))[`${name}:1`] === 2 ? true : undefined), 20_000, 'the unprotected task stopped');
      await new Promise((r) => setTimeout(r, 2_000));
      const live = (await serviceTasks(cluster, name)).filter((t) => t.spec.desiredStatus === 'RUNNING').map((t) => t.metadata.name);
      expect(live.sort()).toEqual([...keep].sort());
      const unprotect = await berth(cluster, ['task', 'protect', ...keep, '--disable']);
      expect(unprotect.code).toBe(0);
      await eventually(async () => ((await liveByRevision(cluster, name))[`${name}:1`] === 1 ? true : undefined), 20_000, 'scaled in to 1');
    },
    60_000,
  );
});
