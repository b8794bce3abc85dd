/**
 * A real HAProxy running the config berth renders, in front of one good target and one that closes
 * every request's connection without a response (a target killed with SIGKILL before the proxy's
 * next health check sees it: its check still passes here). Requests safe to send twice (GET) are
 * retried on the good target and all succeed; a POST that reached the dead one is not sent again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Listener } from '../api/v1/load-balancer.js';
import { TargetGroupSpec } from '../api/v1/target-group.js';
import type { Desired } from '../controllers/lb/proxy/desired.js';
import { renderConfig } from '../controllers/lb/proxy/haproxy-config.js';
import { renderWeightsMap, routeEntries, weightEntries } from '../controllers/lb/proxy/weights.js';
import { eventually } from '../controllers/kit/test-env.js';
import { HAPROXY, haproxyInstalled } from './lb-support.js';
import { tempDir } from './support/berth-process.js';

/** From this helper's range (24950-24999). */
const PORT = 24950;

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe.skipIf(!haproxyInstalled)('retries on a target that dies under a request', () => {
  const seen = { good: [] as string[], dead: [] as string[] };
  let good: Server;
  let dead: Server;
  let haproxy: ChildProcess;
  let dir: string;

  beforeAll(async () => {
    const g = await listen((req, res) => {
      seen.good.push(req.method ?? '?');
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    const d = await listen((req, res) => {
      if (req.url === '/health') return void res.end('ok');
      seen.dead.push(req.method ?? '?');
      req.socket.destroy();
    });
    good = g.server;
    dead = d.server;
    const desired: Desired = {
      frontends: [
        {
          name: `lb_front_${PORT}`,
          loadBalancer: 'front',
          generation: 1,
          groups: ['web'],
          listener: Listener.parse({ port: PORT, defaultActions: [{ type: 'forward', targetGroupName: 'web' }] }),
        },
      ],
      backends: [
        {
          name: 'tg_web',
          group: 'web',
          spec: TargetGroupSpec.parse({ healthCheck: { path: '/health', intervalSeconds: 1, timeoutSeconds: 1, healthyThresholdCount: 1 } }),
          servers: [
            { name: 'good', address: '127.0.0.1', port: g.port, draining: false },
            { name: 'dead', address: '127.0.0.1', port: d.port, draining: false },
          ],
        },
      ],
      skipped: [],
    };
    dir = tempDir('berth-lb-retry-');
    const paths = {
      adminSocket: join(dir, 'admin.sock'),
      stateFile: join(dir, 'state'),
      weightsMap: join(dir, 'weights.map'),
      routesMap: join(dir, 'routes.map'),
    };
    writeFileSync(paths.weightsMap, renderWeightsMap(weightEntries(desired)));
    writeFileSync(paths.routesMap, renderWeightsMap(routeEntries(desired)));
    writeFileSync(join(dir, 'haproxy.cfg'), renderConfig(desired, paths, { bindAddress: '127.0.0.1', hardStopAfterSeconds: 5 }));
    haproxy = spawn(HAPROXY, ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: 'ignore' });
    await eventually(
      async () =>
        (await fetch(`http://127.0.0.1:${PORT}/health`).then(
          (r) => r.status,
          () => 0,
        )) === 200,
      10_000,
      'haproxy answering',
    );
  });

  afterAll(async () => {
    haproxy?.kill('SIGTERM');
    await Promise.all([good, dead].map((s) => new Promise((resolve) => s?.close(resolve))));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers every GET from the live target, though half were sent to the dead one first', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await fetch(`http://127.0.0.1:${PORT}/`)).status);
    expect(statuses).toEqual(Array(10).fill(200));
    expect(seen.dead.filter((m) => m === 'GET').length).toBeGreaterThan(0);
  });

  it('does not send a POST again once the dead target had it', async () => {
    const before = { good: seen.good.length, dead: seen.dead.length };
    const statuses: number[] = [];
    // HAProxy answers such a failure with a 502 or closes the client's connection (status 0 here).
    for (let i = 0; i < 6; i++)
      statuses.push(
        await fetch(`http://127.0.0.1:${PORT}/`, { method: 'POST', body: 'x' }).then(
          (r) => r.status,
          () => 0,
        ),
      );
    const deadGot = seen.dead.length - before.dead;
    expect(deadGot).toBeGreaterThan(0);
    // Each POST the dead target swallowed failed, and none of them reached the live one too.
    expect(statuses.filter((s) => s !== 200)).toHaveLength(deadGot);
    expect(seen.good.length - before.good).toBe(6 - deadGot);
  });
});
