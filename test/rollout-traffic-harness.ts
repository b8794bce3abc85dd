/**
 * Shared by the end-to-end tests that measure a deployment's traffic on real HAProxy
 * (test/rollout-traffic, test/rollout-rollback-stages): a cluster with one agent and `berth lb`'s
 * LbProxy; services whose container answers `/` with its revision's variant, behind a load balancer
 * with a production listener (port) and a test listener (port + 1), blue and green target groups
 * named in advancedConfiguration; and the share of requests green answers.
 */
import { expect } from 'vitest';
import { rootLogger } from '../api/log.js';
import { LbProxy } from '../controllers/lb/proxy/proxy.js';
import { get, HAPROXY, routesStored, targetGroup } from './lb-support.js';
import { primary, serviceWhen } from './rollout-harness.js';
import { tempDir } from './support/berth-process.js';
import { eventually, FAST, startTestCluster, TEST_IMAGE, type TestCluster } from './support/cluster.js';

export interface TrafficEnv {
  cluster: TestCluster;
  proxy: LbProxy;
  dispose(): Promise<void>;
}

export async function startTrafficEnv(prefix: string): Promise<TrafficEnv> {
  const cluster = await startTestCluster({ prefix, controllers: { ...FAST, service: { settings: { settleMs: 500 } } } });
  await cluster.startAgent(`${cluster.name}-a`);
  const proxy = new LbProxy({
    client: cluster.client,
    cluster: cluster.name,
    dir: tempDir('berth-lb-'),
    name: `${prefix}-proxy`,
    haproxy: HAPROXY,
    bindAddress: '127.0.0.1',
    intervalMs: 200,
    log: rootLogger,
  });
  await proxy.start();
  return {
    cluster,
    proxy,
    async dispose() {
      await proxy.stop();
      await cluster.dispose();
    },
  };
}

const at = <T extends { metadata: Record<string, unknown> }>(cluster: TestCluster, obj: T): T => ({
  ...obj,
  metadata: { ...obj.metadata, cluster: cluster.name },
});

/** A revision of `name` whose httpd answers `/` with VARIANT; `startAfterSeconds`: its httpd starts that late (its target stays unhealthy meanwhile). */
export async function registerVariant(cluster: TestCluster, name: string, variant: string, startAfterSeconds = 0): Promise<string> {
  const created = await cluster.client.create(
    at(cluster, {
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition' as const,
      metadata: { name },
      spec: {
        containerDefinitions: [
          {
            name: 'web',
            image: TEST_IMAGE,
            memory: 16,
            command: [
              'sh',
              '-c',
              `sleep ${startAfterSeconds} && mkdir -p /www && echo "$VARIANT" > /www/index.html && echo ok > /www/health && exec httpd -f -p 8080 -h /www`,
            ],
            environment: [{ name: 'VARIANT', value: variant }],
            portMappings: [{ containerPort: 8080, hostPort: 0 }],
            linuxParameters: { initProcessEnabled: true },
            stopTimeout: 2,
          },
        ],
      },
    }),
  );
  return created.metadata.name;
}

/** Two target groups, a load balancer with a production and a test listener (both to blue), and the service on v1; resolves when v1 answers. */
export async function setUpBehindProxy(cluster: TestCluster, name: string, port: number, deploymentConfiguration: Record<string, unknown>): Promise<void> {
  const { client } = cluster;
  await registerVariant(cluster, name, 'v1');
  // Checks lenient enough that busybox httpd, answering the measurement's bursts on a busy machine, is not taken for down.
  const healthCheck = { path: '/health', intervalSeconds: 3, timeoutSeconds: 2, healthyThresholdCount: 2, unhealthyThresholdCount: 3 };
  await client.create(at(cluster, targetGroup(`${name}-blue`, { deregistrationDelay: 1, healthCheck })));
  await client.create(at(cluster, targetGroup(`${name}-green`, { deregistrationDelay: 1, healthCheck })));
  const forward = { type: 'forward', targetGroupName: `${name}-blue` };
  await client.create(
    at(cluster, {
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
    at(cluster, {
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

/** Until the proxy routes the weights stored now (call after the status records them: the listeners were written first). */
export async function weightsRouted(env: TrafficEnv): Promise<void> {
  const { items } = await env.cluster.client.list('LoadBalancer', { cluster: env.cluster.name });
  await eventually(() => routesStored(env.proxy, items), 30_000, 'the proxy routing the stored weights');
}

/** Percent of `samples` requests on `port` answered by v2 (every answer must be v1 or v2). */
export async function greenShare(port: number, samples = 200): Promise<number> {
  const t0 = Date.now();
  let green = 0;
  // In batches of 10 at once: the share is per request (HAProxy draws each one's group), and a step lasts seconds.
  for (let i = 0; i < samples; i += 10) {
    for (const r of await Promise.all(Array.from({ length: Math.min(10, samples - i) }, () => get(port)))) {
      expect([r.status, ['v1', 'v2'].includes(r.body)], r.body).toEqual([200, true]);
      if (r.body === 'v2') green++;
    }
  }
  console.info(`${port}: ${green}/${samples} answered by green in ${Date.now() - t0} ms`);
  return (green * 100) / samples;
}

export interface Sampler {
  /** Stops sampling; every answer that was not a 200 from blue or green, with when it came (ms after the start). */
  stop(): Promise<Array<{ at: number; status: number; body: string }>>;
}

/**
 * Requests `port` one after another until stopped, keeping each bad answer and its time: a moment
 * of 503 between two measurements (a window in which the proxy had no server for the listener) is
 * named instead of being missed. Sampling ends at stop() or after maxMs.
 */
export function sampleContinuously(port: number, maxMs = 120_000): Sampler {
  const t0 = Date.now();
  const bad: Array<{ at: number; status: number; body: string }> = [];
  let running = true;
  let count = 0;
  const loop = (async () => {
    // Bounded: a test that fails before stop() leaves no loop behind.
    while (running && Date.now() - t0 < maxMs) {
      const r = await get(port);
      count++;
      if (r.status !== 200 || !['v1', 'v2'].includes(r.body)) bad.push({ at: Date.now() - t0, status: r.status, body: r.body.slice(0, 80) });
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      console.info(`${port}: ${count} requests sampled from ${new Date(t0).toISOString()} over ${Date.now() - t0} ms, ${bad.length} bad`);
      return bad;
    },
  };
}
