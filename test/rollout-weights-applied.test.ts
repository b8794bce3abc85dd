/**
 * A deployment's clocks start when every proxy routes its weights (#27), on the real HAProxy: the
 * real `berth lb` reports the load balancer generation it applied; a second proxy that reports on
 * the same groups but is stuck on an older generation (written here, as a proxy whose Runtime API
 * commands keep failing would) holds the deployment at TEST_TRAFFIC_SHIFT with its weights
 * pending; once it reports the new generation the deployment goes on and completes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually, primary, serviceWhen } from './rollout-harness.js';
import { registerVariant, setUpBehindProxy, startTrafficEnv, type TrafficEnv } from './rollout-traffic-harness.js';

const NAME = 'wa';
const PORT = 24900;
const STUCK = 'stuck-proxy';

describe('bake time starts when the proxies have the weights (real HAProxy)', () => {
  let env: TrafficEnv;
  beforeAll(async () => {
    env = await startTrafficEnv('wapplied');
  }, 60_000);
  afterAll(async () => env?.dispose());

  it('a proxy behind on the load balancer generation holds the deployment; caught up, it completes', async () => {
    const { cluster } = env;
    const ref = { cluster: cluster.name, name: NAME };
    await setUpBehindProxy(cluster, NAME, PORT, { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 });
    const groups = [`${NAME}-blue`, `${NAME}-green`];
    // The stuck proxy keeps reporting (fresh) the generation it last applied, or the newest once released.
    let stuckAt = (await cluster.client.mustGet('LoadBalancer', ref)).metadata.generation ?? 0;
    let reporting = true;
    const reporter = (async () => {
      while (reporting) {
        for (const name of groups)
          await cluster.client.mutate(
            'TargetGroup',
            { cluster: cluster.name, name },
            (g) => {
              const others = (g.status?.healthReports ?? []).filter((r) => r.proxy !== STUCK);
              const entry = { proxy: STUCK, reportedAt: new Date().toISOString(), targets: {}, loadBalancers: { [NAME]: stuckAt } };
              g.status = { targets: g.status?.targets ?? [], healthReports: [...others, entry] };
            },
            { subresource: 'status' },
          );
        await sleep(300);
      }
    })();
    try {
      await registerVariant(cluster, NAME, 'v2');
      const held = await serviceWhen(cluster, NAME, (s) => primary(s)?.rollout?.stage === 'TEST_TRAFFIC_SHIFT', 'at TEST_TRAFFIC_SHIFT');
      const pending = primary(held)?.rollout?.trafficPending;
      const written = (await cluster.client.mustGet('LoadBalancer', ref)).metadata.generation ?? 0;
      expect(written).toBeGreaterThan(stuckAt);
      expect(pending?.loadBalancers).toEqual({ [NAME]: written });
      // The real proxy routes it and says so on both groups.
      for (const name of groups)
        await eventually(
          async () => {
            const g = await cluster.client.mustGet('TargetGroup', { cluster: cluster.name, name });
            return (g.status?.healthReports.find((r) => r.proxy === 'wapplied-proxy')?.loadBalancers?.[NAME] ?? 0) >= written;
          },
          10_000,
          `the real proxy reporting generation ${written} on ${name}`,
        );
      // Three berth minutes later (three bakes' worth), still held: the stuck proxy has not routed it.
      await sleep(3_000);
      const still = await cluster.client.mustGet('Service', ref);
      expect(primary(still)?.rollout?.stage).toBe('TEST_TRAFFIC_SHIFT');
      expect(primary(still)?.rollout?.trafficPending).toBeDefined();

      // Caught up (past any generation this test makes).
      stuckAt = 1_000_000;
      await serviceWhen(cluster, NAME, (s) => primary(s)?.taskDefinition === `${NAME}:2` && primary(s)?.rolloutState === 'COMPLETED', 'completed', 60_000);
    } finally {
      reporting = false;
      await reporter;
    }
  }, 120_000);
});
