/**
 * Listener rules end to end — real store, controllers, agent, Docker engine and HAProxy: one load
 * balancer whose listeners route by path (rules by ELB's priority, lowest number first, whatever
 * their order in the manifest), by host, by weight between two groups named in the manifest
 * itself, and a TCP listener forwarding raw bytes. One cluster and one set of tasks for all cases.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, runningTasks, TEST_IMAGE } from './support/cluster.js';
import { get, haproxyInstalled, LB_PORTS, startLbEnv, targetGroup, type LbEnv } from './lb-support.js';

const ECHO_PORT = 7000;

/** busybox httpd answering its tag at / and at /api/<anything under api> (files written at start). */
const taggedWeb = (tag: string) => ({
  name: 'web',
  image: TEST_IMAGE,
  memory: 32,
  command: [
    'sh',
    '-c',
    `mkdir -p /www/api && echo ${tag} > /www/index.html && echo ${tag} > /www/api/hello && echo ${tag} > /www/api/green-only && echo ok > /www/health && exec httpd -f -p 8080 -h /www`,
  ],
  portMappings: [{ containerPort: 8080, hostPort: 0 }],
  linuxParameters: { initProcessEnabled: true },
  stopTimeout: 2,
});

/** busybox nc echoing every connection's bytes back (`-ll`: keeps listening after each). */
const echoContainer = {
  name: 'echo',
  image: TEST_IMAGE,
  memory: 32,
  command: ['nc', '-ll', '-p', String(ECHO_PORT), '-e', 'cat'],
  portMappings: [{ containerPort: ECHO_PORT, hostPort: 0 }],
  linuxParameters: { initProcessEnabled: true },
  stopTimeout: 2,
};

const forward = (group: string) => [{ type: 'forward', targetGroupName: group }];

const frontLb = {
  apiVersion: 'berth.dev/v1',
  kind: 'LoadBalancer' as const,
  metadata: { name: 'front' },
  spec: {
    listeners: [
      {
        port: LB_PORTS.rulesPath,
        protocol: 'HTTP',
        defaultActions: forward('green'),
        // Listed highest priority number first: priority, not order, decides (/api/green-only matches both).
        rules: [
          { priority: 20, conditions: [{ field: 'path-pattern', values: ['/api/*'] }], actions: forward('blue') },
          { priority: 10, conditions: [{ field: 'path-pattern', values: ['/api/green-*'] }], actions: forward('green') },
        ],
      },
      {
        port: LB_PORTS.rulesHost,
        protocol: 'HTTP',
        defaultActions: forward('green'),
        rules: [{ priority: 1, conditions: [{ field: 'host-header', values: ['blue.example.com', '*.blue.test'] }], actions: forward('blue') }],
      },
      {
        port: LB_PORTS.rulesWeights,
        protocol: 'HTTP',
        defaultActions: [
          {
            type: 'forward',
            forwardConfig: {
              targetGroups: [
                { targetGroupName: 'blue', weight: 80 },
                { targetGroupName: 'green', weight: 20 },
              ],
            },
          },
        ],
      },
      { port: LB_PORTS.rulesTcp, protocol: 'TCP', defaultActions: forward('echo') },
    ],
  },
};

/** GET with a Host header of our choosing (fetch does not let one set Host). */
function getWithHost(port: number, host: string, path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host }, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(`${res.statusCode ?? 0} ${body.trim()}`));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`GET ${host}${path} on ${port} timed out`)));
    req.end();
  });
}

/** Writes a line on a fresh TCP connection and reads until it comes back. */
function echo(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let got = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no echo on ${port} within 5 s`)));
    socket.on('connect', () => socket.write(`${line}\n`));
    socket.on('data', (chunk) => {
      got += chunk.toString();
      if (got.includes('\n')) {
        socket.end();
        resolve(got.trim());
      }
    });
    socket.on('error', reject);
  });
}

describe.skipIf(!haproxyInstalled)('listener rules through HAProxy', () => {
  let lb: LbEnv;
  beforeAll(async () => {
    lb = await startLbEnv();
    const { cluster } = lb;
    const create = <T extends Parameters<typeof cluster.client.create>[0] & { metadata: Record<string, unknown> }>(obj: T) => cluster.client.create(lb.at(obj));
    const services: Array<[string, Record<string, unknown>, number]> = [
      ['blue', taggedWeb('blue'), 8080],
      ['green', taggedWeb('green'), 8080],
      ['echo', echoContainer, ECHO_PORT],
    ];
    for (const [name, container] of services)
      await create({ apiVersion: 'berth.dev/v1', kind: 'TaskDefinition', metadata: { name }, spec: { containerDefinitions: [container] } });
    await create(targetGroup('blue'));
    await create(targetGroup('green'));
    await create(targetGroup('echo', { protocol: 'TCP' }));
    await create(frontLb);
    for (const [name, container, port] of services)
      await create({
        apiVersion: 'berth.dev/v1',
        kind: 'Service',
        metadata: { name },
        spec: { taskDefinition: name, desiredCount: 1, loadBalancers: [{ targetGroupName: name, containerName: String(container.name), containerPort: port }] },
      });
    await eventually(
      async () => (await Promise.all(services.map(async ([name]) => (await runningTasks(cluster, name)).length === 1))).every(Boolean),
      30_000,
      'one running task per service',
    );
    await eventually(
      async () => {
        const groups = await Promise.all(services.map(([name]) => cluster.client.mustGet('TargetGroup', { cluster: cluster.name, name })));
        return groups.every((g) => g.status?.targets.length === 1 && g.status.targets.every((t) => t.health === 'healthy'));
      },
      20_000,
      'every target healthy',
    );
  }, 60_000);
  afterAll(() => lb?.dispose());

  it('routes by path, the lowest priority number first, the rest to the default action', async () => {
    const port = LB_PORTS.rulesPath;
    // The proxy may apply the listeners a pass after the targets turn healthy.
    await eventually(async () => (await get(port, '/api/hello')).body === 'blue', 10_000, '/api/* routed to blue');
    expect(await get(port, '/api/hello')).toEqual({ status: 200, body: 'blue' });
    expect(await get(port, '/')).toEqual({ status: 200, body: 'green' });
    expect(await get(port, '/api/green-only')).toEqual({ status: 200, body: 'green' });
  });

  it('routes by host header, any of the values, case-insensitively, with the port ignored', async () => {
    const port = LB_PORTS.rulesHost;
    await eventually(async () => (await getWithHost(port, 'blue.example.com')) === '200 blue', 10_000, 'blue.example.com routed to blue');
    expect(await getWithHost(port, 'BLUE.example.com:8080')).toBe('200 blue');
    expect(await getWithHost(port, 'api.blue.test')).toBe('200 blue');
    expect(await getWithHost(port, 'green.example.com')).toBe('200 green');
    expect(await getWithHost(port, 'blue.example.com.evil')).toBe('200 green');
  });

  it('splits a forward to two groups by their weights', async () => {
    const port = LB_PORTS.rulesWeights;
    await eventually(async () => (await get(port)).status === 200, 10_000, 'the weighted listener answering');
    const N = 200;
    const answers: string[] = [];
    // Ten at a time: each draw is independent of the others, so concurrency changes no share.
    for (let i = 0; i < N; i += 10) answers.push(...(await Promise.all(Array.from({ length: 10 }, () => get(port)))).map((a) => a.body));
    const blue = answers.filter((a) => a === 'blue').length;
    const green = answers.filter((a) => a === 'green').length;
    expect(blue + green).toBe(N);
    // 80/20 over 200 draws: the standard deviation is about 5.7 requests, so ±25 is beyond 4 of them.
    expect(Math.abs(blue - 0.8 * N)).toBeLessThanOrEqual(25);
  });

  it('forwards a TCP listener byte for byte', async () => {
    const port = LB_PORTS.rulesTcp;
    await eventually(async () => (await echo(port, 'ping').catch(() => '')) === 'ping', 10_000, 'an echo through the TCP listener');
    const lines = await Promise.all(Array.from({ length: 5 }, (_, i) => echo(port, `hello ${i}`)));
    expect(lines).toEqual(Array.from({ length: 5 }, (_, i) => `hello ${i}`));
  });
});
