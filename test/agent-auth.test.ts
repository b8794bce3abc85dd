/**
 * A remote agent over the HTTP API with an agent token: an admin issues the token, the agent
 * registers and runs its task with it, and the token cannot touch another instance's tasks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { ApiError } from '../api/client/errors.js';
import type { HttpClient } from '../api/client/http-client.js';
import { Agent } from '../controllers/agent/agent.js';
import { DockerRuntime } from '../controllers/agent/runtime/docker.js';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import { eventually } from '../controllers/kit/test-env.js';
import { agentSettings, parseAttribute, dockerConnection } from '../cli/commands/agent.js';
import { startApi, type RunningApi } from './api-harness.js';
import { container } from './agent-harness.js';
import { openTestSqlite, type TestStore } from './support/stores.js';

const cluster = `ag-auth-${randomUUID().slice(0, 8)}`;
const runtime = new DockerRuntime();
let backend: TestStore;
let api: RunningApi;
let admin: HttpClient;
let agent: Agent | undefined;

beforeAll(async () => {
  backend = await openTestSqlite();
  api = await startApi(backend);
  admin = api.client();
  await admin.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: cluster }, spec: {} });
});
afterAll(async () => {
  await agent?.stop();
  for (const c of await runtime.listContainers({ labels: { [DOCKER_LABELS.cluster]: cluster } })) await runtime.removeContainer(c.id);
  await api?.stop();
  await backend?.dispose();
});

const task = (name: string, instance: string) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Task' as const,
  metadata: { name, cluster },
  spec: { taskDefinition: 'web:1', containerInstance: instance },
});

describe('agent tokens', () => {
  it('only an admin may issue one', async () => {
    const token = await admin.issueAgentToken(cluster, 'i-a');
    expect(token).toMatch(/^berth_/);
    await expect(api.client(token).issueAgentToken(cluster, 'i-b')).rejects.toMatchObject({ code: 403 });
  });

  it("a remote agent registers and runs its task over HTTP, and may not write another instance's task status (403)", async () => {
    const token = await admin.issueAgentToken(cluster, 'i-a');
    const client = api.client(token);
    await admin.create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: 'web', cluster },
      spec: { containerDefinitions: [container('app', { command: ['sleep', '300'] })] },
    });
    await admin.create(task('mine', 'i-a'));
    await admin.create(task('theirs', 'i-b'));

    agent = new Agent({ client, runtime, cluster, instanceName: 'i-a', heartbeatIntervalMs: 1000, steadyStateIntervalMs: 2000 });
    await agent.start();
    const ci = await admin.mustGet('ContainerInstance', { cluster, name: 'i-a' });
    expect(ci.status?.agentConnected).toBe(true);
    const mine = await eventually(
      async () => {
        const t = await admin.get('Task', { cluster, name: 'mine' });
        return t?.status?.lastStatus === 'RUNNING' ? t : undefined;
      },
      10_000,
      'task mine RUNNING',
    );
    expect(mine.status?.containers[0]?.dockerId).toBeDefined();
    // Only its own task ran.
    const names = (await runtime.listContainers({ labels: { [DOCKER_LABELS.cluster]: cluster } })).map((c) => c.labels[DOCKER_LABELS.task]);
    expect(names).toEqual(['mine']);

    const refused = await client
      .patch('Task', { cluster, name: 'theirs' }, { status: { lastStatus: 'RUNNING' } }, { subresource: 'status' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: 403 });
    await expect(
      client.patch('ContainerInstance', { cluster, name: 'i-b' }, { status: { agentConnected: true } }, { subresource: 'status' }),
    ).rejects.toMatchObject({ code: 403 });
  });
});

describe('berth agent flags', () => {
  it('parses attributes, resources and the Docker host', () => {
    expect(parseAttribute('stack=prod=1')).toEqual(['stack', 'prod=1']);
    expect(() => parseAttribute('nope')).toThrow(/NAME=VALUE/);
    expect(agentSettings({ attribute: ['a=b'], cpu: '2048', memory: '512', name: 'i-9' }, 'c1')).toEqual({
      cluster: 'c1',
      instanceName: 'i-9',
      attributes: { a: 'b' },
      resources: { cpu: 2048, memory: 512 },
    });
    expect(() => agentSettings({ attribute: [], cpu: 'lots' }, undefined)).toThrow(/--cpu/);
    expect(agentSettings({ attribute: [], name: 'i-9', gpus: '2', sandboxImage: 'pause:3.9', localLogDriver: 'local' }, 'c1')).toMatchObject({
      resources: { gpu: 2 },
      sandbox: { image: 'pause:3.9' },
      localLogDriver: 'local',
    });
    expect(() => agentSettings({ attribute: [], localLogDriver: 'awslogs' }, undefined)).toThrow(/--local-log-driver "awslogs" must be json-file or local/);
    expect(dockerConnection('unix:///tmp/d2/docker.sock')).toEqual({ socketPath: '/tmp/d2/docker.sock' });
    expect(dockerConnection('tcp://10.0.0.5:2375')).toEqual({ host: '10.0.0.5', port: 2375, protocol: 'http' });
    expect(() => dockerConnection('ssh://x')).toThrow(/--docker-host/);
  });
});
