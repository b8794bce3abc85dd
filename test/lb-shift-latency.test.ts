/**
 * On real HAProxy (`berth lb`'s LbProxy) in front of many target groups: a weight change written to
 * a LoadBalancer is routed (the running worker's weights map says so) within a bound, even when it
 * arrives while the proxy is writing its health reports. The reports once ran inside the pass that
 * applies weights, one target group after another: a shift written just as they started waited for
 * all of them, and a canary's share was still served long after the deployment's status said 100 %.
 * The proxy here is a round trip away from the API server (each of its writes waits WRITE_MS
 * first), as `berth lb` on another host is, so the reports' cost does not hang on this machine's load.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BerthClient } from '../api/client/types.js';
import { rootLogger } from '../api/log.js';
import { ForwardAction } from '../api/v1/load-balancer.js';
import { LbProxy } from '../controllers/lb/proxy/proxy.js';
import { runtimeCommand } from '../controllers/lb/proxy/runtime-api.js';
import { parseMap } from '../controllers/lb/proxy/weights.js';
import { get, HAPROXY, targetGroup } from './lb-support.js';
import { tempDir } from './support/berth-process.js';
import { eventually, startTestCluster, type TestCluster } from './support/cluster.js';

/** From this slice's range (25300-25399): 25380-25387, one listener per pair of groups. */
const PORT = 25380;
const LISTENERS = 8;
/** Target groups served (two per listener); none has a target, each still gets a health report. */
const GROUPS = LISTENERS * 2;
/** Shifts measured, each written just as the proxy starts a round of health reports. */
const SHIFTS = 4;
/** The longest a stored shift may wait for HAProxy to route it. */
const BOUND_MS = 400;
/** What each write of the proxy costs on top of this machine's API server: a network round trip. */
const WRITE_MS = 150;

/** `client` with WRITE_MS before each mutate. */
function distant(client: BerthClient): BerthClient {
  const mutate: BerthClient['mutate'] = async (...args) => {
    await sleep(WRITE_MS);
    return client.mutate(...args);
  };
  return new Proxy(client, {
    get: (target, prop) => {
      if (prop === 'mutate') return mutate;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('a traffic shift is routed at once, whatever the health reports', () => {
  let cluster: TestCluster;
  let proxy: LbProxy;
  const dir = tempDir('berth-lb-');
  beforeAll(async () => {
    cluster = await startTestCluster({ prefix: 'lblat' });
    proxy = new LbProxy({
      client: distant(cluster.client),
      cluster: cluster.name,
      dir,
      name: 'latency-proxy',
      haproxy: HAPROXY,
      bindAddress: '127.0.0.1',
      intervalMs: 1_000,
      log: rootLogger,
    });
    await proxy.start();
  }, 60_000);
  afterAll(async () => {
    await proxy?.stop();
    await cluster?.dispose();
  });

  const admin = (command: string) => runtimeCommand(join(dir, 'admin.sock'), command);
  /** The running worker's threshold for slot 0 of the first listener's default action. */
  const threshold = async () => parseMap(await admin(`show map ${join(dir, 'weights.map')}`)).get(`lb_lat_${PORT}.d.0`);
  const weighted = (i: number, first: number) =>
    ForwardAction.parse({
      type: 'forward',
      forwardConfig: {
        targetGroups: [
          { targetGroupName: `lat-${2 * i}`, weight: first },
          { targetGroupName: `lat-${2 * i + 1}`, weight: 999 - first },
        ],
      },
    });
  /** When this proxy last reported on `group`. */
  const reportedAt = async (group: string) =>
    (await cluster.client.mustGet('TargetGroup', { cluster: cluster.name, name: group })).status?.healthReports.find((r) => r.proxy === 'latency-proxy')
      ?.reportedAt;

  it(`${GROUPS} target groups: each shift is in HAProxy's map within ${BOUND_MS} ms of being stored`, async () => {
    const at = { cluster: cluster.name };
    for (let g = 0; g < GROUPS; g++) await cluster.client.create({ ...targetGroup(`lat-${g}`), metadata: { name: `lat-${g}`, ...at } });
    await cluster.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'LoadBalancer',
      metadata: { name: 'lat', ...at },
      spec: { listeners: Array.from({ length: LISTENERS }, (_, i) => ({ port: PORT + i, protocol: 'HTTP', defaultActions: [weighted(i, 999)] })) },
    });
    await eventually(async () => (await get(PORT)).status !== 0 && (await threshold()) === '1000', 20_000, 'the listeners served');
    await eventually(async () => (await reportedAt(`lat-0`)) !== undefined, 20_000, 'the first health reports');

    const delays: number[] = [];
    for (let n = 0; n < SHIFTS; n++) {
      // A new round of reports begins with the first group's: the shift is written right then.
      const before = await reportedAt('lat-0');
      await eventually(async () => (await reportedAt('lat-0')) !== before, 20_000, 'a new round of health reports');
      const first = n % 2 === 0 ? 0 : 999;
      await cluster.client.mutate('LoadBalancer', { cluster: cluster.name, name: 'lat' }, (lb) => {
        lb.spec = { listeners: lb.spec.listeners.map((l, i) => (i === 0 ? { ...l, defaultActions: [weighted(0, first)] } : l)) };
      });
      const stored = Date.now();
      const want = first === 0 ? '0' : '1000';
      await eventually(async () => (await threshold()) === want, 20_000, `shift ${n} routed`);
      delays.push(Date.now() - stored);
    }
    console.info(`lb-shift-latency: shift → routed ${delays.join(', ')} ms with ${GROUPS} target groups`);
    expect(Math.max(...delays)).toBeLessThanOrEqual(BOUND_MS);
  }, 90_000);
});
