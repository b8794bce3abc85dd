/**
 * A remote agent's own /metrics: the real `berth agent --metrics-listen` binary serves its series
 * (container starts, labelled by instance) in Prometheus's text format to a scrape token, and
 * refuses a call without a token, with a token that is not one, and with one the API server never
 * made (it judges them: the agent holds no token registry).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENS_PATH } from '../api/paths.js';
import { TokenRegistry } from '../api/auth/tokens.js';
import { DockerRuntime } from '../controllers/agent/runtime/docker.js';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import { eventually } from '../controllers/kit/test-env.js';
import { container } from './agent-harness.js';
import { raw, startApi, type RunningApi } from './api-harness.js';
import { BERTH_BIN, berthEnv, tempDir } from './support/berth-process.js';
import { openTestSqlite, type TestStore } from './support/stores.js';

/** From this helper's metrics range (25100-25199). */
const METRICS_PORT = 25100;
const METRICS_URL = `http://127.0.0.1:${METRICS_PORT}/metrics`;
const cluster = `ag-metrics-${randomUUID().slice(0, 8)}`;
const runtime = new DockerRuntime();
let backend: TestStore;
let api: RunningApi;
let child: ChildProcess | undefined;
let output = '';
let scrapeToken = '';
let agentToken = '';

beforeAll(async () => {
  backend = await openTestSqlite();
  api = await startApi(backend, { auth: { tokens: new TokenRegistry(backend.store) } });
  const admin = api.client();
  await admin.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: cluster }, spec: {} });
  const res = await raw(`${api.url}${TOKENS_PATH}`, { method: 'POST', token: api.adminToken, body: JSON.stringify({ name: 'prometheus', role: 'scrape' }) });
  expect(res.status).toBe(201);
  scrapeToken = (res.body as { token: string }).token;
  agentToken = await admin.issueAgentToken(cluster, 'm-1');
  const env = { ...berthEnv(join(tempDir('berth-agent-metrics-'), 'config')), BERTH_SERVER: api.url, BERTH_TOKEN: agentToken };
  child = spawn(
    process.execPath,
    [BERTH_BIN, 'agent', '--cluster', cluster, '--name', 'm-1', '--memory', '1024', '--no-logs', '--metrics-listen', `127.0.0.1:${METRICS_PORT}`],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await eventually(() => output.includes('serves /metrics'), 15_000, `the agent serving metrics (output: ${output})`);
  // One task, so the agent has started a container to count.
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
    spec: { taskDefinition: 'web:1', containerInstance: 'm-1' },
  });
  await eventually(async () => (await admin.get('Task', { cluster, name: 't1' }))?.status?.lastStatus === 'RUNNING', 15_000, 'task RUNNING');
}, 40_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child?.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  for (const c of await runtime.listContainers({ labels: { [DOCKER_LABELS.cluster]: cluster } })) await runtime.removeContainer(c.id);
  await api?.stop();
  await backend?.dispose();
});

const scrape = (token?: string) => fetch(METRICS_URL, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

describe('berth agent --metrics-listen', () => {
  it('serves its metrics to a scrape token, in a format Prometheus parses, with the container it started', async () => {
    const res = await scrape(scrapeToken);
    expect(res.status).toBe(200);
    const families = parsePrometheusTextFormat(await res.text());
    const starts = families.find((f) => f.name === 'berth_agent_container_starts_total');
    expect(starts?.metrics).toEqual([expect.objectContaining({ labels: { instance: 'm-1' } })]);
    const counted = starts?.metrics[0];
    expect(counted && 'value' in counted ? Number(counted.value) : 0).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['no token', undefined, 401],
    ['a token the API server never made', 'not-a-token', 403],
    ["the instance's own agent token (not a scrape one)", () => agentToken, 403],
  ] as const)('refuses %s', async (_what, token, code) => {
    const res = await scrape(typeof token === 'function' ? token() : token);
    expect(res.status).toBe(code);
    expect(await res.text()).not.toContain('berth_agent');
  });
});
