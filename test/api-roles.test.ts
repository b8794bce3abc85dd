/**
 * Roles per cluster, token creation, expiry and revocation, and clusters that must exist, over the
 * real server on etcd.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterRole } from '../api/auth/principal.js';
import { API_PREFIX } from '../api/paths.js';
import { eventually, instance, raw, service, startApi, takeEvents, task, type RunningApi } from './api-harness.js';
import { openTestEtcd, type TestStore } from './support/stores.js';

const cluster = (name: string) => ({ apiVersion: 'berth.dev/v1', kind: 'Cluster' as const, metadata: { name }, spec: {} });
const inCluster = <T extends { metadata: object }>(obj: T, c: string) => ({ ...obj, metadata: { ...obj.metadata, cluster: c } });

describe('roles per cluster', () => {
  let backend: TestStore;
  let api: RunningApi;
  const tokenFor = async (role: ClusterRole, where = 'prod') =>
    (await api.client().tokens.create({ name: `${role}@${where}`, grants: { [where]: role } })).token;
  beforeEach(async () => {
    backend = await openTestEtcd();
    api = await startApi(backend);
    for (const c of ['prod', 'staging']) await api.resources.create(cluster(c));
    await api.resources.create(inCluster(service('web'), 'prod'));
    await api.resources.create(inCluster(instance('i-1'), 'prod'));
    await api.resources.create(inCluster(service('web'), 'staging'));
  });
  afterEach(async () => {
    await api.stop();
    await backend.dispose();
  });

  const prod = `${API_PREFIX}/clusters/prod`;
  const merge = 'application/merge-patch+json';
  it.each<[ClusterRole | 'none', string, string, string, object | undefined, number]>([
    ['view', 'read services in its cluster', 'GET', `${prod}/services/web`, undefined, 200],
    ['view', 'not write a service', 'PATCH', `${prod}/services/web`, { spec: { desiredCount: 5 } }, 403],
    ['view', 'not read another cluster', 'GET', `${API_PREFIX}/clusters/staging/services/web`, undefined, 403],
    ['view', 'not list across clusters', 'GET', `${API_PREFIX}/services`, undefined, 403],
    ['edit', 'scale a service', 'PATCH', `${prod}/services/web`, { spec: { desiredCount: 5 } }, 200],
    ['edit', 'create a task', 'POST', `${prod}/tasks`, inCluster(task('t1'), 'prod'), 201],
    ['edit', 'not drain an instance', 'PATCH', `${prod}/containerinstances/i-1`, { spec: { status: 'DRAINING' } }, 403],
    ['edit', 'not write task status', 'PATCH', `${prod}/services/web/status`, { status: { runningCount: 9 } }, 403],
    ['edit', 'not change its cluster (its task policy)', 'PATCH', `${API_PREFIX}/clusters/prod`, { spec: { settings: { a: 'b' } } }, 403],
    ['edit', 'not issue agent tokens', 'POST', `${prod}/containerinstances/i-9/token`, undefined, 403],
    ['admin', 'drain an instance', 'PATCH', `${prod}/containerinstances/i-1`, { spec: { status: 'DRAINING' } }, 200],
    ['admin', 'change its cluster', 'PATCH', `${API_PREFIX}/clusters/prod`, { spec: { settings: { a: 'b' } } }, 200],
    ['admin', 'issue agent tokens for its cluster', 'POST', `${prod}/containerinstances/i-9/token`, undefined, 201],
    ['admin', 'not issue agent tokens for another cluster', 'POST', `${API_PREFIX}/clusters/staging/containerinstances/i-9/token`, undefined, 403],
    ['admin', 'not create clusters', 'POST', `${API_PREFIX}/clusters`, cluster('new'), 403],
    ['admin', 'not list clusters', 'GET', `${API_PREFIX}/clusters`, undefined, 403],
    ['admin', 'not create tokens', 'POST', `${API_PREFIX}/tokens`, { name: 'x', grants: { prod: 'admin' } }, 403],
    ['admin', 'not read metrics', 'GET', '/metrics', undefined, 403],
  ])('%s may %s', async (role, _what, method, path, body, code) => {
    const token = role === 'none' ? undefined : await tokenFor(role);
    const res = await raw(`${api.url}${path}`, {
      method,
      token,
      body: body === undefined ? (method === 'POST' ? '{}' : undefined) : JSON.stringify(body),
      contentType: method === 'PATCH' ? merge : undefined,
    });
    expect(res.status).toBe(code);
  });

  it('a grant in `*` holds in every cluster, and lists across them', async () => {
    const { token } = await api.client().tokens.create({ name: 'auditor', grants: { '*': 'view' } });
    expect((await raw(`${api.url}${API_PREFIX}/services`, { token })).status).toBe(200);
    expect((await raw(`${api.url}${API_PREFIX}/clusters`, { token })).status).toBe(200);
    expect((await raw(`${api.url}${prod}/services/web`, { token, method: 'DELETE' })).status).toBe(403);
  });

  it('refuses a token for a cluster that does not exist, and a role that is not one', async () => {
    await expect(api.client().tokens.create({ name: 'x', grants: { nope: 'view' } })).rejects.toMatchObject({
      name: 'NotFound',
      message: expect.stringContaining('Cluster nope'),
    });
    const res = await raw(`${api.url}${API_PREFIX}/tokens`, {
      method: 'POST',
      token: api.adminToken,
      body: JSON.stringify({ name: 'x', grants: { prod: 'root' } }),
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('grants.prod');
  });

  it('lists tokens by id without the token, and revokes one by id', async () => {
    const created = await api.client().tokens.create({ name: 'ci', grants: { prod: 'edit' } });
    const listed = await api.client().tokens.list();
    expect(listed.find((t) => t.id === created.id)).toMatchObject({ name: 'ci', role: 'user', grants: { prod: 'edit' } });
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect((await raw(`${api.url}${prod}/services/web`, { token: created.token })).status).toBe(200);
    expect(await api.client().tokens.revoke(created.id)).toBe(1);
    expect((await raw(`${api.url}${prod}/services/web`, { token: created.token })).status).toBe(401);
  });
});

describe('tokens end', () => {
  let backend: TestStore;
  let api: RunningApi;
  beforeEach(async () => {
    backend = await openTestEtcd();
    api = await startApi(backend);
    await api.resources.create(cluster('prod'));
  });
  afterEach(async () => {
    await api.stop();
    await backend.dispose();
  });

  it('an expired token is refused', async () => {
    const { token, expiresAt } = await api.client().tokens.create({ name: 'short', grants: { prod: 'view' }, ttlSeconds: 1 });
    expect(Date.parse(expiresAt ?? '')).toBeGreaterThan(Date.now());
    expect((await raw(`${api.url}${API_PREFIX}/clusters/prod/tasks`, { token })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const res = await raw(`${api.url}${API_PREFIX}/clusters/prod/tasks`, { token });
    expect(res.status).toBe(401);
    expect(JSON.stringify(res.body)).toContain('expired');
  });

  it.each([
    ['revoked', async (api: RunningApi, id: string) => void (await api.client().tokens.revoke(id)), 5],
    ['expired', async () => undefined, 1],
  ])('a watch opened with a token ends when the token is %s', async (_how, end, ttlSeconds) => {
    const created = await api.client().tokens.create({ name: 'watcher', grants: { prod: 'view' }, ttlSeconds });
    const watcher = api.client(created.token);
    const list = await watcher.list('Task', { cluster: 'prod' });
    const res = await fetch(`${api.url}${API_PREFIX}/clusters/prod/tasks?watch=1&resourceVersion=${list.resourceVersion}`, {
      headers: { authorization: `Bearer ${created.token}` },
    });
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    let ended = false;
    const drained = (async () => {
      for (;;) {
        const chunk = await reader?.read().catch(() => ({ done: true }));
        if (!chunk || chunk.done) break;
      }
      ended = true;
    })();
    await end(api, created.id);
    await eventually(() => ended, ttlSeconds * 1000 + 3000);
    await drained;
    // And the client cannot resume it: the token no longer authenticates.
    await expect(watcher.list('Task', { cluster: 'prod' })).rejects.toMatchObject({ code: 401 });
  });

  it('a watch stays open while its token is valid', async () => {
    const created = await api.client().tokens.create({ name: 'watcher', grants: { prod: 'view' } });
    const client = api.client(created.token);
    const listed = await client.list('Task', { cluster: 'prod' });
    const watch = client.watch('Task', { cluster: 'prod', fromRevision: Number(listed.resourceVersion) + 1 });
    const events = watch[Symbol.asyncIterator]();
    await api.resources.create(inCluster(task('t1'), 'prod'));
    const seen = await takeEvents(events, 1);
    await watch.cancel();
    expect(seen.map((e) => `${e.type} ${e.ref.name}`)).toEqual(['ADDED t1']);
  });
});

describe('clusters must exist', () => {
  let backend: TestStore;
  let api: RunningApi;
  beforeEach(async () => {
    backend = await openTestEtcd();
    api = await startApi(backend);
  });
  afterEach(async () => {
    await api.stop();
    await backend.dispose();
  });

  it.each([
    ['a service', inCluster(service('web'), 'nope'), 'services'],
    ['a task', inCluster(task('t'), 'nope'), 'tasks'],
    [
      'a task definition',
      {
        apiVersion: 'berth.dev/v1',
        kind: 'TaskDefinition',
        metadata: { name: 'web', cluster: 'nope' },
        spec: { containerDefinitions: [{ name: 'a', image: 'x', memory: 8 }] },
      },
      'taskdefinitions',
    ],
  ])('%s is not created in a cluster that does not exist (404 naming it, nothing written)', async (_what, body, plural) => {
    const res = await raw(`${api.url}${API_PREFIX}/clusters/nope/${plural}`, { method: 'POST', token: api.adminToken, body: JSON.stringify(body) });
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).toContain('Cluster nope not found');
    expect((await api.store.range('/berth/v1/')).items.filter((kv) => kv.key.includes('/nope/'))).toEqual([]);
  });
});
