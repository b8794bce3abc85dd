/**
 * BLUE_GREEN without a load balancer on the real engine: green starts at its full count beside
 * blue, waits healthy, bakes (blue still running), then blue is removed; `berth rollout stop`
 * during the bake rolls back (green removed, blue kept), and so does a deployment alarm (a fake
 * Prometheus here) that fires during the bake. Times in berth "minutes" of 1 s.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from './support/cluster.js';
import { assertFreshBuild } from './cli-harness.js';
import { berth, createService, liveByRevision, primary, register, serviceWhen, startRolloutCluster } from './rollout-harness.js';

/** The port range this slice's tests own. */
const METRICS_PORT = 25320;

describe('BLUE_GREEN deployments on real Docker', () => {
  assertFreshBuild(['cli/rollout/run-action.ts', 'cli/rollout/progress.ts', 'cli/commands/rollout.ts', 'controllers/service/strategy/stages.ts']);
  let cluster: TestCluster;
  let metrics: Server;
  /** What the fake Prometheus answers for the error rate. */
  let errorRate = '0';
  beforeAll(async () => {
    cluster = await startRolloutCluster();
    metrics = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [Date.now() / 1000, errorRate] }] } }));
    });
    await new Promise<void>((resolve) => metrics.listen(METRICS_PORT, '127.0.0.1', resolve));
  }, 30_000);
  afterAll(async () => {
    await new Promise((resolve) => metrics?.close(resolve));
    await cluster?.dispose();
  });

  it.concurrent(
    'a berthAlarms query that crosses its threshold during the bake rolls back',
    async () => {
      const name = 'bg-alarm';
      await register(cluster, name, 'v1');
      await createService(cluster, name, 1, {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 600,
        berthMinuteSeconds: 1,
        berthAlarms: [{ name: 'error-rate', type: 'PROMETHEUS', url: `http://127.0.0.1:${METRICS_PORT}`, query: 'rate(errors[1m])', threshold: 0.1 }],
      });
      await register(cluster, name, 'v2');
      const baking = await serviceWhen(cluster, name, (s) => primary(s)?.rollout?.alarms.some((a) => a.state === 'OK') === true, 'alarms read OK in the bake');
      expect(primary(baking)?.rollout?.stage).toBe('BAKE_TIME');
      errorRate = '0.5';
      const back = await serviceWhen(
        cluster,
        name,
        (s) => primary(s)?.taskDefinition === `${name}:1` && primary(s)?.rolloutState === 'COMPLETED' && (s.status?.history.length ?? 0) >= 3,
        'rolled back',
      );
      expect(back.status?.history.find((r) => r.state === 'FAILED')?.reason).toContain(
        'deployment alarm error-rate fired during BAKE_TIME: rate(errors[1m]) = 0.5',
      );
      expect(await liveByRevision(cluster, name)).toEqual({ [`${name}:1`]: 1 });
    },
    60_000,
  );

  it.concurrent(
    'green runs beside blue through the bake, then blue goes and the deployment completes',
    async () => {
      const name = 'bg-ok';
      await register(cluster, name, 'v1');
      await createService(cluster, name, 2, { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 8, berthMinuteSeconds: 1 });
      const started = Date.now();
      const v2 = await register(cluster, name, 'v2');
      const baking = await serviceWhen(cluster, name, (s) => primary(s)?.rollout?.stage === 'BAKE_TIME', 'green baking');
      expect(primary(baking)).toMatchObject({ taskDefinition: v2, rollout: { strategy: 'BLUE_GREEN', productionTrafficWeight: 100 } });
      // Blue still serves while green bakes: both at full count.
      expect(await liveByRevision(cluster, name)).toEqual({ [`${name}:1`]: 2, [v2]: 2 });
      const status = await berth(cluster, ['rollout', 'status', `service/${name}`, '--timeout', '40s']);
      expect(status.code).toBe(0);
      const done = await serviceWhen(cluster, name, (s) => primary(s)?.rolloutState === 'COMPLETED', 'completed');
      expect(primary(done)?.taskDefinition).toBe(v2);
      // The bake lasted its time: completion no sooner than 8 s after the bake began.
      const bakeStarted = Date.parse(primary(baking)?.rollout?.stageStartedAt ?? '');
      expect(Date.parse(primary(done)?.updatedAt ?? '')).toBeGreaterThanOrEqual(bakeStarted + 8_000);
      expect(await liveByRevision(cluster, name)).toEqual({ [v2]: 2 });
      expect(done.status?.events.map((e) => e.message).join('\n')).toContain('entered stage BAKE_TIME');
      console.info(`blue/green rollout with an 8 s bake took ${Date.now() - started} ms`);
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
      // rollout status shows the stage, the weights and the bake time left, and waits (exit 2 at its --timeout).
      const status = await berth(cluster, ['rollout', 'status', `service/${name}`, '--timeout', '3s']);
      expect(status.code).toBe(2);
      expect(status.stdout).toMatch(/BLUE_GREEN stage BAKE_TIME, production traffic to green 100% \(blue 0%\), test 100%, bake time left \d+m/);
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
