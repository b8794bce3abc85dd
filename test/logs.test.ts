/**
 * `berth logs` end to end on the real Docker engine: the real binary → the API server's log route →
 * the agent's log server → Docker. An in-process cluster (its agent over HTTP with its own token, as
 * a remote agent) for most cases; one real `berth up` for the in-process agent's wiring.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../api/client/http-client.js';
import { DockerRuntime } from '../controllers/agent/runtime/docker.js';
import { assertFreshBuild, runBerth } from './cli-harness.js';
import { BERTH_BIN, startBerthUp, tempDir, testInstanceName } from './support/berth-process.js';
import { eventually, startTestCluster, TEST_IMAGE, type TestCluster } from './support/cluster.js';

const container = (name: string, script: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: TEST_IMAGE,
  memory: 16,
  command: ['sh', '-c', script],
  linuxParameters: { initProcessEnabled: true },
  stopTimeout: 2,
  ...extra,
});

const PRINTER = 'for i in 1 2 3; do echo line $i; sleep 0.3; done; sleep 60';
const TICKER = 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.3; done';

describe('berth logs', () => {
  let cluster: TestCluster;
  let env: NodeJS.ProcessEnv;
  const berth = (args: string[]) => runBerth(args, { env });

  const createTask = async (name: string, family: string, spec: Record<string, unknown> = {}) =>
    cluster.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'Task',
      metadata: { name, cluster: cluster.name },
      spec: { taskDefinition: `${family}:1`, ...spec },
    });
  const running = (name: string) =>
    eventually(
      async () => (await cluster.client.get('Task', { cluster: cluster.name, name }))?.status?.lastStatus === 'RUNNING',
      20_000,
      `task ${name} RUNNING`,
    );

  beforeAll(async () => {
    assertFreshBuild(['cli/commands/logs.ts', 'cli/commands/actions/logs.ts', 'api/server/task-log-route.ts', 'controllers/agent/log-server.ts']);
    cluster = await startTestCluster();
    env = {
      ...process.env,
      BERTH_SERVER: cluster.plane.url,
      BERTH_TOKEN: cluster.plane.adminToken,
      BERTH_CLUSTER: cluster.name,
      BERTH_CONFIG: join(tempDir(), 'none'),
    };
    await cluster.startAgent('i-1');
    const definitions: [string, Record<string, unknown>[]][] = [
      ['printer', [container('app', PRINTER)]],
      ['ticker', [container('app', TICKER)]],
      // The first container is not essential: the default is the first essential one.
      ['pair', [container('side', 'echo from side; sleep 60', { essential: false }), container('app', 'echo from app; sleep 60')]],
      // As a Fargate task definition has it: CloudWatch, which this instance cannot reach.
      [
        'cloud',
        [
          container('app', 'echo to cloudwatch; sleep 60', {
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-group': '/ecs/cloud', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'ecs' },
            },
          }),
        ],
      ],
    ];
    for (const [family, containerDefinitions] of definitions)
      await cluster.client.create({
        apiVersion: 'berth.dev/v1',
        kind: 'TaskDefinition',
        metadata: { name: family, cluster: cluster.name },
        spec: { containerDefinitions },
      });
    await Promise.all([createTask('p1', 'printer'), createTask('t1', 'ticker'), createTask('pair1', 'pair'), createTask('cloud1', 'cloud')]);
    await Promise.all(['p1', 't1', 'pair1', 'cloud1'].map(running));
  }, 40_000);

  afterAll(async () => {
    await cluster?.dispose();
  });

  it('prints the container output; --tail 1 prints only the last line', async () => {
    const all = await eventually(
      async () => {
        const r = await berth(['logs', 'p1']);
        return r.stdout.includes('line 3') && r;
      },
      5_000,
      'all three lines',
    );
    expect(all).toMatchObject({ code: 0, stdout: 'line 1\nline 2\nline 3\n', stderr: '' });
    const t0 = Date.now();
    await berth(['logs', 'p1']);
    process.stdout.write(`[measure] berth logs (process start to exit, 3 lines): ${Date.now() - t0} ms\n`);
    expect(await berth(['logs', 'task/p1', '--tail', '1'])).toMatchObject({ code: 0, stdout: 'line 3\n' });
  });

  it('a task logging to awslogs runs on the local driver, so its output is there; the options stay in a label', async () => {
    const r = await eventually(
      async () => {
        const out = await berth(['logs', 'cloud1']);
        return out.stdout.includes('to cloudwatch') && out;
      },
      5_000,
      'the awslogs task’s output',
    );
    expect(r).toMatchObject({ code: 0, stdout: 'to cloudwatch\n' });
    const task = await cluster.client.mustGet('Task', { cluster: cluster.name, name: 'cloud1' });
    const id = task.status?.containers[0]?.dockerId;
    if (!id) throw new Error('no docker id reported');
    const runtime = new DockerRuntime();
    const [c] = (await runtime.listContainers({ labels: { 'berth.cluster': cluster.name } })).filter((x) => x.id === id);
    expect(JSON.parse(c?.labels['berth.log-configuration'] ?? '{}')).toEqual({
      logDriver: 'awslogs',
      options: { 'awslogs-group': '/ecs/cloud', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'ecs' },
    });
  });

  it('-f streams lines printed after it started, and ends cleanly on SIGINT', async () => {
    const before = await berth(['logs', 't1', '--tail', '1']);
    const last = Number(/tick (\d+)/.exec(before.stdout)?.[1]);
    expect(last).toBeGreaterThan(0);
    const child = spawn(process.execPath, [BERTH_BIN, 'logs', 't1', '-f', '--tail', '1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      // --tail 1 reads back one line, so a second one was streamed; and it is newer than any tick
      // printed before the command started. (Which tick comes first depends on how long the CLI takes to start.)
      const ticks = () => [...stdout.matchAll(/tick (\d+)\n/g)].map((m) => Number(m[1]));
      await eventually(() => ticks().length >= 2 && Math.max(...ticks()) >= last + 2, 20_000, 'a second tick streamed');
      const signalledAt = Date.now();
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      process.stdout.write(`[measure] berth logs -f exit after SIGINT: ${Date.now() - signalledAt} ms\n`);
      expect(Date.now() - signalledAt).toBeLessThan(3_000);
      expect(stderr).toBe('');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('-c picks a container; without it, the first essential one, said on stderr', async () => {
    expect(await berth(['logs', 'pair1', '-c', 'side'])).toMatchObject({ code: 0, stdout: 'from side\n', stderr: '' });
    expect(await berth(['logs', 'pair1'])).toMatchObject({ code: 0, stdout: 'from app\n', stderr: 'Defaulted container "app" out of: side, app\n' });
    const wrong = await berth(['logs', 'pair1', '-c', 'nope']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/has no container "nope"; its containers are side, app/);
  });

  it('the agent serves admins only: 401 for no or an unknown token, 403 for an agent token, 404 for a task not here', async () => {
    const instance = await cluster.client.mustGet('ContainerInstance', { cluster: cluster.name, name: 'i-1' });
    const address = instance.spec.agent?.address;
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const url = `${address}/v1/tasks/p1/containers/app/logs`;
    const get = (token?: string) => fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    expect((await get()).status).toBe(401);
    const unknown = await get('berth_not-a-token');
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ kind: 'Status', code: 401, message: expect.stringMatching(/does not know this bearer token/) });
    const agentToken = await cluster.client.issueAgentToken(cluster.name, 'i-1');
    const forbidden = await get(agentToken);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ message: expect.stringMatching(/may not read container logs/) });
    const admin = await get(cluster.plane.adminToken);
    expect(admin.status).toBe(200);
    expect(await admin.text()).toBe('line 1\nline 2\nline 3\n');
    // What the API server calls agents with: made for one instance and one log path, good for
    // that log there only, refused by the API for everything else.
    const path = '/v1/tasks/p1/containers/app/logs';
    const readerToken = await cluster.plane.tokens.issueLogReaderToken('hop', { cluster: cluster.name, instance: 'i-1', path, ttlMs: 60_000 });
    expect((await get(readerToken)).status).toBe(200);
    const forOther = await cluster.plane.tokens.issueLogReaderToken('hop', { cluster: cluster.name, instance: 'i-2', path, ttlMs: 60_000 });
    expect((await get(forOther)).status).toBe(403);
    const forOtherLog = await cluster.plane.tokens.issueLogReaderToken('hop', {
      cluster: cluster.name,
      instance: 'i-1',
      path: '/v1/tasks/t1/containers/app/logs',
      ttlMs: 60_000,
    });
    const otherLog = await get(forOtherLog);
    expect(otherLog.status).toBe(403);
    expect(await otherLog.json()).toMatchObject({ message: expect.stringMatching(/made for \/v1\/tasks\/t1\/containers\/app\/logs, not \/v1\/tasks\/p1/) });
    expect((await get(await cluster.plane.tokens.issueLogReaderToken())).status).toBe(403);
    const reader = new HttpClient({ server: cluster.plane.url, token: readerToken });
    await expect(reader.list('Task', { cluster: cluster.name })).rejects.toMatchObject({ code: 403 });
    await expect(reader.logs({ cluster: cluster.name, name: 'p1' })).rejects.toMatchObject({ code: 403 });
    reader.close();
    const elsewhere = await fetch(`${address}/v1/tasks/not-here/containers/app/logs`, { headers: { authorization: `Bearer ${cluster.plane.adminToken}` } });
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toMatchObject({ message: expect.stringMatching(/has no container "app" on instance i-1/) });
  });

  it('the API server: clear errors for an unknown task, an unbound task, an instance without a log address, a non-admin', async () => {
    const unknown = await berth(['logs', 'no-such-task', '-c', 'app']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(`Error from server (NotFound): tasks "no-such-task" not found in cluster "${cluster.name}"\n`);
    expect((await berth(['logs', 'no-such-task'])).stderr).toMatch(/NotFound.*no-such-task/);

    // No instance has this attribute: the task stays unbound.
    await createTask('unbound', 'printer', { placementConstraints: [{ type: 'memberOf', expression: 'attribute:rack == nowhere' }] });
    const unbound = await berth(['logs', 'unbound']);
    expect(unbound.code).toBe(1);
    expect(unbound.stderr).toMatch(
      /^Error from server \(BadRequest\): task .*\/unbound is not bound to a container instance yet.*try again once `berth get task unbound` shows its instance/,
    );

    // An instance registered by something that serves no logs.
    await cluster.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'ContainerInstance',
      metadata: { name: 'i-quiet', cluster: cluster.name },
      spec: { registeredResources: { cpu: 1024, memory: 512 } },
    });
    await createTask('on-quiet', 'printer', { containerInstance: 'i-quiet' });
    const quiet = await berth(['logs', 'on-quiet']);
    expect(quiet.code).toBe(1);
    expect(quiet.stderr).toMatch(/ServiceUnavailable.*the agent of instance i-quiet has no log address/);

    const agentToken = await cluster.client.issueAgentToken(cluster.name, 'i-1');
    const forbidden = await runBerth(['logs', 'p1', '-c', 'app'], { env: { ...env, BERTH_TOKEN: agentToken } });
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(/Forbidden.*may not read container logs in cluster .*; it needs the view role there \(or an admin token\)/);
  });

  it('through a `berth agent` process listening on every interface: https, registering the address it reaches the server from and its certificate', async () => {
    const token = await cluster.client.issueAgentToken(cluster.name, 'i-bin');
    const agentEnv = { ...env, BERTH_TOKEN: token };
    const child = spawn(process.execPath, [BERTH_BIN, 'agent', '--cluster', cluster.name, '--name', 'i-bin', '--logs-listen', '0.0.0.0:0', '--memory', '256'], {
      env: agentEnv,
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // The binary heartbeats every 5 s, the test cluster expires an instance after 3 s: on a busy
    // machine the task would be lost (and its container removed) before its logs are read. The
    // test keeps the instance's heartbeat fresh, as its agent would with the production expiry.
    let beating = true;
    const beat = async () => {
      while (beating) {
        await cluster.client
          .patch(
            'ContainerInstance',
            { cluster: cluster.name, name: 'i-bin' },
            { status: { agentConnected: true, lastHeartbeat: new Date().toISOString() } },
            { subresource: 'status' },
          )
          .catch(() => undefined);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    try {
      const ci = await eventually(
        async () => {
          const found = await cluster.client.get('ContainerInstance', { cluster: cluster.name, name: 'i-bin' });
          return found?.spec.agent?.address !== undefined && found;
        },
        15_000,
        'i-bin registered',
      );
      const beating$ = beat();
      // The server is on loopback, so loopback is where it reaches this agent; listening beyond
      // loopback, the agent serves https with a certificate the API server pins.
      expect(ci.spec.agent?.address).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(ci.spec.agent?.certificateSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      await createTask('on-bin', 'printer', { containerInstance: 'i-bin' });
      await running('on-bin');
      const result = await eventually(
        async () => {
          const r = await berth(['logs', 'on-bin']);
          return r.stdout.includes('line 3') && r;
        },
        5_000,
        'logs through berth agent',
      );
      expect(result).toMatchObject({ code: 0, stdout: 'line 1\nline 2\nline 3\n' });
      beating = false;
      await beating$;
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      beating = false;
      child.kill('SIGKILL');
    }
  }, 30_000);
});

describe('berth logs against berth up', () => {
  it('reads through the agent inside berth up', async () => {
    const dir = tempDir('berth-logs-up-');
    const config = join(dir, 'config');
    const instance = testInstanceName('logs');
    const up = await startBerthUp(['up', '--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0', '--instance-name', instance], config);
    try {
      const td = {
        apiVersion: 'berth.dev/v1',
        kind: 'TaskDefinition' as const,
        metadata: { name: 'printer' },
        spec: { containerDefinitions: [container('app', PRINTER)] },
      };
      await up.client.create(td);
      await up.client.create({ apiVersion: 'berth.dev/v1', kind: 'Task', metadata: { name: 'p1' }, spec: { taskDefinition: 'printer:1' } });
      const env = { ...process.env, BERTH_CONFIG: config };
      const result = await eventually(
        async () => {
          const r = await runBerth(['logs', 'p1'], { env });
          return r.stdout.includes('line 3') && r;
        },
        20_000,
        'logs through berth up',
      );
      expect(result).toMatchObject({ code: 0, stdout: 'line 1\nline 2\nline 3\n' });
      const ci = await up.client.mustGet('ContainerInstance', { name: instance });
      expect(ci.spec.agent?.address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      up.client.close();
      up.child.kill('SIGTERM');
      await up.exited;
      const runtime = new DockerRuntime({});
      const leftovers = await runtime.listContainers({ labels: { 'berth.instance': instance } });
      await Promise.all(leftovers.map((c) => runtime.removeContainer(c.id).catch(() => undefined)));
      const networks = await runtime.listNetworks({ labels: { 'berth.instance': instance } });
      await Promise.all(networks.map((n) => runtime.removeTaskNetwork(n.name).catch(() => undefined)));
    }
  }, 40_000);
});
