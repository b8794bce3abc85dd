/**
 * `berth up --dns-address`: the in-process agent serves service discovery DNS, as `berth agent
 * --dns-address` does, and gives it to containers as their resolver. The address is the gateway of
 * a bridge network of this test's own (never docker0's, which other tests' agents share).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../controllers/kit/test-env.js';
import { removeInstanceObjects, startBerthUp, tempDir, testInstanceName, type BerthProcess } from './support/berth-process.js';

const run = promisify(execFile);
const docker = async (...args: string[]) => (await run('docker', args)).stdout.trim();
const IMAGE = process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1';

const container = (name: string, command: string[], extra: Record<string, unknown> = {}) => ({
  name,
  image: IMAGE,
  memory: 16,
  stopTimeout: 2,
  linuxParameters: { initProcessEnabled: true },
  command,
  ...extra,
});

describe('berth up --dns-address', () => {
  const instance = testInstanceName('up-dns');
  const network = `berth-${instance}`;
  let up: BerthProcess | undefined;
  afterAll(async () => {
    up?.child.kill('SIGKILL');
    await up?.exited;
    await removeInstanceObjects(instance);
    await docker('network', 'rm', network).catch(() => undefined);
  });

  it("answers a service's name with its task's address to a container of another task", async () => {
    await docker('network', 'create', '--driver', 'bridge', '--label', `berth.test=${network}`, network);
    const gateway = await docker('network', 'inspect', network, '--format', '{{range .IPAM.Config}}{{.Gateway}}{{end}}');
    expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const dir = tempDir();
    const args = ['up', '--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0', '--instance-name', instance, '--no-lb'];
    up = await startBerthUp([...args, '--dns-address', gateway, '--host-address', gateway], join(dir, 'config'));
    const { client } = up;
    await client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: 'web' },
      spec: {
        networkMode: 'awsvpc',
        containerDefinitions: [container('web', ['sh', '-c', 'mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 8080 -h /www'])],
      },
    });
    await client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: 'client' },
      spec: { containerDefinitions: [container('client', ['sleep', '3600'])] },
    });
    await client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { taskDefinition: 'web', desiredCount: 1, serviceRegistries: [{ port: 8080 }] },
    });
    await client.create({ apiVersion: 'berth.dev/v1', kind: 'Service', metadata: { name: 'client' }, spec: { taskDefinition: 'client', desiredCount: 1 } });

    const running = async (service: string) =>
      (await client.list('Task', { labelSelector: `berth.dev/service=${service}` })).items.find((t) => t.status?.lastStatus === 'RUNNING');
    const webAddress = await eventually(
      async () => (await running('web'))?.status?.attachments?.flatMap((a) => a.details.filter((d) => d.name === 'privateIPv4Address').map((d) => d.value))[0],
      40_000,
      'a running web task with its own address',
    );
    const clientId = await eventually(async () => (await running('client'))?.status?.containers[0]?.dockerId, 40_000, 'a running client task');

    expect(await docker('exec', clientId, 'cat', '/etc/resolv.conf')).toContain(`nameserver ${gateway}`);
    const name = 'web.default.berth.internal';
    const answer = await eventually(
      async () => {
        const out = await docker('exec', clientId, 'nslookup', name).catch((err: unknown) => String(err));
        return out.includes(webAddress) && out;
      },
      10_000,
      `${name} answered with ${webAddress}`,
    );
    expect(answer).toContain(webAddress);
    expect(await docker('exec', clientId, 'wget', '-qO-', `http://${name}:8080/`)).toBe('hello-from-web');
  }, 90_000);

  it('refuses a --dns-address that is not an IPv4 address, before it serves anything', async () => {
    const dir = tempDir();
    const args = ['up', '--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0', '--instance-name', testInstanceName('up-dns-bad'), '--no-lb'];
    await expect(startBerthUp([...args, '--dns-address', '300.1.1.1'], join(dir, 'config'))).rejects.toThrow(/dnsAddress "300.1.1.1" must be an IPv4 address/);
  });
});
