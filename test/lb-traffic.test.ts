/**
 * The load balancer end to end — real store, controllers, agent and Docker engine, and a real
 * HAProxy run by `berth lb`'s LbProxy: traffic reaches only the tasks whose target-group check
 * passes, and the group's status says which.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, runningTasks } from './support/cluster.js';
import { get, haproxyInstalled, LB_PORTS, loadBalancer, startLbEnv, targetGroup, webContainer, type LbEnv } from './lb-support.js';

const PORT = LB_PORTS.traffic;

describe.skipIf(!haproxyInstalled)('traffic through HAProxy', () => {
  let lb: LbEnv;
  beforeEach(async () => {
    lb = await startLbEnv();
  });
  afterEach(() => lb.dispose());

  it('reaches only healthy tasks', async () => {
    const { cluster } = lb;
    await cluster.client.create(
      lb.at({ apiVersion: 'berth.dev/v1', kind: 'TaskDefinition' as const, metadata: { name: 'web' }, spec: { containerDefinitions: [webContainer()] } }),
    );
    await cluster.client.create(lb.at(targetGroup('web')));
    await cluster.client.create(lb.at(loadBalancer('front', PORT, 'web')));
    await cluster.client.create(
      lb.at({
        apiVersion: 'berth.dev/v1',
        kind: 'Service' as const,
        metadata: { name: 'web' },
        spec: { taskDefinition: 'web', desiredCount: 2, loadBalancers: [{ targetGroupName: 'web', containerName: 'web', containerPort: 8080 }] },
      }),
    );
    const tasks = await eventually(
      async () => {
        const running = await runningTasks(cluster, 'web');
        return running.length === 2 && running;
      },
      30_000,
      '2 running tasks',
    );
    await eventually(
      async () => {
        const g = await cluster.client.mustGet('TargetGroup', { cluster: cluster.name, name: 'web' });
        return g.status?.targets.length === 2 && g.status.targets.every((t) => t.health === 'healthy');
      },
      15_000,
      'both targets healthy',
    );

    // Both answer through the proxy.
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) seen.add((await get(PORT)).body);
    expect(seen.size).toBe(2);

    // One task's check starts failing: it leaves the rotation, the other gets every request.
    const [sick, well] = tasks;
    const sickId = sick?.status?.containers.find((c) => c.name === 'web')?.dockerId;
    if (!sickId || !well) throw new Error('no container');
    execFileSync('docker', ['exec', sickId, 'rm', '/www/health']);
    const sickHost = execFileSync('docker', ['exec', sickId, 'hostname']).toString().trim();
    await eventually(
      async () => {
        const g = await cluster.client.mustGet('TargetGroup', { cluster: cluster.name, name: 'web' });
        // `unhealthy` may last only until the service controller replaces the task: then it drains, then goes.
        const health = g.status?.targets.find((t) => t.task === sick.metadata.name)?.health;
        return health === 'unhealthy' || health === 'draining' || health === undefined;
      },
      10_000,
      'the sick target out of rotation in status',
    );
    const answers = await Promise.all(Array.from({ length: 20 }, () => get(PORT)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.body === sickHost)).toEqual([]);
  });
});
