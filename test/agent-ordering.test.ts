/**
 * Start order and links on the real engine: a container that depends on another being HEALTHY starts
 * only after Docker's health check passes; links resolve by alias on the task's own network.
 */
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import { eventually } from '../controllers/kit/test-env.js';
import { container, sh, startAgentEnv, type AgentEnv } from './agent-harness.js';

const docker = new Docker();
let h: AgentEnv;

beforeAll(async () => {
  h = await startAgentEnv('ag-order');
  await h.startAgent();
});
afterAll(async () => h?.cleanup());

/** What these tests read of `docker inspect`, parsed at the edge. */
const Inspect = z.object({
  State: z.object({
    StartedAt: z.string(),
    Health: z.object({ Log: z.array(z.object({ End: z.string(), ExitCode: z.number() })) }).optional(),
  }),
});
const inspect = async (id: string) => Inspect.parse(await docker.getContainer(id).inspect());

describe('berth agent start order', () => {
  it('starts a container that depends on HEALTHY only after the health check passed', async () => {
    // db turns ready 2 s after its start: the agent's own check right after the start fails, so
    // app waits for Docker's first check, one interval (5 s) after db's start.
    const td = await h.taskDefinition('ordered', [
      container('db', {
        ...sh('sleep 2; touch /tmp/ready; exec httpd -f -p 8080 -h /www'),
        healthCheck: {
          command: ['CMD-SHELL', 'test -f /tmp/ready && wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1'],
          interval: 5,
          timeout: 2,
          retries: 2,
        },
      }),
      container('app', { command: ['sleep', '300'], dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }] }),
    ]);
    await h.runTask('ordered-1', td);
    const task = await h.waitForTask('ordered-1', (t) => t.status?.lastStatus === 'RUNNING', 20_000);
    expect(task.status?.healthStatus).toBe('HEALTHY');
    const ids = Object.fromEntries((task.status?.containers ?? []).map((c) => [c.name, c.dockerId ?? '']));
    const db = await inspect(ids.db ?? '');
    const app = await inspect(ids.app ?? '');
    const firstPass = db.State.Health?.Log.find((l) => l.ExitCode === 0)?.End ?? '';
    expect(firstPass).not.toBe('');
    expect(Date.parse(app.State.StartedAt)).toBeGreaterThanOrEqual(Date.parse(firstPass));
    expect(Date.parse(app.State.StartedAt) - Date.parse(db.State.StartedAt)).toBeGreaterThan(4000);
    expect(task.status?.containers.find((c) => c.name === 'db')?.healthStatus).toBe('HEALTHY');
  });

  it("a dependency healthy at once satisfies HEALTHY on the agent's first check, long before Docker's", async () => {
    const td = await h.taskDefinition('ordered-fast', [
      container('db', { command: ['sleep', '300'], healthCheck: { command: ['CMD-SHELL', 'test -d /proc'], interval: 60, timeout: 5, retries: 2 } }),
      container('app', { command: ['sleep', '300'], dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }] }),
    ]);
    await h.runTask('ordered-fast-1', td);
    const task = await h.waitForTask('ordered-fast-1', (t) => t.status?.lastStatus === 'RUNNING', 20_000);
    const ids = Object.fromEntries((task.status?.containers ?? []).map((c) => [c.name, c.dockerId ?? '']));
    const db = await inspect(ids.db ?? '');
    const app = await inspect(ids.app ?? '');
    expect(db.State.Health?.Log ?? []).toHaveLength(0); // Docker's first check is a minute away
    expect(Date.parse(app.State.StartedAt)).toBeGreaterThanOrEqual(Date.parse(db.State.StartedAt));
    expect(Date.parse(app.State.StartedAt) - Date.parse(db.State.StartedAt)).toBeLessThan(10_000);
  });

  it('links: a container reaches another by its alias on the task network', async () => {
    const td = await h.taskDefinition('linked', [
      container('server', { ...sh('echo hello-from-server > /tmp/index.html && exec httpd -f -p 8080 -h /tmp') }),
      container('client', {
        essential: false,
        links: ['server:webserver'],
        ...sh('i=0; while [ $i -lt 50 ]; do wget -q -O - http://webserver:8080/ | grep -q hello-from-server && exit 0; i=$((i+1)); sleep 0.1; done; exit 1'),
      }),
    ]);
    await h.runTask('linked-1', td);
    const task = await h.waitForTask('linked-1', (t) => t.status?.containers.find((c) => c.name === 'client')?.lastStatus === 'STOPPED', 15_000);
    expect(task.status?.containers.find((c) => c.name === 'client')).toMatchObject({ exitCode: 0 });
    expect(task.status?.lastStatus).toBe('RUNNING');
    const networks = await h.runtime.listNetworks({ labels: { [DOCKER_LABELS.cluster]: h.cluster, [DOCKER_LABELS.task]: 'linked-1' } });
    expect(networks).toHaveLength(1);

    // Stopping the task, then deleting it, removes its containers and its network.
    await h.client.mutate('Task', { cluster: h.cluster, name: 'linked-1' }, (t) => {
      t.spec.desiredStatus = 'STOPPED';
    });
    await h.waitForTask('linked-1', (t) => t.status?.lastStatus === 'STOPPED', 5000);
    await h.client.delete('Task', { cluster: h.cluster, name: 'linked-1' });
    await eventually(async () => (await h.containers({ [DOCKER_LABELS.task]: 'linked-1' })).length === 0, 5000, 'containers removed');
    await eventually(
      async () => (await h.runtime.listNetworks({ labels: { [DOCKER_LABELS.cluster]: h.cluster, [DOCKER_LABELS.task]: 'linked-1' } })).length === 0,
      5000,
      'network removed',
    );
  });
});
