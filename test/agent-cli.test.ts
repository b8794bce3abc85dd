/**
 * The real `berth agent` binary against an API server: it registers its instance with the agent
 * token from BERTH_TOKEN, runs a bound task, and on SIGTERM exits cleanly, leaving the container
 * running for the next agent to adopt.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpClient } from '../api/client/http-client.js';
import { DockerRuntime } from '../controllers/agent/runtime/docker.js';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import { eventually } from '../controllers/kit/test-env.js';
import { container } from './agent-harness.js';
import { startApi, type RunningApi } from './api-harness.js';
import { BERTH_BIN, berthEnv, tempDir } from './support/berth-process.js';
import { openTestSqlite, type TestStore } from './support/stores.js';
import { join } from 'node:path';

const cluster = `ag-cli-${randomUUID().slice(0, 8)}`;
const runtime = new DockerRuntime();
let backend: TestStore;
let api: RunningApi;
let admin: HttpClient;

beforeAll(async () => {
  backend = await openTestSqlite();
  api = await startApi(backend);
  admin = api.client();
  await admin.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: cluster }, spec: {} });
});
afterAll(async () => {
  for (const c of await runtime.listContainers({ labels: { [DOCKER_LABELS.cluster]: cluster } })) await runtime.removeContainer(c.id);
  await api?.stop();
  await backend?.dispose();
});

describe('berth agent (the binary)', () => {
  it('registers, runs a task, and stops on SIGTERM leaving the container running', async () => {
    const token = await admin.issueAgentToken(cluster, 'cli-1');
    const env = { ...berthEnv(join(tempDir('berth-agent-cli-'), 'config')), BERTH_SERVER: api.url, BERTH_TOKEN: token };
    const child = spawn(
      process.execPath,
      [BERTH_BIN, 'agent', '--cluster', cluster, '--name', 'cli-1', '--attribute', 'role=cli', '--memory', '1024', '--logs-listen', '127.0.0.1:0'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | string>((res) => child.once('exit', (code, signal) => res(code ?? signal ?? 'unknown')));
    try {
      const t0 = Date.now();
      const ci = await eventually(() => admin.get('ContainerInstance', { cluster, name: 'cli-1' }), 15_000, `instance registered (output: ${out})`);
      process.stdout.write(`[measure] berth agent process start → instance registered: ${Date.now() - t0} ms\n`);
      expect(ci.spec.attributes.role).toBe('cli');
      expect(ci.spec.registeredResources.memory).toBe(1024);

      await admin.create({
        apiVersion: 'berth.dev/v1',
        kind: 'TaskDefinition',
        metadata: { name: 'web', cluster },
        spec: { containerDefinitions: [container('app', { command: ['sleep', '300'] })] },
      });
      await admin.create({
        apiVersion: 'berth.dev/v1',
        kind: 'Task',
        metadata: { name: 't1', cluster },
        spec: { taskDefinition: 'web:1', containerInstance: 'cli-1' },
      });
      const task = await eventually(
        async () => {
          const t = await admin.get('Task', { cluster, name: 't1' });
          return t?.status?.lastStatus === 'RUNNING' ? t : undefined;
        },
        15_000,
        'task RUNNING',
      );

      const t1 = Date.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      process.stdout.write(`[measure] berth agent exit after SIGTERM: ${Date.now() - t1} ms\n`);
      const left = await runtime.listContainers({ labels: { [DOCKER_LABELS.cluster]: cluster } });
      expect(left.map((c) => [c.id, c.state])).toEqual([[task.status?.containers[0]?.dockerId, 'running']]);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
