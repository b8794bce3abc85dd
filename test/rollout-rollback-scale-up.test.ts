/**
 * A rollback during SCALE_UP, a stage without lifecycle hooks (rollout-rollback-stages holds the
 * hook stages with PAUSE hooks): green's httpd starts far later than the test lasts, so its target
 * never turns healthy and the deployment stays in SCALE_UP with green's task running beside blue.
 * `berth rollout rollback` then ends it on blue: green's task removed, both listeners all on blue,
 * and they never left it. On the real engine and real HAProxy; times in berth "minutes" of 1 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild } from './cli-harness.js';
import { berth, liveByRevision, primary, serviceWhen } from './rollout-harness.js';
import { greenShare, registerVariant, setUpBehindProxy, startTrafficEnv, weightsRouted, type TrafficEnv } from './rollout-traffic-harness.js';
import { eventually } from './support/cluster.js';

/** From this slice's range (25300-25399): production, and + 1 for test traffic. */
const PORT = 25390;
const SAMPLES = 40;

describe('a rollback during SCALE_UP (real HAProxy)', () => {
  assertFreshBuild(['cli/rollout/run-action.ts', 'controllers/service/strategy/stages.ts']);
  let env: TrafficEnv;
  beforeAll(async () => {
    env = await startTrafficEnv('rbscale');
  }, 60_000);
  afterAll(async () => env?.dispose());

  it('green still starting: tasks and traffic end on blue', async () => {
    const { cluster } = env;
    const name = 'rb-scaleup';
    await setUpBehindProxy(cluster, name, PORT, { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 });
    const v2 = await registerVariant(cluster, name, 'v2', 600);
    await serviceWhen(cluster, name, (s) => primary(s)?.rollout?.stage === 'SCALE_UP', 'scaling green up');
    await eventually(async () => ((await liveByRevision(cluster, name))[v2] ?? 0) === 1, 30_000, "green's task running");
    const still = await cluster.client.mustGet('Service', { cluster: cluster.name, name });
    expect(primary(still)?.rollout).toMatchObject({ stage: 'SCALE_UP', productionTrafficWeight: 0, testTrafficWeight: 0 });

    const back = await berth(cluster, ['rollout', 'rollback', `service/${name}`]);
    expect(back.code, back.stderr).toBe(0);
    const after = await serviceWhen(
      cluster,
      name,
      (s) => primary(s)?.taskDefinition === `${name}:1` && primary(s)?.rolloutState === 'COMPLETED',
      'rolled back',
      60_000,
    );
    expect(after.status?.history.find((r) => r.state === 'FAILED')?.reason).toContain('rolled back by the user');
    await eventually(async () => JSON.stringify(await liveByRevision(cluster, name)) === JSON.stringify({ [`${name}:1`]: 1 }), 30_000, 'green removed');
    await weightsRouted(env);
    expect(await greenShare(PORT, SAMPLES)).toBe(0);
    expect(await greenShare(PORT + 1, SAMPLES)).toBe(0);
  }, 120_000);
});
