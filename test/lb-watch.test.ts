/**
 * `berth lb` follows the API by watching, not by its periodic pass (which remains for what only
 * HAProxy knows: its health checks): with a pass only once a minute, a listener written or deleted
 * reaches HAProxy within seconds.
 */
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from './support/cluster.js';
import { get, haproxyInstalled, LB_PORTS, loadBalancer, startLbEnv, targetGroup, type LbEnv } from './lb-support.js';

const PORT = LB_PORTS.watch;

/** Whether a new TCP connection to the port is accepted (a fresh one: a kept-alive connection may outlive its listener). */
const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe.skipIf(!haproxyInstalled)('berth lb watches its load balancers and target groups', () => {
  let lb: LbEnv;
  beforeEach(async () => {
    lb = await startLbEnv({ intervalMs: 60_000 });
  });
  afterEach(() => lb.dispose());

  it('serves a new listener, and drops a deleted one, without waiting for the next pass', async () => {
    const { cluster } = lb;
    await cluster.client.create(lb.at(targetGroup('web')));
    const written = Date.now();
    await cluster.client.create(lb.at(loadBalancer('front', PORT, 'web')));
    // HAProxy listens (503: no server yet) long before the minute's pass.
    await eventually(async () => (await get(PORT)).status === 503, 30_000, 'the new listener answering 503');
    expect(Date.now() - written).toBeLessThan(30_000);

    // And a deleted one stops listening as soon.
    await cluster.client.delete('LoadBalancer', { cluster: cluster.name, name: 'front' });
    await eventually(async () => !(await accepts(PORT)), 30_000, 'the deleted listener refusing connections');
  });
});
