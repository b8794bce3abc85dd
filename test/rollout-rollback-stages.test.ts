/**
 * A rollback at each stage of a deployment, on the real engine and real HAProxy: a PAUSE hook holds
 * the deployment at the stage (BAKE_TIME: a long bake), the share of requests green answers on the
 * production and the test listener is the one the stage planned, then `berth rollout rollback`
 * moves both listeners back to blue and removes green. The strategies take turns over the stages;
 * times in berth "minutes" of 1 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RolloutStage } from '../api/v1/deployment-strategy.js';
import { assertFreshBuild } from './cli-harness.js';
import { berth, liveByRevision, primary, serviceWhen } from './rollout-harness.js';
import {
  greenShare,
  registerVariant,
  sampleContinuously,
  setUpBehindProxy,
  startTrafficEnv,
  weightsRouted,
  type TrafficEnv,
} from './rollout-traffic-harness.js';
import { eventually } from './support/cluster.js';

/** Requests per listener and measurement: each share is all or nothing here, so a few tens show it. */
const SAMPLES = 40;

const STRATEGIES = {
  BLUE_GREEN: { strategy: 'BLUE_GREEN' },
  LINEAR: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 1 } },
  CANARY: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 20, canaryBakeTimeInMinutes: 1 } },
} as const;

/** Stage, short name, strategy, production listener port (test: + 1), green's planned production and test shares there, green tasks running there. */
const CASES: Array<[RolloutStage, string, keyof typeof STRATEGIES, number, number, number, number]> = [
  ['RECONCILE_SERVICE', 'rb-reconcile', 'LINEAR', 25340, 0, 0, 0],
  ['PRE_SCALE_UP', 'rb-prescale', 'CANARY', 25342, 0, 0, 0],
  ['POST_SCALE_UP', 'rb-postscale', 'BLUE_GREEN', 25344, 0, 0, 1],
  ['TEST_TRAFFIC_SHIFT', 'rb-testshift', 'LINEAR', 25346, 0, 100, 1],
  ['POST_TEST_TRAFFIC_SHIFT', 'rb-posttest', 'BLUE_GREEN', 25348, 0, 100, 1],
  ['PRODUCTION_TRAFFIC_SHIFT', 'rb-prodshift', 'CANARY', 25350, 100, 100, 1],
  ['POST_PRODUCTION_TRAFFIC_SHIFT', 'rb-postprod', 'LINEAR', 25352, 100, 100, 1],
  ['BAKE_TIME', 'rb-bake', 'CANARY', 25354, 100, 100, 1],
];

describe('a rollback at each stage moves traffic back to blue (real HAProxy)', () => {
  assertFreshBuild(['cli/rollout/run-action.ts', 'controllers/service/strategy/stages.ts', 'controllers/service/strategy/lb-shifter.ts']);
  let env: TrafficEnv;
  beforeAll(async () => {
    env = await startTrafficEnv('rbstages');
  }, 60_000);
  afterAll(async () => env?.dispose());

  it.concurrent.each(CASES)(
    'rollback at %s (%s, %s)',
    async (stage, name, strategy, port, production, test, greenTasks) => {
      const { cluster } = env;
      const held = stage === 'BAKE_TIME';
      await setUpBehindProxy(cluster, name, port, {
        ...STRATEGIES[strategy],
        bakeTimeInMinutes: held ? 600 : 1,
        // The pause outlasts the test by far: a timeout is not what rolls back here (that is rollout-hooks).
        lifecycleHooks: held ? [] : [{ targetType: 'PAUSE', lifecycleStages: [stage], timeoutConfiguration: { timeoutInMinutes: 600, action: 'CONTINUE' } }],
      });
      const v2 = await registerVariant(cluster, name, 'v2');
      const atStage = await serviceWhen(
        cluster,
        name,
        // A traffic stage's hooks await from its start; its weight is reached in steps.
        (s) =>
          primary(s)?.rollout?.stage === stage &&
          primary(s)?.rollout?.productionTrafficWeight === production &&
          (held || primary(s)?.rollout?.hooks.some((h) => h.status === 'AWAITING_ACTION') === true),
        `held at ${stage}`,
      );
      expect(primary(atStage)?.rollout).toMatchObject({ productionTrafficWeight: production, testTrafficWeight: test });
      await weightsRouted(env);
      expect(await greenShare(port, SAMPLES)).toBe(production);
      expect(await greenShare(port + 1, SAMPLES)).toBe(test);
      const live = await liveByRevision(cluster, name);
      expect(live[v2] ?? 0).toBe(greenTasks);
      const still = await cluster.client.mustGet('Service', { cluster: cluster.name, name });
      expect(primary(still)?.rollout?.stage, 'the stage outlasted the measurement').toBe(stage);

      // Both listeners answer from before the rollback to the end (green, then blue): sampled without
      // a pause, so a moment without a server is caught, with its time, not only if a measurement meets it.
      const samplers = [sampleContinuously(port), sampleContinuously(port + 1)];
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
      await weightsRouted(env);
      expect(await greenShare(port, SAMPLES)).toBe(0);
      expect(await greenShare(port + 1, SAMPLES)).toBe(0);
      await eventually(async () => JSON.stringify(await liveByRevision(cluster, name)) === JSON.stringify({ [`${name}:1`]: 1 }), 20_000, 'green removed');
      const [productionBad, testBad] = await Promise.all(samplers.map((s) => s.stop()));
      expect(productionBad, 'production listener: bad answers from the rollback until green was removed').toEqual([]);
      expect(testBad, 'test listener: bad answers from the rollback until green was removed').toEqual([]);
    },
    120_000,
  );
});
