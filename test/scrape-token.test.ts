/**
 * A scrape token (`berth token create --role scrape`): it GETs /metrics, which parses as Prometheus
 * parses it, and is refused every other call, the meta ones any other token may make included.
 * A real API server over the embedded store; no Docker.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX, INSTALLATION_PATH, metaPaths, TOKENS_PATH, WHOAMI_PATH } from '../api/paths.js';
import { TokenRegistry } from '../api/auth/tokens.js';
import { raw, service, startApi, type RunningApi } from './api-harness.js';
import { openTestSqlite, type TestStore } from './support/stores.js';

describe('a scrape token', () => {
  let backend: TestStore;
  let api: RunningApi;
  let token: string;

  beforeAll(async () => {
    backend = await openTestSqlite();
    api = await startApi(backend, { auth: { tokens: new TokenRegistry(backend.store) } });
    const res = await raw(`${api.url}${TOKENS_PATH}`, { method: 'POST', token: api.adminToken, body: JSON.stringify({ name: 'prometheus', role: 'scrape' }) });
    expect(res.status).toBe(201);
    token = (res.body as { token: string }).token;
  });
  afterAll(async () => {
    await api?.stop();
    await backend?.dispose();
  });

  it('reads /metrics, which parses', async () => {
    const res = await fetch(`${api.url}${metaPaths.metrics}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const families = parsePrometheusTextFormat(await res.text());
    expect(families.map((f) => f.name)).toContain('berth_api_requests_total');
  });

  const tasks = `${API_PREFIX}/clusters/default/tasks`;
  it.each([
    ['GET /version', 'GET', metaPaths.version, undefined],
    ['GET whoami', 'GET', WHOAMI_PATH, undefined],
    ['GET the installation', 'GET', INSTALLATION_PATH, undefined],
    ['list tasks', 'GET', tasks, undefined],
    ['watch tasks', 'GET', `${tasks}?watch=true`, undefined],
    ['list clusters', 'GET', `${API_PREFIX}/clusters`, undefined],
    ['create a service', 'POST', `${API_PREFIX}/clusters/default/services`, JSON.stringify(service('web'))],
    ['list tokens', 'GET', TOKENS_PATH, undefined],
    ['create a token', 'POST', TOKENS_PATH, JSON.stringify({ name: 'more', grants: { '*': 'admin' } })],
  ])('is refused: %s', async (_what, method, path, body) => {
    const res = await raw(`${api.url}${path}`, { method, token, body });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ kind: 'Status', code: 403, message: expect.stringContaining('scrape token') });
  });

  it('refuses a scrape token request with grants, naming the field', async () => {
    const res = await raw(`${api.url}${TOKENS_PATH}`, {
      method: 'POST',
      token: api.adminToken,
      body: JSON.stringify({ name: 'p', role: 'scrape', grants: { '*': 'view' } }),
    });
    expect(res.status).toBe(400);
  });

  it('is no scrape token once revoked', async () => {
    const registry = new TokenRegistry(backend.store);
    await registry.revoke(token);
    expect((await fetch(`${api.url}${metaPaths.metrics}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });
});
