/**
 * ECS's traffic semantics end to end (real store, controllers, agent, Docker engine, HAProxy): a
 * task leaving a target group is drained for its deregistrationDelay before it is stopped, so a
 * request in flight completes; a rolling update under steady load loses no request; a task that
 * fails the target group's check is replaced.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, runningTasks } from './support/cluster.js';
import { get, haproxyInstalled, LB_PORTS, loadBalancer, startLbEnv, targetGroup, webContainer, type LbEnv } from './lb-support.js';

describe.skipIf(!haproxyInstalled)('deployments behind HAProxy', () => {
  let lb: LbEnv;
  beforeEach(async () => {
    lb = await startLbEnv();
  });
  afterEach(() => lb.dispose());

  const taskDefinition = (variant: string) =>
    lb.at({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition' as const,
      metadata: { name: 'web' },
      spec: { containerDefinitions: [webContainer({ environment: [{ name: 'VARIANT', value: variant }] })] },
    });
  const service = (desiredCount: number) =>
    lb.at({
      apiVersion: 'berth.dev/v1',
      kind: 'Service' as const,
      metadata: { name: 'web' },
      spec: { taskDefinition: 'web', desiredCount, loadBalancers: [{ targetGroupName: 'web', containerName: 'web', containerPort: 8080 }] },
    });
  const targets = async () => (await lb.cluster.client.mustGet('TargetGroup', { cluster: lb.cluster.name, name: 'web' })).status?.targets ?? [];
  async function setUp(port: number, desiredCount: number, delaySeconds: number): Promise<void> {
    const { client } = lb.cluster;
    await client.create(taskDefinition('a'));
    await client.create(lb.at(targetGroup('web', { deregistrationDelay: delaySeconds })));
    await client.create(lb.at(loadBalancer('front', port, 'web')));
    await client.create(service(desiredCount));
    await eventually(
      async () => {
        const t = await targets();
        return t.length === desiredCount && t.every((x) => x.health === 'healthy');
      },
      30_000,
      `${desiredCount} healthy targets`,
    );
    expect((await get(port)).status).toBe(200);
  }

  it('drains a leaving task for the deregistration delay: a request in flight completes', async () => {
    const port = LB_PORTS.drain;
    await setUp(port, 1, 5);
    const [task] = await runningTasks(lb.cluster, 'web');
    if (!task) throw new Error('no task');
    const slow = get(port, '/cgi-bin/slow');
    await new Promise((r) => setTimeout(r, 500));
    const scaledAt = Date.now();
    await lb.cluster.client.mutate('Service', { cluster: lb.cluster.name, name: 'web' }, (s) => void (s.spec.desiredCount = 0));
    await eventually(async () => (await targets())[0]?.health === 'draining', 5_000, 'the target draining');
    // Draining (once the proxy applied it): no new request reaches it, and there is no other target.
    await eventually(async () => (await get(port)).status === 503, 2_000, 'new requests refused');
    expect(await slow).toEqual({ status: 200, body: 'slow-done' });
    const stopped = await eventually(
      async () => {
        const t = await lb.cluster.client.mustGet('Task', { cluster: lb.cluster.name, name: task.metadata.name });
        return t.spec.desiredStatus === 'STOPPED' && Date.now();
      },
      15_000,
      'the task asked to stop',
    );
    expect(stopped - scaledAt).toBeGreaterThanOrEqual(5_000);
    await eventually(async () => (await targets()).length === 0, 5_000, 'the target removed');
  });

  it('rolls a new revision out under steady load without losing a request', async () => {
    const port = LB_PORTS.rolling;
    await setUp(port, 2, 2);
    const failures: string[] = [];
    let sent = 0;
    let stop = false;
    const load = (async () => {
      while (!stop) {
        const r = await get(port);
        sent++;
        if (r.status !== 200) failures.push(`${r.status} ${r.body}`);
      }
    })();
    const old = new Set((await runningTasks(lb.cluster, 'web')).map((t) => t.metadata.name));
    await lb.cluster.client.create(taskDefinition('b'));
    await eventually(
      async () => {
        const running = await runningTasks(lb.cluster, 'web');
        const t = await targets();
        return running.length === 2 && running.every((x) => !old.has(x.metadata.name)) && t.length === 2 && t.every((x) => x.health === 'healthy');
      },
      60_000,
      'the new revision running, healthy, alone',
    );
    stop = true;
    await load;
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(50);
  });

  it('replaces a task that fails the target group check', async () => {
    const port = LB_PORTS.traffic + 10;
    await setUp(port, 1, 1);
    const [task] = await runningTasks(lb.cluster, 'web');
    const id = task?.status?.containers.find((c) => c.name === 'web')?.dockerId;
    if (!task || !id) throw new Error('no container');
    execFileSync('docker', ['exec', id, 'rm', '/www/health']);
    await eventually(
      async () => {
        const running = await runningTasks(lb.cluster, 'web');
        const t = await targets();
        return running.length === 1 && running[0]?.metadata.name !== task.metadata.name && t.length === 1 && t[0]?.health === 'healthy';
      },
      40_000,
      'a healthy replacement',
    );
  });
});
