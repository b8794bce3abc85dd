/**
 * Task definitions belong to the account, as in ECS: a family registered once is one object that
 * every cluster runs (staging and prod share `web:7`), over the real server on both stores. Roles
 * stay per cluster: registering needs `edit` somewhere, deregistering a revision needs `admin` in
 * every cluster that uses it; a registration keeps the task policy of every cluster following it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterRole } from '../api/auth/principal.js';
import { objectKey } from '../api/keys.js';
import { API_PREFIX } from '../api/paths.js';
import { raw, startApi, type RunningApi } from './api-harness.js';
import { testStoreBackends, type TestStore } from './support/stores.js';

const td = (family: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'TaskDefinition' as const,
  metadata: { name: family },
  spec: { containerDefinitions: [{ name: 'app', image: 'berth.local/busybox:1', memory: 16, ...extra }] },
});
const svc = (name: string, cluster: string, taskDefinition: string) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Service' as const,
  metadata: { name, cluster },
  spec: { taskDefinition, desiredCount: 1 },
});
const merge = 'application/merge-patch+json';

describe.each(testStoreBackends)('task definitions belong to the account (%s)', (_name, open) => {
  let backend: TestStore;
  let api: RunningApi;
  const tokenFor = async (grants: Record<string, ClusterRole>) => (await api.client().tokens.create({ name: JSON.stringify(grants), grants })).token;
  beforeEach(async () => {
    backend = await open();
    api = await startApi(backend);
    for (const name of ['staging', 'prod']) await api.resources.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name }, spec: {} });
  });
  afterEach(async () => {
    await api.stop();
    await backend.dispose();
  });

  it('one family, one counter, one object: registered from staging, read as the same web:1 from prod and from the account path', async () => {
    const staged = await raw(`${api.url}${API_PREFIX}/clusters/staging/taskdefinitions`, {
      method: 'POST',
      token: api.adminToken,
      body: JSON.stringify(td('web')),
    });
    expect(staged.status).toBe(201);
    const fromProd = await raw(`${api.url}${API_PREFIX}/clusters/prod/taskdefinitions`, {
      method: 'POST',
      token: api.adminToken,
      body: JSON.stringify(td('web', { cpu: 64 })),
    });
    expect(fromProd.body).toMatchObject({ metadata: { name: 'web:2' } });
    const viaProd = await raw(`${api.url}${API_PREFIX}/clusters/prod/taskdefinitions/web:1`, { token: api.adminToken });
    const viaAccount = await raw(`${api.url}${API_PREFIX}/taskdefinitions/web:1`, { token: api.adminToken });
    expect(viaProd.status).toBe(200);
    expect(viaAccount.body).toEqual(viaProd.body);
    expect(await backend.store.get(objectKey({ kind: 'TaskDefinition', cluster: 'ignored', name: 'web:1' }))).toBeDefined();
    const names = (await api.client().list('TaskDefinition', { cluster: 'staging' })).items.map((t) => t.metadata.name);
    expect(names).toEqual(['web:1', 'web:2']);
    expect((await api.client().list('TaskDefinition')).items.map((t) => t.metadata.name)).toEqual(names);
  });

  it('services in two clusters share a revision; a family registered from anywhere reaches both', async () => {
    await api.client().create(td('web'));
    await api.client().create(svc('web', 'staging', 'web'));
    await api.client().create(svc('web', 'prod', 'web:1'));
    // Registering through the account's own path, with a cluster that does not exist in the body.
    const res = await raw(`${api.url}${API_PREFIX}/taskdefinitions`, {
      method: 'POST',
      token: api.adminToken,
      body: JSON.stringify({ ...td('web', { cpu: 32 }), metadata: { name: 'web', cluster: 'nowhere' } }),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ metadata: { name: 'web:2', cluster: 'default' } });
  });

  it.each<[string, Record<string, ClusterRole>, string, string, object | undefined, number]>([
    ['view in one cluster reads every definition', { staging: 'view' }, 'GET', '/taskdefinitions/web:1', undefined, 200],
    ['view in one cluster lists them from another', { staging: 'view' }, 'GET', '/clusters/prod/taskdefinitions', undefined, 200],
    ['view may not register', { staging: 'view' }, 'POST', '/taskdefinitions', td('web'), 403],
    ['edit in one cluster registers for all', { staging: 'edit' }, 'POST', '/taskdefinitions', td('web'), 201],
    [
      'edit may not deregister a revision another cluster uses',
      { staging: 'edit' },
      'PATCH',
      '/taskdefinitions/web:1/status',
      { status: { status: 'INACTIVE' } },
      403,
    ],
    [
      'admin in staging alone may not deregister what prod runs',
      { staging: 'admin' },
      'PATCH',
      '/clusters/staging/taskdefinitions/web:1/status',
      { status: { status: 'INACTIVE' } },
      403,
    ],
    [
      'admin in both clusters that use it deregisters it',
      { staging: 'admin', prod: 'admin' },
      'PATCH',
      '/taskdefinitions/web:1/status',
      { status: { status: 'INACTIVE' } },
      200,
    ],
    ['admin in * deregisters it', { '*': 'admin' }, 'PATCH', '/taskdefinitions/web:1/status', { status: { status: 'INACTIVE' } }, 200],
    ['edit deregisters a revision nothing uses', { staging: 'edit' }, 'PATCH', '/taskdefinitions/other:1/status', { status: { status: 'INACTIVE' } }, 200],
  ])('%s', async (_what, grants, method, path, body, code) => {
    await api.client().create(td('web'));
    await api.client().create(td('other'));
    await api.client().create(svc('web', 'staging', 'web'));
    await api.client().create(svc('web', 'prod', 'web:1'));
    const token = await tokenFor(grants);
    const res = await raw(`${api.url}${API_PREFIX}${path}`, {
      method,
      token,
      body: body === undefined ? undefined : JSON.stringify(body),
      contentType: method === 'PATCH' ? merge : undefined,
    });
    expect(res.status).toBe(code);
    if (code === 403 && method === 'PATCH') expect(JSON.stringify(res.body)).toContain('cluster');
  });

  it('a registration keeps the task policy of every cluster whose services follow the family', async () => {
    await api.client().patch('Cluster', { name: 'staging' }, { spec: { taskPolicy: { level: 'privileged' } } });
    await api.client().create(td('web'));
    await api.client().create(svc('web', 'prod', 'web'));
    const privileged = td('web', { privileged: true });
    const res = await raw(`${api.url}${API_PREFIX}/clusters/staging/taskdefinitions`, {
      method: 'POST',
      token: api.adminToken,
      body: JSON.stringify(privileged),
    });
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).toContain('task policy of cluster prod');
    expect(await api.resources.get('TaskDefinition', { name: 'web:2' })).toBeUndefined();
    // A family nobody in prod follows is the staging policy's business alone.
    const other = await raw(`${api.url}${API_PREFIX}/clusters/staging/taskdefinitions`, {
      method: 'POST',
      token: api.adminToken,
      body: JSON.stringify(td('tools', { privileged: true })),
    });
    expect(other.status).toBe(201);
  });
});
