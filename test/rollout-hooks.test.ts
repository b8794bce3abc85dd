/**
 * Lifecycle hooks on the real engine (BLUE_GREEN, berth "minutes" of 1 s): a PAUSE hook continued
 * by `berth rollout continue`; PAUSE hooks that time out to CONTINUE and to ROLLBACK; a webhook (a
 * tiny HTTP server here) answering IN_PROGRESS, then FAILED, which rolls the deployment back.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from './support/cluster.js';
import { assertFreshBuild } from './cli-harness.js';
import { berth, createService, liveByRevision, primary, register, serviceWhen, startRolloutCluster } from './rollout-harness.js';

const MINUTE_S = { berthMinuteSeconds: 1 };
/** The port range this slice's tests own. */
const WEBHOOK_PORT = 25310;

describe('deployment lifecycle hooks on real Docker', () => {
  assertFreshBuild(['cli/rollout/run-action.ts', 'controllers/service/strategy/stages.ts', 'controllers/service/strategy/webhook.ts']);
  let cluster: TestCluster;
  let server: Server;
  const calls: Record<string, unknown>[] = [];
  beforeAll(async () => {
    cluster = await startRolloutCluster();
    // IN_PROGRESS on the first call (call again in 1 s), FAILED on the next.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        calls.push(JSON.parse(body) as Record<string, unknown>);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(calls.length === 1 ? { hookStatus: 'IN_PROGRESS', callBackDelay: 1, hookDetails: { step: 1 } } : { hookStatus: 'FAILED' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(WEBHOOK_PORT, '127.0.0.1', resolve));
  }, 30_000);
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await cluster?.dispose();
  });

  it.concurrent(
    'a PAUSE hook holds the deployment (blue and green both up) until berth rollout continue',
    async () => {
      const name = 'hook-pause';
      await register(cluster, name, 'v1');
      await createService(cluster, name, 1, {
        strategy: 'BLUE_GREEN',
        ...MINUTE_S,
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_SCALE_UP'], timeoutConfiguration: { timeoutInMinutes: 600, action: 'ROLLBACK' } }],
      });
      const v2 = await register(cluster, name, 'v2');
      const paused = await serviceWhen(cluster, name, (s) => primary(s)?.rollout?.hooks.some((h) => h.status === 'AWAITING_ACTION') === true, 'paused');
      expect(primary(paused)?.rollout?.stage).toBe('POST_SCALE_UP');
      await new Promise((r) => setTimeout(r, 1_500));
      // Still paused a while later, with both revisions running.
      expect(primary(await serviceWhen(cluster, name, () => true, 'read'))?.rollout?.stage).toBe('POST_SCALE_UP');
      expect(await liveByRevision(cluster, name)).toEqual({ [`${name}:1`]: 1, [v2]: 1 });
      const cont = await berth(cluster, ['rollout', 'continue', 'service', name]);
      expect(cont.code).toBe(0);
      const done = await serviceWhen(cluster, name, (s) => primary(s)?.rolloutState === 'COMPLETED', 'completed after continue');
      expect(primary(done)?.taskDefinition).toBe(v2);
      expect(primary(done)?.rollout?.hooks[0]).toMatchObject({ status: 'SUCCEEDED', reason: 'continued by the user' });
    },
    60_000,
  );

  it.concurrent.each([
    ['CONTINUE', 2],
    ['ROLLBACK', 1],
  ] as const)(
    'a PAUSE hook that times out with %s',
    async (action, revisionAfter) => {
      const name = `hook-timeout-${action.toLowerCase()}`;
      await register(cluster, name, 'v1');
      await createService(cluster, name, 1, {
        strategy: 'BLUE_GREEN',
        ...MINUTE_S,
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRE_SCALE_UP'], timeoutConfiguration: { timeoutInMinutes: 3, action } }],
      });
      await register(cluster, name, 'v2');
      const settled = await serviceWhen(
        cluster,
        name,
        (s) => primary(s)?.rolloutState === 'COMPLETED' && primary(s)?.taskDefinition === `${name}:${revisionAfter}`,
        `settled on ${name}:${revisionAfter}`,
      );
      const history = settled.status?.history ?? [];
      if (action === 'ROLLBACK') expect(history.find((r) => r.state === 'FAILED')?.reason).toContain('timed out (timeoutConfiguration.action ROLLBACK)');
      else expect(primary(settled)?.rollout?.hooks[0]).toMatchObject({ stage: 'PRE_SCALE_UP', status: 'TIMED_OUT', timeoutAction: 'CONTINUE' });
      expect(await liveByRevision(cluster, name)).toEqual({ [`${name}:${revisionAfter}`]: 1 });
    },
    60_000,
  );

  it.concurrent(
    'a webhook answering IN_PROGRESS then FAILED fails the deployment, which rolls back',
    async () => {
      const name = 'hook-webhook';
      await register(cluster, name, 'v1');
      await createService(cluster, name, 1, {
        strategy: 'BLUE_GREEN',
        ...MINUTE_S,
        lifecycleHooks: [
          { hookTargetArn: `http://127.0.0.1:${WEBHOOK_PORT}/hook`, lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'], hookDetails: { team: 'web' } },
        ],
      });
      await register(cluster, name, 'v2');
      const back = await serviceWhen(
        cluster,
        name,
        (s) => primary(s)?.taskDefinition === `${name}:1` && primary(s)?.rolloutState === 'COMPLETED' && (s.status?.history.length ?? 0) >= 3,
        'rolled back',
      );
      expect(back.status?.history.find((r) => r.state === 'FAILED')?.reason).toContain('the webhook answered FAILED');
      expect(calls).toHaveLength(2);
      expect(calls[0]).toMatchObject({ service: name, lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT', hookDetails: { team: 'web' }, invocation: 1 });
      // The details it answered with IN_PROGRESS come back on the next call, as ECS passes them.
      expect(calls[1]).toMatchObject({ hookDetails: { step: 1 }, invocation: 2 });
      expect(await liveByRevision(cluster, name)).toEqual({ [`${name}:1`]: 1 });
    },
    60_000,
  );
});
