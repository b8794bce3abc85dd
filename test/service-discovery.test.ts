/**
 * Service discovery end to end on the real engine: two agents (two container instances), each
 * serving DNS on the gateway of a Docker network this test makes for it (never docker0's, which
 * other tests' agents share), and tasks reaching a service by name from either instance. The
 * answers follow the tasks: scaling, and a task turning unhealthy, change them.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDns } from '../controllers/agent/discovery/query.js';
import { RCODE } from '../controllers/agent/discovery/dns-server.js';
import { eventually, FAST, startTestCluster, TEST_IMAGE, type TestCluster } from './support/cluster.js';

const run = promisify(execFile);
async function docker(...args: string[]): Promise<string> {
  try {
    return (await run('docker', args)).stdout.trim();
  } catch (err) {
    const out = err instanceof Error && 'stdout' in err && 'stderr' in err ? `${String(err.stdout)}${String(err.stderr)}` : '';
    throw new Error(`docker ${args.join(' ')} failed: ${out || String(err)}`);
  }
}
const TEST_LABEL = 'berth.test';

/** A bridge network of the test's own (labelled, removed after); its gateway is an address of this host that every container reaches. */
async function testNetwork(name: string): Promise<string> {
  await docker('network', 'create', '--driver', 'bridge', '--label', `${TEST_LABEL}=${name}`, name);
  const gateway = await docker('network', 'inspect', name, '--format', '{{range .IPAM.Config}}{{.Gateway}}{{end}}');
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(gateway)) throw new Error(`network ${name} has no IPv4 gateway: "${gateway}"`);
  return gateway;
}

const http = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: TEST_IMAGE,
  memory: 16,
  stopTimeout: 2,
  linuxParameters: { initProcessEnabled: true },
  // Each task serves its own container id, so a client can tell the tasks apart.
  command: ['sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www'],
  ...extra,
});

describe('service discovery on real Docker, two instances', () => {
  let cluster: TestCluster;
  const networks: string[] = [];
  const gateways: string[] = [];
  const dns = (i: number) => ({ address: gateways[i] ?? '', port: 53 });
  let zone = '';

  beforeAll(async () => {
    // Heartbeats may lag on a busy machine: an instance declared lost would take its tasks (and the answers) with it.
    cluster = await startTestCluster({ prefix: 'dns', controllers: { ...FAST, instance: { heartbeatExpireMs: 15_000 } } });
    zone = `${cluster.name}.berth.internal`;
    for (const side of ['a', 'b']) {
      const name = `${cluster.name}-${side}`;
      networks.push(name);
      gateways.push(await testNetwork(name));
    }
    await cluster.startAgent('i-a', { dnsAddress: dns(0).address, hostAddress: dns(0).address, dnsUpstreams: [] });
    await cluster.startAgent('i-b', { dnsAddress: dns(1).address, hostAddress: dns(1).address, dnsUpstreams: [] });
    const apply = (obj: Record<string, unknown> & { kind: 'TaskDefinition' | 'Service'; metadata: Record<string, unknown> }) =>
      cluster.client.create({ apiVersion: 'berth.dev/v1', ...obj, metadata: { ...obj.metadata, cluster: cluster.name } });
    // web: awsvpc, so each task has its own address and one port for all (A records).
    await apply({
      kind: 'TaskDefinition',
      metadata: { name: 'dns-web' },
      spec: {
        networkMode: 'awsvpc',
        containerDefinitions: [
          http('web', { healthCheck: { command: ['CMD-SHELL', 'test ! -f /tmp/sick'], interval: 1, timeout: 5, retries: 2, startPeriod: 0 } }),
        ],
      },
    });
    // api: bridge with a dynamic host port, found through SRV (instance address and host port).
    await apply({
      kind: 'TaskDefinition',
      metadata: { name: 'dns-api' },
      spec: { containerDefinitions: [http('api', { portMappings: [{ containerPort: 8080, hostPort: 0 }] })] },
    });
    await apply({
      kind: 'TaskDefinition',
      metadata: { name: 'dns-client' },
      spec: { containerDefinitions: [http('client', { command: ['sleep', '3600'] })] },
    });
    const spread = { placementStrategy: [{ type: 'spread', field: 'instanceId' }] };
    await apply({
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { taskDefinition: 'dns-web', desiredCount: 2, ...spread, serviceRegistries: [{ port: 8080 }] },
    });
    await apply({
      kind: 'Service',
      metadata: { name: 'api' },
      spec: { taskDefinition: 'dns-api', desiredCount: 1, serviceRegistries: [{ containerName: 'api', containerPort: 8080 }] },
    });
    await apply({ kind: 'Service', metadata: { name: 'client' }, spec: { taskDefinition: 'dns-client', desiredCount: 2, ...spread } });
  }, 60_000);

  afterAll(async () => {
    await cluster?.dispose();
    for (const n of networks) await docker('network', 'rm', n).catch(() => undefined);
  });

  async function tasksOf(service: string) {
    const { items } = await cluster.client.list('Task', { cluster: cluster.name, labelSelector: `berth.dev/service=${service}` });
    return items.filter((t) => t.status?.lastStatus === 'RUNNING' && t.spec.desiredStatus === 'RUNNING');
  }
  const webAddresses = async () =>
    (await tasksOf('web'))
      .filter((t) => t.status?.healthStatus === 'HEALTHY')
      .flatMap((t) => t.status?.attachments?.flatMap((a) => a.details.filter((d) => d.name === 'privateIPv4Address').map((d) => d.value)) ?? [])
      .sort();
  const answered = async (server: number, name = `web.${zone}`) => (await queryDns(dns(server), name, 'A')).a.sort();
  const clientOn = async (instance: string) =>
    eventually(
      async () => (await tasksOf('client')).find((t) => t.spec.containerInstance === instance)?.status?.containers[0]?.dockerId,
      30_000,
      `a client task on ${instance}`,
    );

  it('answers A records of the healthy tasks on both instances, and containers reach a service by name from either instance', async () => {
    const addresses = await eventually(
      async () => {
        const a = await webAddresses();
        return a.length === 2 && a;
      },
      30_000,
      'two healthy web tasks',
    );
    for (const server of [0, 1])
      await eventually(async () => JSON.stringify(await answered(server)) === JSON.stringify(addresses), 5_000, `server ${server} answering both`);
    const reply = await queryDns(dns(0), `web.${zone}`, 'SRV');
    expect(reply.srv.map((s) => s.port)).toEqual([8080, 8080]);
    expect((await queryDns(dns(1), `nothing.${zone}`, 'A')).rcode).toBe(RCODE.NXDOMAIN);

    const seen = new Set<string>();
    for (const instance of ['i-a', 'i-b']) {
      const client = await clientOn(instance);
      // busybox's resolver asks the agent's server (the container's resolv.conf says so), then wget reaches the task.
      expect(await docker('exec', client, 'cat', '/etc/resolv.conf')).toContain(`nameserver ${instance === 'i-a' ? dns(0).address : dns(1).address}`);
      for (let i = 0; i < 6; i++) {
        try {
          seen.add(await docker('exec', client, 'wget', '-qO-', `http://web.${zone}:8080/`));
        } catch (err) {
          const ns = await docker('exec', client, 'nslookup', `web.${zone}`).catch((e: unknown) => String(e));
          throw new Error(
            `${String(err)} try ${i} on ${instance}; nslookup: ${ns}; servers: ${JSON.stringify([await answered(0), await answered(1), await webAddresses()])}`,
          );
        }
      }
      expect(await docker('exec', client, 'nslookup', `web.${zone}`)).toContain(addresses[0]);
    }
    // Both tasks answered somebody: the name spreads over them (busybox tries the records in order, the server sorts them; at least one task served).
    expect(seen.size).toBeGreaterThanOrEqual(1);
  }, 90_000);

  it('answers SRV for a bridge task with its instance address and dynamic host port, which a container on the other instance reaches', async () => {
    const task = await eventually(async () => (await tasksOf('api'))[0], 30_000, 'a running api task');
    const instance = task.spec.containerInstance;
    const hostPort = task.status?.containers[0]?.networkBindings[0]?.hostPort;
    const hostAddress = instance === 'i-a' ? dns(0).address : dns(1).address;
    const reply = await eventually(
      async () => {
        const r = await queryDns(dns(instance === 'i-a' ? 1 : 0), `api.${zone}`, 'SRV', 'tcp');
        return r.srv.length === 1 && r;
      },
      5_000,
      'an SRV answer for api',
    );
    expect(reply.srv[0]).toEqual({ port: hostPort, target: `${task.metadata.name}.api.${zone}` });
    expect(reply.additionalA[`${task.metadata.name}.api.${zone}`]).toEqual([hostAddress]);
    const other = await clientOn(instance === 'i-a' ? 'i-b' : 'i-a');
    const body = await docker('exec', other, 'wget', '-qO-', `http://${task.metadata.name}.api.${zone}:${hostPort}/`);
    expect(body).not.toBe('');
  }, 60_000);

  it('follows the tasks: scale up and down, and a task turning unhealthy leaves the answers', async () => {
    await cluster.client.patch('Service', { cluster: cluster.name, name: 'web' }, { spec: { desiredCount: 3 } });
    const three = await eventually(
      async () => {
        const a = await answered(1);
        return a.length === 3 && a;
      },
      30_000,
      'three A records after scaling up',
    );
    expect(three).toEqual(await webAddresses());

    // One task's health check starts failing: it leaves the answers as soon as its agent reports it.
    const victim = (await tasksOf('web'))[0];
    const victimIp = victim?.status?.attachments?.[0]?.details.find((d) => d.name === 'privateIPv4Address')?.value;
    const victimContainer = victim?.status?.containers[0]?.dockerId;
    expect(victimIp && victimContainer).toBeTruthy();
    await docker('exec', String(victimContainer), 'touch', '/tmp/sick');
    await eventually(async () => !(await answered(0)).includes(String(victimIp)), 15_000, 'the unhealthy task gone from the A records');
    expect((await queryDns(dns(0), `web.${zone}`, 'SRV')).srv.map((s) => s.target)).not.toContain(`${victim?.metadata.name}.web.${zone}`);

    await cluster.client.patch('Service', { cluster: cluster.name, name: 'web' }, { spec: { desiredCount: 1 } });
    await eventually(async () => (await answered(0)).length === 1 && (await answered(1)).length === 1, 30_000, 'one A record after scaling down');
  }, 90_000);
});
