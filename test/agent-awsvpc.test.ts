/**
 * awsvpc on the real engine: the task's containers share one network namespace, held by a sandbox
 * container (a sidecar reaches the main container on localhost), the task's ports are reached at the
 * task's own address (the sandbox's) and published nowhere on the host, that address is in its status, the sandbox goes with the task, and a restarted
 * agent removes the sandbox a dead task left.
 */
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import { eventually } from '../controllers/kit/test-env.js';
import { container, sh, startAgentEnv, type AgentEnv } from './agent-harness.js';

/** From this helper's own port range, so no other test's published port collides. */
const PORT = 24301;
const docker = new Docker();
let h: AgentEnv;

beforeAll(async () => {
  h = await startAgentEnv('tdr-awsvpc');
});
afterAll(async () => h?.cleanup());

const webAndSidecar = () => [
  container('web', {
    ...sh(`mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p ${PORT} -h /www`),
    portMappings: [{ containerPort: PORT }],
  }),
  // Reaches web on localhost only: it has no other way to, as it has no link and no name for it.
  container(
    'sidecar',
    sh(`until wget -qO- http://127.0.0.1:${PORT}/ > /tmp/got 2>/dev/null; do sleep 0.2; done; echo "sidecar got: $(cat /tmp/got)"; exec sleep 300`),
  ),
];

const sandboxes = (task: string) => h.containers({ [DOCKER_LABELS.task]: task, [DOCKER_LABELS.sandbox]: 'true' });

async function logsOf(id: string): Promise<string> {
  const stream = await h.runtime.logs(id);
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
}

describe('awsvpc tasks', () => {
  it('share one network namespace held by a sandbox, answer at its address, report it, and lose it on stop', async () => {
    const td = await h.taskDefinition('vpc', webAndSidecar(), { networkMode: 'awsvpc' });
    await h.startAgent();
    await h.runTask('vpc-1', td);
    const running = await h.waitForTask('vpc-1', (t) => t.status?.lastStatus === 'RUNNING', 15_000);

    const [sandbox] = await sandboxes('vpc-1');
    if (!sandbox) throw new Error('no sandbox on the engine');
    const sandboxInspect = await docker.getContainer(sandbox.id).inspect();
    const address = sandboxInspect.NetworkSettings.Networks.bridge?.IPAddress;
    expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    for (const c of running.status?.containers ?? []) {
      if (!c.dockerId) throw new Error(`container ${c.name} has no docker id`);
      expect((await docker.getContainer(c.dockerId).inspect()).HostConfig.NetworkMode).toBe(`container:${sandbox.id}`); // Docker resolves the name to the id
    }

    // The sidecar reached web on localhost; the host reaches it at the task's own address only.
    const sidecarId = running.status?.containers.find((c) => c.name === 'sidecar')?.dockerId ?? '';
    await eventually(async () => (await logsOf(sidecarId)).includes('sidecar got: hello-from-web'), 10_000, 'the sidecar reached web on localhost');
    expect(await (await fetch(`http://${address ?? ''}:${PORT}/`)).text()).toBe('hello-from-web\n');
    expect(sandboxInspect.HostConfig.PortBindings ?? {}).toEqual({});

    // ECS's shapes: the attachment with the address, each container's interface, no host binding.
    const status = await h.waitForTask('vpc-1', (t) => (t.status?.attachments?.length ?? 0) > 0, 5_000, 'attachments reported');
    expect(status.status?.attachments?.[0]).toMatchObject({
      type: 'ElasticNetworkInterface',
      status: 'ATTACHED',
      details: expect.arrayContaining([{ name: 'privateIPv4Address', value: address }]),
    });
    const web = status.status?.containers.find((c) => c.name === 'web');
    expect(web?.networkInterfaces).toEqual([{ attachmentId: status.status?.attachments?.[0]?.id, privateIpv4Address: address }]);
    expect(web?.networkBindings).toEqual([]);

    await h.client.mutate('Task', { cluster: h.cluster, name: 'vpc-1' }, (t) => {
      t.spec.desiredStatus = 'STOPPED';
    });
    const stopped = await h.waitForTask('vpc-1', (t) => t.status?.lastStatus === 'STOPPED', 15_000);
    expect(stopped.status?.attachments?.[0]?.status).toBe('DELETED');
    await eventually(async () => (await sandboxes('vpc-1')).length === 0, 5_000, 'the sandbox removed with the task');
  });

  it('a restarted agent removes the sandbox and containers a deleted task left behind', async () => {
    const td = await h.taskDefinition('vpc-left', [container('app', { command: ['sleep', '300'] })], { networkMode: 'awsvpc' });
    await h.runTask('left-1', td);
    await h.waitForTask('left-1', (t) => t.status?.lastStatus === 'RUNNING', 15_000);
    expect(await sandboxes('left-1')).toHaveLength(1);
    await h.stopAgents();
    // While no agent runs, the task goes from the store: nothing of it may stay on the engine.
    await h.client.delete('Task', { cluster: h.cluster, name: 'left-1' });
    await h.startAgent();
    await eventually(
      async () => (await h.containers({ [DOCKER_LABELS.task]: 'left-1' })).length === 0,
      10_000,
      'the dead task’s sandbox and container removed',
    );
  });
});
