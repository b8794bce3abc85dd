/**
 * `berth lb` on a host of its own, with a load balancer token (`berth token create --role lb`):
 * it serves its cluster's listeners and reports its health checks under the token's name, and the
 * token is refused everything else (other kinds, other clusters, the targets, another proxy's
 * report). A real API server over the embedded store and a real HAProxy; no Docker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../api/client/http-client.js';
import { rootLogger } from '../api/log.js';
import { API_PREFIX, TOKENS_PATH } from '../api/paths.js';
import { LbProxy } from '../controllers/lb/proxy/proxy.js';
import { raw, startApi, type RunningApi } from './api-harness.js';
import { eventually } from './support/cluster.js';
import { tempDir } from './support/berth-process.js';
import { openTestSqlite, type TestStore } from './support/stores.js';
import { get, HAPROXY, haproxyInstalled, LB_PORTS, loadBalancer, targetGroup } from './lb-support.js';

const PORT = LB_PORTS.token;
const groups = `${API_PREFIX}/clusters/default/targetgroups`;

describe.skipIf(!haproxyInstalled)('a load balancer token', () => {
  let backend: TestStore;
  let api: RunningApi;
  let token: string;
  let client: HttpClient;
  let proxy: LbProxy;
  const call = (method: string, path: string, body?: unknown) =>
    raw(`${api.url}${path}`, { method, token, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  beforeAll(async () => {
    backend = await openTestSqlite();
    api = await startApi(backend);
    const admin = new HttpClient({ server: api.url, token: api.adminToken });
    await admin.create({ ...targetGroup('web'), metadata: { name: 'web', cluster: 'default' } });
    await admin.create({ ...loadBalancer('front', PORT, 'web'), metadata: { name: 'front', cluster: 'default' } });
    admin.close();
    const res = await raw(`${api.url}${TOKENS_PATH}`, {
      method: 'POST',
      token: api.adminToken,
      body: JSON.stringify({ name: 'edge-a', role: 'lb', cluster: 'default' }),
    });
    expect(res.status).toBe(201);
    token = (res.body as { token: string }).token;
    client = new HttpClient({ server: api.url, token });
    proxy = new LbProxy({
      client,
      cluster: 'default',
      dir: tempDir('berth-lb-token-'),
      name: 'edge-a',
      haproxy: HAPROXY,
      bindAddress: '127.0.0.1',
      intervalMs: 250,
      log: rootLogger,
    });
    await proxy.start();
  });
  afterAll(async () => {
    await proxy?.stop();
    client?.close();
    await api?.stop();
    await backend?.dispose();
  });

  it('serves the listeners and reports under its own name', async () => {
    await eventually(async () => (await get(PORT)).status === 503, 10_000, 'the listener answering (503: no targets yet)');
    await eventually(
      async () => {
        const res = await call('GET', `${groups}/web`);
        const reports = (res.body as { status?: { healthReports?: { proxy: string }[] } }).status?.healthReports ?? [];
        return reports.some((r) => r.proxy === 'edge-a');
      },
      10_000,
      "edge-a's health report in the target group",
    );
  });

  it.each([
    [
      'create a load balancer',
      'POST',
      `${API_PREFIX}/clusters/default/loadbalancers`,
      { ...loadBalancer('evil', 24899, 'web'), metadata: { name: 'evil', cluster: 'default' } },
    ],
    ['list tasks', 'GET', `${API_PREFIX}/clusters/default/tasks`, undefined],
    ['read services', 'GET', `${API_PREFIX}/clusters/default/services`, undefined],
    ['read another cluster', 'GET', `${API_PREFIX}/clusters/other/targetgroups`, undefined],
    ['delete a target group', 'DELETE', `${groups}/web`, undefined],
  ])('may not %s', async (_what, method, path, body) => {
    const res = await call(method, path, body);
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).toContain('load balancer token edge-a');
  });

  it.each([
    ['rewrite the targets', { targets: [{ task: 't', containerName: 'web', containerPort: 80, id: '10.9.9.9', port: 80, service: 'web' }] }, 'status.targets'],
    ['report as another proxy', { healthReports: [{ proxy: 'edge-b', reportedAt: new Date().toISOString(), targets: {} }] }, 'status.healthReports'],
  ])('may not %s in the status', async (_what, status, path) => {
    const res = await call('PATCH', `${groups}/web/status`, { status });
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).toContain(path);
  });
});
