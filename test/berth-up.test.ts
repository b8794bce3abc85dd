/**
 * `berth up` as a user runs it: a real process over the embedded store, the CLI config it writes,
 * durability across kill -9, graceful shutdown, and an out-of-process controller (the example) working
 * against it through the HTTP API.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../controllers/kit/test-env.js';
import { berthEnv, removeInstanceObjects, startBerthUp, tempDir, testInstanceName, type BerthProcess } from './support/berth-process.js';

const service = (name: string, annotations?: Record<string, string>) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Service' as const,
  metadata: { name, annotations },
  spec: { taskDefinition: 'web', desiredCount: 1 },
});

describe('berth up', () => {
  const running: BerthProcess[] = [];
  afterEach(() => {
    for (const p of running.splice(0)) p.child.kill('SIGKILL');
  });
  const up = async (dir: string) => {
    // No local agent here: several `berth up` on one machine would share the instance name (the hostname).
    const p = await startBerthUp(['up', '--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0', '--no-agent'], join(dir, 'config'));
    running.push(p);
    return p;
  };

  it('creates the default cluster and serves the API with the token it wrote to the config file', async () => {
    const p = await up(tempDir());
    const clusters = await p.client.list('Cluster');
    expect(clusters.items.map((c) => c.metadata.name)).toEqual(['default']);
    const anonymous = await fetch(`${p.url}/apis/berth.dev/v1/clusters`);
    expect(anonymous.status).toBe(401);
  });

  it('loses nothing acknowledged when killed with SIGKILL, and keeps its token and revisions', async () => {
    const dir = tempDir();
    const first = await up(dir);
    const written: Awaited<ReturnType<typeof first.client.create<'Service'>>>[] = [];
    for (let i = 0; i < 25; i++) written.push(await first.client.create(service(`svc-${i}`)));
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await up(dir);
    expect(second.token).toBe(first.token);
    const listed = await second.client.list('Service');
    expect(listed.items.map((s) => s.metadata.uid)).toEqual(
      written
        .map((s) => s.metadata.uid)
        .sort((a, b) => {
          const names = new Map(written.map((s) => [s.metadata.uid, s.metadata.name]));
          return (names.get(a) ?? '').localeCompare(names.get(b) ?? '');
        }),
    );
    const next = await second.client.create(service('after-restart'));
    expect(Number(next.metadata.resourceVersion)).toBeGreaterThan(Number(written.at(-1)?.metadata.resourceVersion));
  });

  it('shuts down gracefully on SIGTERM with exit code 0', async () => {
    const p = await up(tempDir());
    const sentAt = Date.now();
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(Date.now() - sentAt).toBeLessThan(5000);
  });

  it('refuses a second process on the same data directory with a clear error', async () => {
    const dir = tempDir();
    await up(dir);
    await expect(up(dir)).rejects.toThrow(/in use by process \d+/);
  });

  it('runs a local agent that registers this machine as a container instance and runs a task', async () => {
    const dir = tempDir();
    const instance = testInstanceName('up');
    const p = await startBerthUp(['up', '--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0', '--instance-name', instance], join(dir, 'config'));
    running.push(p);
    // Registration creates the instance, then reports it connected (a second write): wait for both.
    const ci = await eventually(
      async () => {
        const found = await p.client.get('ContainerInstance', { name: instance });
        return found?.status?.agentConnected === true ? found : undefined;
      },
      20_000,
      'instance registered and connected',
    );
    expect(ci.spec.registeredResources.cpu).toBeGreaterThan(0);
    await p.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: 'once' },
      spec: {
        containerDefinitions: [
          { name: 'main', image: process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1', memory: 16, command: ['sh', '-c', 'echo done'] },
        ],
      },
    });
    await p.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'Task',
      metadata: { name: 'once-1' },
      spec: { taskDefinition: 'once:1' },
      status: { lastStatus: 'PENDING' },
    });
    const task = await eventually(
      async () => {
        const t = await p.client.mustGet('Task', { name: 'once-1' });
        return t.status?.lastStatus === 'STOPPED' ? t : undefined;
      },
      30_000,
      'batch task ran to completion',
    );
    expect(task.spec.containerInstance).toBe(instance);
    expect(task.status?.containers?.[0]?.exitCode).toBe(0);
    await removeInstanceObjects(instance);
  });

  it('runs the example controller out of process against it', async () => {
    const dir = tempDir();
    const p = await up(dir);
    await p.client.create(service('web', { 'scaler.berth.dev/day': '4', 'scaler.berth.dev/night': '4' }));
    const scaler = spawn(process.execPath, [resolve('dist/controllers/examples/nightly-scaler/main.js')], {
      env: berthEnv(join(dir, 'config')),
      stdio: 'ignore',
    });
    try {
      await eventually(async () => (await p.client.mustGet('Service', { name: 'web' })).spec.desiredCount === 4, 15_000, 'scaled to 4');
    } finally {
      scaler.kill('SIGTERM');
    }
  });
});
