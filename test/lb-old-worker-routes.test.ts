/**
 * On real HAProxy (`berth lb`'s LbProxy): a reload leaves the old worker answering one more request
 * on each idle keep-alive connection it had. A traffic shift stored after the reload reaches that
 * request too: the maps are set in the old worker as well. Where the old worker cannot follow (the
 * shift sends traffic to servers added after it was replaced), the shift is not reported routed
 * while the old worker may still route a request, so a deployment does not remove what that request
 * would go to.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForwardAction } from '../api/v1/load-balancer.js';
import { ask, get, haproxyInstalled, LB_PORTS, loadBalancer, routesStored, startLbEnv, targetGroup, webContainer, type LbEnv } from './lb-support.js';
import { eventually } from './support/cluster.js';

const PORT = LB_PORTS.oldWorker;
/** Listeners added only to make the proxy reload (a new frontend). */
const RELOAD_PORTS = [PORT + 100, PORT + 101];

const bodyOf = (answer: string) => answer.slice(answer.indexOf('\r\n\r\n') + 4).trim();

describe.skipIf(!haproxyInstalled)('an old HAProxy worker routes the shifts stored after the reload', () => {
  let lb: LbEnv;
  beforeAll(async () => {
    lb = await startLbEnv({ intervalMs: 100 });
  }, 60_000);
  afterAll(() => lb?.dispose());

  const forwardTo = (group: string) =>
    lb.cluster.client.mutate('LoadBalancer', { cluster: lb.cluster.name, name: 'ow' }, (l) => {
      l.spec = { listeners: l.spec.listeners.map((x) => ({ ...x, defaultActions: [ForwardAction.parse({ type: 'forward', targetGroupName: group })] })) };
    });
  /** A service of one web task registered in target group `name`; resolves once the group reports the task healthy. */
  const serviceIn = async (name: string) => {
    const { cluster } = lb;
    await cluster.client.create(lb.at(targetGroup(name)));
    await cluster.client.create(
      lb.at({ apiVersion: 'berth.dev/v1', kind: 'TaskDefinition' as const, metadata: { name }, spec: { containerDefinitions: [webContainer()] } }),
    );
    await cluster.client.create(
      lb.at({
        apiVersion: 'berth.dev/v1',
        kind: 'Service' as const,
        metadata: { name },
        spec: { taskDefinition: name, desiredCount: 1, loadBalancers: [{ targetGroupName: name, containerName: 'web', containerPort: 8080 }] },
      }),
    );
    await eventually(
      async () => (await cluster.client.mustGet('TargetGroup', { cluster: cluster.name, name })).status?.targets.some((t) => t.health === 'healthy') === true,
      60_000,
      `${name} healthy`,
    );
  };
  /** Whether the proxy routes the load balancer's stored generation, in every worker that may still route a request. */
  const routed = async () => routesStored(lb.proxy, [await lb.cluster.client.mustGet('LoadBalancer', { cluster: lb.cluster.name, name: 'ow' })]);
  const reloadFor = async (name: string, port: number) => {
    const pid = lb.proxy.pid;
    await lb.cluster.client.create(lb.at(loadBalancer(name, port, 'ow-blue')));
    await eventually(async () => (await get(port)).status === 200, 20_000, `reloaded for ${name}`);
    expect(lb.proxy.pid, 'the master stays').toBe(pid);
  };
  const idleConnection = async (expectBody: string) => {
    const socket = connect(PORT, '127.0.0.1');
    socket.on('error', () => undefined);
    expect(bodyOf(await ask(socket))).toBe(expectBody);
    return socket;
  };

  it('a shift after a reload reaches the old worker; one it cannot follow waits for it', async () => {
    await serviceIn('ow-blue');
    await serviceIn('ow-green');
    await lb.cluster.client.create(lb.at(loadBalancer('ow', PORT, 'ow-blue')));
    await eventually(async () => (await get(PORT)).status === 200, 30_000, 'blue answering');
    const blue = (await get(PORT)).body;
    await forwardTo('ow-green');
    await eventually(routed, 20_000, 'green routed');
    const green = (await get(PORT)).body;
    expect(green).not.toBe(blue);
    await forwardTo('ow-blue');
    await eventually(routed, 20_000, 'blue routed');

    // An idle keep-alive connection of the worker a reload replaces, then a shift to green: the
    // old worker has green's server, and sends the connection's next request there.
    const first = await idleConnection(blue);
    await reloadFor('ow-reload-1', RELOAD_PORTS[0] ?? 0);
    await forwardTo('ow-green');
    await eventually(routed, 20_000, 'green routed after the reload');
    const onOld = await ask(first);
    first.destroy();
    expect(bodyOf(onOld), 'the old worker routed the request by the maps it had before the shift').toBe(green);
    expect(onOld.toLowerCase()).toContain('connection: close');

    // Again, but the shift goes to a group whose server came after the reload: the old worker
    // cannot route it, so the shift is not routed while the old worker may take a request.
    const second = await idleConnection(green);
    await reloadFor('ow-reload-2', RELOAD_PORTS[1] ?? 0);
    await serviceIn('ow-canary');
    await forwardTo('ow-canary');
    // (A request may still reach an old worker here, on a connection this process keeps alive.)
    const canary = await eventually(
      async () => {
        const r = await get(PORT);
        return r.status === 200 && r.body !== green && r.body;
      },
      20_000,
      'the new worker routing canary',
    );
    for (let i = 0; i < 10; i++) {
      expect(await routed(), 'reported routed while the old worker may still send a request to green').toBe(false);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(bodyOf(await ask(second)), 'the old worker kept the maps it can route').toBe(green);
    second.destroy();
    await eventually(routed, 20_000, 'routed once the old worker is gone');
    expect((await get(PORT)).body).toBe(canary);
  }, 240_000);
});
