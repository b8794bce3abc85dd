/**
 * awsvpc as ECS means it, on the real engine behind HAProxy: each task has an address of its own
 * (its sandbox's, reported as its ENI attachment), its containers reach each other on localhost,
 * its ports are reached at that address and published nowhere on the instance (even with
 * hostPort = containerPort written, as the console writes it), so two tasks on one instance both
 * listen on the same port; the load balancer's targets are task address:containerPort (ECS's target
 * type `ip`).
 */
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../api/v1/task.js';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import { get, haproxyInstalled, loadBalancer, startLbEnv, targetGroup, type LbEnv } from './lb-support.js';
import { eventually, runningTasks, TEST_IMAGE } from './support/cluster.js';

/** From this helper's range (25600-25699): the web port both tasks take, the sidecar's, the listener's. */
const WEB_PORT = 25600;
const SIDECAR_PORT = 25601;
const LISTENER_PORT = 25650;
const docker = new Docker();

const sh = (script: string) => ['sh', '-c', script];
const taskDefinition = {
  apiVersion: 'berth.dev/v1',
  kind: 'TaskDefinition' as const,
  metadata: { name: 'vpc' },
  spec: {
    networkMode: 'awsvpc',
    containerDefinitions: [
      {
        name: 'web',
        image: TEST_IMAGE,
        memory: 32,
        command: sh(`mkdir -p /www && hostname > /www/index.html && echo ok > /www/health && exec httpd -f -p ${WEB_PORT} -h /www`),
        portMappings: [{ containerPort: WEB_PORT, hostPort: WEB_PORT }],
        linuxParameters: { initProcessEnabled: true },
        stopTimeout: 2,
      },
      {
        // Serves what it fetched from web on localhost: the test reads it from outside the task.
        name: 'sidecar',
        image: TEST_IMAGE,
        memory: 16,
        command: sh(
          `mkdir -p /www && until wget -qO /www/index.html http://127.0.0.1:${WEB_PORT}/; do sleep 0.2; done; exec httpd -f -p ${SIDECAR_PORT} -h /www`,
        ),
        portMappings: [{ containerPort: SIDECAR_PORT }],
        linuxParameters: { initProcessEnabled: true },
        stopTimeout: 2,
      },
    ],
  },
};

/** The task's own address, as ECS reports an ENI's: attachments[].details privateIPv4Address. */
const addressOf = (t: Task) => t.status?.attachments?.flatMap((a) => a.details).find((d) => d.name === 'privateIPv4Address')?.value;

/** The body at `url`, or undefined while nothing answers there (yet). */
async function text(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    return res.ok ? (await res.text()).trim() : undefined;
  } catch {
    return undefined;
  }
}

describe.skipIf(!haproxyInstalled)('awsvpc tasks have addresses of their own', () => {
  let lb: LbEnv;
  let tasks: Task[] = [];
  beforeAll(async () => {
    lb = await startLbEnv();
    const { client } = lb.cluster;
    await client.create(lb.at(taskDefinition));
    await client.create(lb.at(targetGroup('vpc')));
    await client.create(lb.at(loadBalancer('front', LISTENER_PORT, 'vpc')));
    await client.create(
      lb.at({
        apiVersion: 'berth.dev/v1',
        kind: 'Service' as const,
        metadata: { name: 'vpc' },
        spec: { taskDefinition: 'vpc', desiredCount: 2, loadBalancers: [{ targetGroupName: 'vpc', containerName: 'web', containerPort: WEB_PORT }] },
      }),
    );
    tasks = await eventually(
      async () => {
        const running = await runningTasks(lb.cluster, 'vpc');
        return running.length === 2 && running.every((t) => addressOf(t) !== undefined) && running;
      },
      30_000,
      'two awsvpc tasks RUNNING on the one instance, each with its address',
    );
  }, 60_000);
  afterAll(async () => lb?.dispose());

  it('both take the same port, each at its own address, and their containers share localhost', async () => {
    const addresses = tasks.map((t) => addressOf(t) ?? '');
    expect(new Set(addresses).size).toBe(2);
    const hostnames = await Promise.all(addresses.map((a) => eventually(() => text(`http://${a}:${WEB_PORT}/`), 10_000, `web at ${a}`)));
    expect(new Set(hostnames).size).toBe(2);
    // The sidecar serves what it fetched from 127.0.0.1: its own task's web, no other.
    for (const [i, a] of addresses.entries())
      expect(await eventually(() => text(`http://${a}:${SIDECAR_PORT}/`), 10_000, `sidecar at ${a}`)).toBe(hostnames[i]);
  });

  it('publishes nothing on the instance, and reports the task interface instead of host bindings', async () => {
    for (const t of tasks) {
      for (const c of t.status?.containers ?? []) {
        expect(c.networkBindings).toEqual([]);
        expect(c.networkInterfaces).toEqual([{ attachmentId: t.status?.attachments?.[0]?.id, privateIpv4Address: addressOf(t) }]);
      }
      const own = await docker.listContainers({ filters: { label: [`${DOCKER_LABELS.task}=${t.metadata.name}`] } });
      expect(own).toHaveLength(3);
      for (const c of own) expect(c.Ports.filter((p) => p.PublicPort !== undefined)).toEqual([]);
    }
  });

  it("the load balancer's targets are task address:containerPort, and it forwards to them", async () => {
    const targets = await eventually(
      async () => {
        const group = await lb.cluster.client.mustGet('TargetGroup', { cluster: lb.cluster.name, name: 'vpc' });
        const t = group.status?.targets ?? [];
        return t.length === 2 && t.every((x) => x.health === 'healthy') && t;
      },
      30_000,
      'two healthy targets',
    );
    expect(targets.map((t) => `${t.id}:${t.port}`).sort()).toEqual(tasks.map((t) => `${addressOf(t) ?? ''}:${WEB_PORT}`).sort());
    const answer = await get(LISTENER_PORT);
    expect(answer.status).toBe(200);
  });
});
