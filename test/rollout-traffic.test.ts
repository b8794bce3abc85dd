/**
 * BLUE_GREEN, LINEAR and CANARY moving real traffic (real store, controllers, agent, Docker engine,
 * HAProxy through `berth lb`'s LbProxy): each revision's container answers with its revision, and at
 * each step the share of requests answered by blue and by green through the production listener
 * (and the test listener) is the weight the stage machine planned. Green registers in the
 * advancedConfiguration's alternate target group; rolling back moves the weights back to blue.
 * Times in berth "minutes" of 1 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild } from './cli-harness.js';
import { berth, liveByRevision, primary, serviceWhen } from './rollout-harness.js';
import { greenShare, registerVariant, setUpBehindProxy, startTrafficEnv, weightsRouted, type TrafficEnv } from './rollout-traffic-harness.js';
import { eventually, type TestCluster } from './support/cluster.js';

/** Listener ports from this slice's range (25300-25399): production, and production + 1 for test traffic. */
const PORTS = { canary: 25330, linear: 25332, blueGreen: 25334 } as const;
/** How far a measured share may be from the planned one, in percentage points (over three standard deviations at 200 samples). */
const TOLERANCE = 12;

describe('traffic shifting on HAProxy', () => {
  assertFreshBuild(['cli/rollout/run-action.ts', 'controllers/service/strategy/lb-shifter.ts']);
  let env: TrafficEnv;
  let cluster: TestCluster;
  beforeAll(async () => {
    env = await startTrafficEnv('rtraffic');
    cluster = env.cluster;
  }, 60_000);
  afterAll(async () => env?.dispose());

  const register = (name: string, variant: string) => registerVariant(cluster, name, variant);
  const setUp = (name: string, port: number, deploymentConfiguration: Record<string, unknown>) =>
    setUpBehindProxy(cluster, name, port, deploymentConfiguration);

  /** Green's production weight in the service's status is `weight`: then the proxy has had time to route it, and the share is measured. */
  async function measureAt(name: string, port: number, weight: number): Promise<number> {
    await serviceWhen(cluster, name, (s) => primary(s)?.rollout?.productionTrafficWeight === weight, `production weight ${weight}`, 60_000);
    await weightsRouted(env);
    const share = await greenShare(port);
    const s = await cluster.client.mustGet('Service', { cluster: cluster.name, name });
    // Measured within the step: the weight must not have moved on meanwhile.
    expect(primary(s)?.rollout?.productionTrafficWeight, 'the step outlasted the measurement').toBe(weight);
    return share;
  }

  it.concurrent(
    'CANARY: test traffic to green first (held by a PAUSE hook, continued), then the canary share, then all; blue goes after the bake',
    async () => {
      const name = 'canary';
      const port = PORTS.canary;
      await setUp(name, port, {
        strategy: 'CANARY',
        canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 15 },
        bakeTimeInMinutes: 3,
        lifecycleHooks: [
          // Far longer than the two measurements and the CLI's start on a busy machine: a pause that timed out
          // meanwhile would roll back and move test traffic to blue in mid-measurement (timeouts: rollout-hooks).
          { targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'], timeoutConfiguration: { timeoutInMinutes: 600, action: 'ROLLBACK' } },
        ],
      });
      const v2 = await register(name, 'v2');
      await serviceWhen(cluster, name, (s) => primary(s)?.rollout?.stage === 'POST_TEST_TRAFFIC_SHIFT', 'paused after the test traffic shift');
      await weightsRouted(env);
      expect(await greenShare(port + 1)).toBe(100);
      expect(await greenShare(port)).toBe(0);
      const paused = await cluster.client.mustGet('Service', { cluster: cluster.name, name });
      expect(
        primary(paused)?.rollout?.hooks.map((h) => h.status),
        'the pause outlasted the measurement',
      ).toEqual(['AWAITING_ACTION']);
      const cont = await berth(cluster, ['rollout', 'continue', `service/${name}`]);
      expect(cont.code, cont.stderr).toBe(0);
      expect(Math.abs((await measureAt(name, port, 20)) - 20)).toBeLessThanOrEqual(TOLERANCE);
      expect(await measureAt(name, port, 100)).toBe(100);
      const done = await serviceWhen(cluster, name, (s) => primary(s)?.rolloutState === 'COMPLETED' && primary(s)?.taskDefinition === v2, 'v2 completed');
      expect(done.status?.events.map((e) => e.message).join('\n')).toContain('entered stage BAKE_TIME');
      await eventually(async () => JSON.stringify(await liveByRevision(cluster, name)) === JSON.stringify({ [v2]: 1 }), 20_000, 'blue removed');
      expect(await greenShare(port)).toBe(100);
    },
    150_000,
  );

  it.concurrent(
    "LINEAR: green's share grows step by step; a rollback in mid-shift moves all traffic back to blue",
    async () => {
      const name = 'linear';
      const port = PORTS.linear;
      await setUp(name, port, { strategy: 'LINEAR', linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 600 } });
      await register(name, 'v2');
      expect(Math.abs((await measureAt(name, port, 50)) - 50)).toBeLessThanOrEqual(TOLERANCE);
      const back = await berth(cluster, ['rollout', 'rollback', `service/${name}`]);
      expect(back.code, back.stderr).toBe(0);
      await serviceWhen(cluster, name, (s) => primary(s)?.taskDefinition === `${name}:1` && primary(s)?.rolloutState === 'COMPLETED', 'rolled back');
      await weightsRouted(env);
      const lbNow = await cluster.client.mustGet('LoadBalancer', { cluster: cluster.name, name });
      console.info(`${name}: after the rollback ${JSON.stringify(lbNow.spec.listeners.map((l) => l.defaultActions))}`);
      expect(await greenShare(port)).toBe(0);
      await eventually(async () => JSON.stringify(await liveByRevision(cluster, name)) === JSON.stringify({ [`${name}:1`]: 1 }), 20_000, 'green removed');
    },
    150_000,
  );

  it.concurrent(
    'BLUE_GREEN: all traffic moves at once; a rollback during the bake moves it back, test traffic too',
    async () => {
      const name = 'bluegreen';
      const port = PORTS.blueGreen;
      await setUp(name, port, { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 600 });
      await register(name, 'v2');
      await serviceWhen(cluster, name, (s) => primary(s)?.rollout?.stage === 'BAKE_TIME', 'baking');
      await weightsRouted(env);
      expect(await greenShare(port)).toBe(100);
      expect(await greenShare(port + 1)).toBe(100);
      const back = await berth(cluster, ['rollout', 'rollback', `service/${name}`]);
      expect(back.code, back.stderr).toBe(0);
      await serviceWhen(cluster, name, (s) => primary(s)?.taskDefinition === `${name}:1` && primary(s)?.rolloutState === 'COMPLETED', 'rolled back');
      await weightsRouted(env);
      expect(await greenShare(port)).toBe(0);
      expect(await greenShare(port + 1)).toBe(0);
    },
    150_000,
  );
});
