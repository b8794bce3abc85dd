/**
 * On real HAProxy (`berth lb`'s LbProxy): moving a listener's forward from one target group to two
 * weighted ones — a blue/green or canary deployment's first traffic shift — then between them and
 * back to one group, is done in the running worker (the Runtime API's maps), never by a reload. A
 * reload there closed the old worker's idle keep-alive connections in the middle of the shift, and a
 * client sending on one as it closed lost that request (seen as `fetch failed` while measuring).
 * The reloads left (a listener or target group added or removed) answer a request that arrives on
 * such a connection instead of closing it under the client.
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootLogger } from '../api/log.js';
import { ForwardAction } from '../api/v1/load-balancer.js';
import { LbProxy } from '../controllers/lb/proxy/proxy.js';
import { runtimeCommand } from '../controllers/lb/proxy/runtime-api.js';
import { parseMap } from '../controllers/lb/proxy/weights.js';
import { ask, get, HAPROXY, targetGroup } from './lb-support.js';
import { tempDir } from './support/berth-process.js';
import { eventually, startTestCluster, type TestCluster } from './support/cluster.js';

/** From this slice's range (25300-25399): 25370-25372. */
const PORT = 25370;

describe('traffic shifts on HAProxy are no reload', () => {
  let cluster: TestCluster;
  let proxy: LbProxy;
  const dir = tempDir('berth-lb-');
  beforeAll(async () => {
    cluster = await startTestCluster({ prefix: 'lbshift' });
    proxy = new LbProxy({
      client: cluster.client,
      cluster: cluster.name,
      dir,
      name: 'shift-proxy',
      haproxy: HAPROXY,
      bindAddress: '127.0.0.1',
      intervalMs: 100,
      log: rootLogger,
    });
    await proxy.start();
  }, 60_000);
  afterAll(async () => {
    await proxy?.stop();
    await cluster?.dispose();
  });

  const admin = (command: string) => runtimeCommand(join(dir, 'admin.sock'), command);
  const workerPid = async () => /^Pid: (\d+)/m.exec(await admin('show info'))?.[1];
  /** The running worker's threshold for slot `i` of the listener's default action (undefined: no such slot). */
  const threshold = async (i: number) => parseMap(await admin(`show map ${join(dir, 'weights.map')}`)).get(`lb_shift_${PORT}.d.${i}`);
  const forward = async (action: Record<string, unknown>) =>
    cluster.client.mutate('LoadBalancer', { cluster: cluster.name, name: 'shift' }, (lb) => {
      lb.spec = { listeners: lb.spec.listeners.map((l) => ({ ...l, defaultActions: [ForwardAction.parse(action)] })) };
    });
  const weighted = (blue: number, green: number) => ({
    type: 'forward',
    forwardConfig: {
      targetGroups: [
        { targetGroupName: 'shift-blue', weight: blue },
        { targetGroupName: 'shift-green', weight: green },
      ],
    },
  });

  it('one group → two weighted → all to the other → one group again, in one worker', async () => {
    const at = { cluster: cluster.name };
    await cluster.client.create({ ...targetGroup('shift-blue'), metadata: { name: 'shift-blue', ...at } });
    await cluster.client.create({ ...targetGroup('shift-green'), metadata: { name: 'shift-green', ...at } });
    await cluster.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'LoadBalancer',
      metadata: { name: 'shift', ...at },
      spec: { listeners: [{ port: PORT, protocol: 'HTTP', defaultActions: [{ type: 'forward', targetGroupName: 'shift-blue' }] }] },
    });
    // The listener's arrival is a reload (a new frontend): the worker serving it is the one to keep.
    await eventually(async () => (await get(PORT)).status !== 0, 20_000, 'the listener served');
    const worker = await workerPid();
    expect(worker).toBeDefined();

    await forward(weighted(999, 0));
    await eventually(async () => (await threshold(1)) === '1000', 20_000, 'two weighted groups, all on blue');
    expect(await workerPid(), 'the first shift to two groups reloaded HAProxy').toBe(worker);

    await forward(weighted(0, 999));
    await eventually(async () => (await threshold(0)) === '0', 20_000, 'all on green');
    expect(await workerPid(), 'a weight change reloaded HAProxy').toBe(worker);

    await forward({ type: 'forward', targetGroupName: 'shift-green' });
    await eventually(async () => (await threshold(0)) !== '0', 20_000, 'one group again');
    expect(await workerPid(), 'going back to one group reloaded HAProxy').toBe(worker);
    expect([await threshold(0), await threshold(1)]).toEqual(['1000', '0']);
  }, 60_000);

  it('a reload answers the next request on an idle keep-alive connection of the old worker', async () => {
    const at = { cluster: cluster.name };
    const listen = (name: string, port: number) =>
      cluster.client.create({
        apiVersion: 'berth.dev/v1',
        kind: 'LoadBalancer',
        metadata: { name, ...at },
        spec: { listeners: [{ port, protocol: 'HTTP', defaultActions: [{ type: 'forward', targetGroupName: 'idle' }] }] },
      });
    await cluster.client.create({ ...targetGroup('idle'), metadata: { name: 'idle', ...at } });
    await listen('idle', PORT + 1);
    await eventually(async () => (await get(PORT + 1)).status !== 0, 20_000, 'the listener served');
    // No targets: every answer is HAProxy's 503, on a connection it keeps open.
    const socket = connect(PORT + 1, '127.0.0.1');
    socket.on('error', () => undefined);
    expect(await ask(socket)).toMatch(/^HTTP\/1\.1 503/);
    const worker = await workerPid();
    await listen('idle-next', PORT + 2);
    await eventually(async () => (await workerPid()) !== worker && (await get(PORT + 2)).status !== 0, 20_000, 'reloaded for the new listener');
    await new Promise((r) => setTimeout(r, 500));
    const answer = await ask(socket);
    socket.destroy();
    expect(answer, 'the old worker closed the idle connection instead of answering').toMatch(/^HTTP\/1\.1 503/);
    expect(answer.toLowerCase()).toContain('connection: close');
  }, 60_000);
});
