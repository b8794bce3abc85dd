/**
 * Bearer-token authentication and the agent's least-privilege rules, over the real server on
 * etcd; the admin token file; and TLS with a certificate made at test time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminTokenPath, createAdminToken } from '../api/auth/admin-token.js';
import { TokenRegistry } from '../api/auth/tokens.js';
import { ApiError, ApiUnreachableError } from '../api/client/errors.js';
import { API_PREFIX } from '../api/paths.js';
import { sysKeys } from '../api/keys.js';
import { instance, raw, service, startApi, takeEvents, task, type RunningApi } from './api-harness.js';
import { isLoopback } from '../api/server/auth-hooks.js';
import { openTestEtcd, type TestStore, keysSnapshot } from './support/stores.js';

const tasks = `${API_PREFIX}/clusters/default/tasks`;

describe('authentication', () => {
  let backend: TestStore;
  let api: RunningApi;
  beforeEach(async () => {
    backend = await openTestEtcd();
  });
  afterEach(async () => {
    await api.stop();
    await backend.dispose();
  });

  it.each([
    ['no token', 401, undefined, false],
    ['a wrong token', 401, 'berth_not-a-token', false],
    ['the admin token', 200, 'ADMIN', false],
    ['no token from loopback with insecureLoopback', 200, undefined, true],
    ['a wrong token even with insecureLoopback', 401, 'berth_not-a-token', true],
  ])('%s → %i', async (_what, code, token, insecureLoopback) => {
    api = await startApi(backend, { auth: { tokens: new TokenRegistry(backend.store), insecureLoopback } });
    const res = await raw(`${api.url}${tasks}`, { token: token === 'ADMIN' ? api.adminToken : token });
    expect(res.status).toBe(code);
    if (code === 401) expect(res.body).toMatchObject({ kind: 'Status', code: 401, reason: 'Unauthorized' });
  });

  it('stores only the SHA-256 of a token, and a revoked token stops working', async () => {
    api = await startApi(backend);
    const { items } = await backend.store.range(sysKeys.tokensPrefix());
    expect(items.some((kv) => kv.value.includes(api.adminToken))).toBe(false);
    expect(items.length).toBe(1);
    await api.tokens.revoke(api.adminToken);
    expect((await raw(`${api.url}${tasks}`, { token: api.adminToken })).status).toBe(401);
  });
});

it.each([
  ['127.0.0.1', true],
  ['127.8.9.1', true],
  ['::1', true],
  ['::ffff:127.0.0.1', true],
  ['10.0.0.5', false],
  ['::ffff:192.168.1.2', false],
  [undefined, false],
])('isLoopback(%s) is %s: only loopback callers may go without a token under insecureLoopback', (address, expected) => {
  expect(isLoopback(address)).toBe(expected);
});

describe('an agent token', () => {
  let backend: TestStore;
  let api: RunningApi;
  let agentToken: string;
  beforeEach(async () => {
    backend = await openTestEtcd();
    api = await startApi(backend);
    agentToken = await api.tokens.issueAgentToken('default', 'i-1');
    await api.resources.create(task('mine', 'i-1'));
    await api.resources.create(task('theirs', 'i-2'));
    await api.resources.create(service('web'));
    await api.resources.create(instance('i-2'));
  });
  afterEach(async () => {
    await api.stop();
    await backend.dispose();
  });

  it('reads its own tasks, through get, filtered list and filtered watch', async () => {
    const agent = api.client(agentToken);
    expect((await agent.mustGet('Task', { name: 'mine' })).spec.containerInstance).toBe('i-1');
    expect((await agent.list('Task', { cluster: 'default', containerInstance: 'i-1' })).items.map((t) => t.metadata.name)).toEqual(['mine']);
    const listed = await agent.list('Task', { cluster: 'default', containerInstance: 'i-1' });
    const watch = agent.watch('Task', { cluster: 'default', containerInstance: 'i-1', fromRevision: Number(listed.resourceVersion) + 1 });
    const events = watch[Symbol.asyncIterator]();
    await api.resources.patch('Task', { name: 'theirs' }, { spec: { desiredStatus: 'STOPPED' } });
    await api.resources.patch('Task', { name: 'mine' }, { spec: { desiredStatus: 'STOPPED' } });
    const seen = await takeEvents(events, 1);
    await watch.cancel();
    expect(seen.map((e) => `${e.type} ${e.ref.name}`)).toEqual(['MODIFIED mine']);
  });

  it('writes the status of its own tasks and registers its own instance', async () => {
    const agent = api.client(agentToken);
    const running = await agent.patch('Task', { name: 'mine' }, { status: { lastStatus: 'RUNNING' } }, { subresource: 'status' });
    expect(running.status?.lastStatus).toBe('RUNNING');
    const registered = await agent.create(instance('i-1'));
    const { object: heartbeat } = await agent.mutate(
      'ContainerInstance',
      { name: 'i-1' },
      (ci) => void (ci.status = { ...ci.status, agentConnected: true, lastHeartbeat: new Date().toISOString(), runningTasksCount: 0, pendingTasksCount: 0 }),
      { subresource: 'status' },
    );
    expect(heartbeat.status?.agentConnected).toBe(true);
    expect(registered.metadata.name).toBe('i-1');
  });

  it.each([
    ['read a task bound to another instance', 'GET', `${tasks}/theirs`, undefined],
    ["write the status of another instance's task", 'PATCH', `${tasks}/theirs/status`, { status: { lastStatus: 'STOPPED' } }],
    ['change a task spec, even its own', 'PATCH', `${tasks}/mine`, { spec: { desiredStatus: 'STOPPED' } }],
    ['list tasks without the containerInstance filter', 'GET', tasks, undefined],
    ["list another instance's tasks", 'GET', `${tasks}?containerInstance=i-2`, undefined],
    ['create a task', 'POST', tasks, task('new', 'i-1')],
    ['delete its own task', 'DELETE', `${tasks}/mine`, undefined],
    ['write a Service', 'POST', `${API_PREFIX}/clusters/default/services`, service('evil')],
    // An agent reads its own cluster's Services (service discovery answers from them), never another cluster's.
    ['read a Service of another cluster', 'GET', `${API_PREFIX}/clusters/other/services/web`, undefined],
    ['update another instance', 'PATCH', `${API_PREFIX}/clusters/default/containerinstances/i-2/status`, { status: { agentConnected: true } }],
    ['register under another name', 'POST', `${API_PREFIX}/clusters/default/containerinstances`, instance('i-9')],
    ['act in another cluster', 'GET', `${API_PREFIX}/clusters/other/tasks?containerInstance=i-1`, undefined],
    ['list across clusters', 'GET', `${API_PREFIX}/tasks?containerInstance=i-1`, undefined],
    ['read clusters', 'GET', `${API_PREFIX}/clusters`, undefined],
    ['read metrics', 'GET', '/metrics', undefined],
    // The router decodes the path: a percent-encoded /metrics reaches the metrics handler.
    ['read metrics through a percent-encoded path', 'GET', '/%6detrics', undefined],
    ['read metrics through an encoded upper-case escape', 'GET', '/%6Detrics', undefined],
  ])('may not %s (403, nothing written)', async (_what, method, path, body) => {
    const before = await keysSnapshot(api.store);
    const res = await raw(`${api.url}${path}`, {
      method,
      token: agentToken,
      body: body === undefined ? undefined : JSON.stringify(body),
      contentType: method === 'PATCH' ? 'application/merge-patch+json' : undefined,
    });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ kind: 'Status', code: 403, reason: 'Forbidden' });
    expect(await keysSnapshot(api.store)).toBe(before);
  });

  it('gets a Forbidden ApiError from the client with a message saying why', async () => {
    const err = await api
      .client(agentToken)
      .create(service('evil'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(String(err)).toContain('agent token of instance default/i-1');
  });
});

describe('createAdminToken', () => {
  let backend: TestStore;
  let dataDir: string;
  beforeEach(async () => {
    backend = await openTestEtcd();
    dataDir = mkdtempSync(join(tmpdir(), 'berth-admin-token-'));
  });
  afterEach(async () => {
    await backend.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes a 0600 admin.token that authenticates as admin, and reuses it on restart', async () => {
    const registry = new TokenRegistry(backend.store);
    const token = await createAdminToken(registry, join(dataDir, 'data'));
    const path = adminTokenPath(join(dataDir, 'data'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim()).toBe(token);
    expect(await registry.authenticate(token)).toMatchObject({ role: 'admin' });
    expect(await createAdminToken(registry, join(dataDir, 'data'))).toBe(token);
  });
});

describe('TLS', () => {
  let backend: TestStore;
  let api: RunningApi;
  let certDir: string;
  beforeAll(() => {
    certDir = mkdtempSync(join(tmpdir(), 'berth-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(certDir, 'key.pem'),
        '-out',
        join(certDir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
  });
  afterAll(() => rmSync(certDir, { recursive: true, force: true }));
  beforeEach(async () => {
    backend = await openTestEtcd();
    const tls = { cert: readFileSync(join(certDir, 'cert.pem')), key: readFileSync(join(certDir, 'key.pem')) };
    api = await startApi(backend, { tls });
  });
  afterEach(async () => {
    await api.stop();
    await backend.dispose();
  });

  it('serves https; a client given the CA succeeds, one without it is refused', async () => {
    expect(api.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const trusted = api.client(api.adminToken, { ca: readFileSync(join(certDir, 'cert.pem'), 'utf8') });
    expect((await trusted.create(service('web'))).metadata.name).toBe('web');
    expect((await trusted.list('Service')).items).toHaveLength(1);
    await expect(api.client().list('Service')).rejects.toBeInstanceOf(ApiUnreachableError);
  });
});
