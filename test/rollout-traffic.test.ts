/**
 * BLUE_GREEN, LINEAR and CANARY moving real traffic (real store, controllers, agent, Docker engine,
 * HAProxy through `berth lb`'s LbProxy): each revision's container answers with its revision, and at
 * each step the share of requests answered by blue and by green through the production listener
 * (and the test listener) is the weight the stage machine planned. Green registers in the
 * advancedConfiguration's alternate target group; rolling back moves the weights back to blue.
 * Times in berth "minutes" of 1 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootLogger } from '../api/log.js';
import { LbProxy } from '../controllers/lb/proxy/proxy.js';
import { assertFreshBuild } from './cli-harness.js';
import { get, HAPROXY, targetGroup } from './lb-support.js';
import { berth, liveByRevision, primary, serviceWhen } from './rollout-harness.js';
import { tempDir } from './support/berth-process.js';
import { eventually, FAST, startTestCluster, TEST_IMAGE, type TestCluster } from './support/cluster.js';

/** Listener ports from this slice's range (25300-25399): production, and production + 1 for test traffic. */
const PORTS = { canary: 25330, linear: 25332, blueGreen: 25334 } as const;
const SAMPLES = 200;
/** How far a measured share may be from the planned one, in percentage points (over three standard deviations at 200 samples). */
const TOLERANCE = 12;

describe('traffic shifting on HAProxy', () => {
  assertFreshBuild(['cli/rollout/run-action.ts', 'controllers/service/strategy/lb-shifter.ts']);
  let cluster: TestCluster;
  let proxy: LbProxy;
  beforeAll(async () => {
    cluster = await startTestCluster({ prefix: 'rtraffic', controllers: { ...FAST, service: { settings: { settleMs: 500 } } } });
    await cluster.startAgent(`${cluster.name}-a`);
    proxy = new LbProxy({
      client: cluster.client,
      cluster: cluster.name,
      dir: tempDir('berth-lb-'),
      name: 'traffic-proxy',
      haproxy: HAPROXY,
      bindAddress: '127.0.0.1',
      intervalMs: 200,
      log: rootLogger,
    });
    await proxy.start();
  }, 60_000);
  afterAll(async () => {
    await proxy?.stop();
    await cluster?.dispose();
  });

  const at = <T extends { metadata: Record<string, unknown> }>(obj: T): T => ({ ...obj, metadata: { ...obj.metadata, cluster: cluster.name } });

  /** A revision of `name` whose httpd answers `/` with VARIANT. */
  const register = async (name: string, variant: string) =>
    (
      await cluster.client.create(
        at({
          apiVersion: 'berth.dev/v1',
          kind: 'TaskDefinition' as const,
          metadata: { name },
          spec: {
            containerDefinitions: [
              {
                name: 'web',
                image: TEST_IMAGE,
                memory: 16,
                command: ['sh', '-c', 'mkdir -p /www && echo "$VARIANT" > /www/index.html && echo ok > /www/health && exec httpd -f -p 8080 -h /www'],
                environment: [{ name: 'VARIANT', value: variant }],
                portMappings: [{ containerPort: 8080, hostPort: 0 }],
                linuxParameters: { initProcessEnabled: true },
                stopTimeout: 2,
              },
            ],
          },
        }),
      )
    ).metadata.name;

  /** Two target groups, a load balancer with a production and a test listener (both to blue), and the service on v1; resolves when v1 answers. */
  async function setUp(name: string, port: number, deploymentConfiguration: Record<string, unknown>): Promise<void> {
    const { client } = cluster;
    await register(name, 'v1');
    // Checks lenient enough that busybox httpd, answering the measurement's bursts on a busy machine, is not taken for down.
    const healthCheck = { path: '/health', intervalSeconds: 3, timeoutSeconds: 2, healthyThresholdCount: 2, unhealthyThresholdCount: 3 };
    await client.create(at(targetGroup(`${name}-blue`, { deregistrationDelay: 1, healthCheck })));
    await client.create(at(targetGroup(`${name}-green`, { deregistrationDelay: 1, healthCheck })));
    const forward = { type: 'forward', targetGroupName: `${name}-blue` };
    await client.create(
      at({
        apiVersion: 'berth.dev/v1',
        kind: 'LoadBalancer' as const,
        metadata: { name },
        spec: {
          listeners: [
            { port, protocol: 'HTTP', defaultActions: [forward] },
            { port: port + 1, protocol: 'HTTP', defaultActions: [forward] },
          ],
        },
      }),
    );
    await client.create(
      at({
        apiVersion: 'berth.dev/v1',
        kind: 'Service' as const,
        metadata: { name },
        spec: {
          taskDefinition: name,
          desiredCount: 1,
          deploymentConfiguration: { berthMinuteSeconds: 1, ...deploymentConfiguration },
          loadBalancers: [
            {
              targetGroupName: `${name}-blue`,
              containerName: 'web',
              containerPort: 8080,
              advancedConfiguration: {
                alternateTargetGroupName: `${name}-green`,
                productionListenerRule: `${name}/${port}/default`,
                // The ELB ARN form: the listener's port and the rule's priority (default) end it.
                testListenerRule: `arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/${name}/50dc6c495c0c9188/${port + 1}/default`,
              },
            },
          ],
        },
      }),
    );
    await serviceWhen(cluster, name, (s) => primary(s)?.rolloutState === 'COMPLETED', 'v1 deployed');
    console.info(`${name}: v1 deployed`);
    await eventually(async () => (await get(port)).body === 'v1', 30_000, `${name}: v1 answering on ${port}`);
  }

  /** Percent of SAMPLES requests on `port` answered by v2 (every answer must be v1 or v2). */
  async function greenShare(port: number): Promise<number> {
    const t0 = Date.now();
    let green = 0;
    // In batches of 10 at once: the share is per request (HAProxy draws each one's group), and a step lasts seconds.
    for (let i = 0; i < SAMPLES; i += 10) {
      for (const r of await Promise.all(Array.from({ length: 10 }, () => get(port)))) {
        expect([r.status, ['v1', 'v2'].includes(r.body)], r.body).toEqual([200, true]);
        if (r.body === 'v2') green++;
      }
    }
    console.info(`${port}: ${green}/${SAMPLES} answered by green in ${Date.now() - t0} ms`);
    return (green * 100) / SAMPLES;
  }

  /** Green's production weight in the service's status is `weight`: then the proxy has had time to route it, and the share is measured. */
  async function measureAt(name: string, port: number, weight: number): Promise<number> {
    await serviceWhen(cluster, name, (s) => primary(s)?.rollout?.productionTrafficWeight === weight, `production weight ${weight}`, 60_000);
    await new Promise((r) => setTimeout(r, 2500)); // a proxy pass (200 ms): the weights map is set, no reload
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
      await new Promise((r) => setTimeout(r, 2500));
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
      await new Promise((r) => setTimeout(r, 2500));
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
      await new Promise((r) => setTimeout(r, 2500));
      expect(await greenShare(port)).toBe(100);
      expect(await greenShare(port + 1)).toBe(100);
      const back = await berth(cluster, ['rollout', 'rollback', `service/${name}`]);
      expect(back.code, back.stderr).toBe(0);
      await serviceWhen(cluster, name, (s) => primary(s)?.taskDefinition === `${name}:1` && primary(s)?.rolloutState === 'COMPLETED', 'rolled back');
      await new Promise((r) => setTimeout(r, 2500));
      expect(await greenShare(port)).toBe(0);
      expect(await greenShare(port + 1)).toBe(0);
    },
    150_000,
  );
});
