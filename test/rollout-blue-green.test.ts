/**
 * BLUE_GREEN without a load balancer on the real engine: green starts at its full count beside
 * blue, waits healthy, bakes (blue still running), then blue is removed; `berth rollout stop`
 * during the bake rolls back (green removed, blue kept). Times in berth "minutes" of 1 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from './support/cluster.js';
import { assertFreshBuild } from './cli-harness.js';
import { berth, createService, liveByRevision, primary, register, serviceWhen, startRolloutCluster } from './rollout-harness.js';

describe('BLUE_GREEN deployments on real Docker', () => {
  assertFreshBuild(['cli/rollout/run-action.ts', 'cli/rollout/progress.ts', 'cli/commands/rollout.ts', 'controllers/service/strategy/stages.ts']);
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startRolloutCluster();
  }, 30_000);
  afterAll(async () => cluster?.dispose());

  it.concurrent(
    'green runs beside blue through the bake, then blue goes and the deployment completes',
    async () => {
      const name = 'bg-ok';
      await register(cluster, name, 'v1');
      await createService(cluster, name, 2, { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 4, berthMinuteSeconds: 1 });
      const started = Date.now();
      const v2 = await register(cluster, name, 'v2');
      const baking = await serviceWhen(cluster, name, (s) => primary(s)?.rollout?.stage === 'BAKE_TIME', 'green baking');
      expect(primary(baking)).toMatchObject({ taskDefinition: v2, rollout: { strategy: 'BLUE_GREEN', productionTrafficWeight: 100 } });
      // Blue still serves while green bakes: both at full count.
      expect(await liveByRevision(cluster, name)).toEqual({ [`${name}:1`]: 2, [v2]: 2 });
      const status = await berth(cluster, ['rollout', 'status', `service/${name}`, '--timeout', '40s']);
      expect(status.stdout).toMatch(/BLUE_GREEN stage (BAKE_TIME|CLEAN_UP)/);
      expect(status.code).toBe(0);
      const done = await serviceWhen(cluster, name, (s) => primary(s)?.rolloutState === 'COMPLETED', 'completed');
      expect(primary(done)?.taskDefinition).toBe(v2);
      // The bake lasted its time: completion no sooner than 4 s after the bake began.
      const bakeStarted = Date.parse(primary(baking)?.rollout?.stageStartedAt ?? '');
      expect(Date.parse(primary(done)?.updatedAt ?? '')).toBeGreaterThanOrEqual(bakeStarted + 4_000);
      expect(await liveByRevision(cluster, name)).toEqual({ [v2]: 2 });
      expect(done.status?.events.map((e) => e.message).join('\n')).toContain('entered stage BAKE_TIME');
      console.info(`blue/green rollout with a 4 s bake took ${Date.now() - started} ms`);
    },
    60_000,
  );

  it.concurrent(
    'berth rollout stop during the bake rolls back: green goes, blue stays',
    async () => {
      const name = 'bg-stop';
      await register(cluster, name, 'v1');
      await createService(cluster, name, 2, { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 600, berthMinuteSeconds: 1 });
      const v2 = await register(cluster, name, 'v2');
      const baking = await serviceWhen(cluster, name, (s) => primary(s)?.rollout?.stage === 'BAKE_TIME', 'green baking');
      const greenId = primary(baking)?.id;
      const stop = await berth(cluster, ['rollout', 'stop', `service/${name}`]);
      expect(stop.stdout).toContain(`stopping deployment ${greenId}`);
      const back = await serviceWhen(
        cluster,
        name,
        (s) => primary(s)?.taskDefinition === `${name}:1` && primary(s)?.rolloutState === 'COMPLETED',
        'rolled back',
      );
      expect(back.status?.history.find((r) => r.id === greenId)).toMatchObject({ state: 'FAILED', reason: expect.stringContaining('stopped by the user') });
      await serviceWhen(cluster, name, () => true, 'read');
      expect(await liveByRevision(cluster, name)).toEqual({ [`${name}:1`]: 2 });
      expect(v2).toBe(`${name}:2`);
    },
    60_000,
  );
});
