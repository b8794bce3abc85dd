/**
 * What only the HTTP API has: watch resume across a server restart, 410 for compacted revisions,
 * the Status bodies of refused requests (413, 415, 422, 400, 404, 405), meta endpoints, and a
 * graceful close that ends open watch streams.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../api/paths.js';
import { CompactedError } from '../api/store/errors.js';
import { sysKeys } from '../api/keys.js';
import { eventually, raw, service, startApi, takeEvents, type RunningApi } from './api-harness.js';
import { delegate } from './support/delegate.js';
import { breakableWatches, openTestEtcd, openTestSqlite, type TestStore, keysSnapshot } from './support/stores.js';

const services = (cluster = 'default') => `${API_PREFIX}/clusters/${cluster}/services`;

/** A raw HTTP watch of the default cluster's services (after resourceVersion `from`, when given). */
async function rawWatch(api: RunningApi, from?: string): Promise<{ res: Response; abort(): void }> {
  const controller = new AbortController();
  const after = from === undefined ? '' : `&resourceVersion=${from}`;
  const res = await fetch(`${api.url}${services()}?watch=true${after}`, { headers: { authorization: `Bearer ${api.adminToken}` }, signal: controller.signal });
  return { res, abort: () => controller.abort() };
}

/** The watch's NDJSON lines, read until `pattern` has occurred `count` times; then the watch ends. */
async function linesUntil(watch: { res: Response; abort(): void }, pattern: RegExp, count: number): Promise<unknown[]> {
  const reader = watch.res.body?.getReader();
  let text = '';
  while (reader && (text.match(pattern) ?? []).length < count) text += new TextDecoder().decode((await reader.read()).value);
  watch.abort();
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);
}

describe.each([
  ['etcd', openTestEtcd],
  ['sqlite', openTestSqlite],
])('HTTP API on %s', (_name, open) => {
  let backend: TestStore;
  let api: RunningApi;
  beforeEach(async () => {
    backend = await open();
    api = await startApi(backend, { bodyLimitBytes: 64 * 1024 });
  });
  afterEach(async () => {
    await api.stop();
    await backend.dispose();
  });

  it('a watch resumes across a server restart without losing or repeating events', async () => {
    const client = api.client();
    const listed = await client.list('Service');
    const watch = client.watch('Service', { fromRevision: Number(listed.resourceVersion) + 1 });
    const events = watch[Symbol.asyncIterator]();
    const a = await api.resources.create(service('a'));
    expect((await takeEvents(events, 1)).map((e) => `${e.type} ${e.ref.name}`)).toEqual(['ADDED a']);
    // Changes made while no server runs must still reach the watcher.
    await api.restart(async () => {
      await api.resources.create(service('b'));
      await api.resources.update({ ...a, spec: { ...a.spec, desiredCount: 3 } });
    });
    await api.resources.delete('Service', { name: 'a' });
    const after = await takeEvents(events, 3);
    await watch.cancel();
    expect(after.map((e) => `${e.type} ${e.ref.name}`)).toEqual(['ADDED b', 'MODIFIED a', 'DELETED a']);
  });

  it('streams NDJSON events after the given resourceVersion, with bookmarks', async () => {
    const first = await api.resources.create(service('a'));
    const watch = await rawWatch(api, first.metadata.resourceVersion);
    expect(watch.res.headers.get('content-type')).toContain('application/x-ndjson');
    await api.resources.create(service('b'));
    const lines = (await linesUntil(watch, /BOOKMARK/g, 2)) as { type: string; object: { metadata: { name?: string; resourceVersion: string } } }[];
    expect(lines[0]).toEqual({ type: 'BOOKMARK', object: { metadata: { resourceVersion: first.metadata.resourceVersion } } });
    expect(lines.filter((l) => l.type !== 'BOOKMARK').map((l) => `${l.type} ${l.object.metadata.name}`)).toEqual(['ADDED b']);
  });

  it('streams each object as the API reads it: ADDED and MODIFIED as stored, DELETED as last stored at the deletion revision', async () => {
    const start = await api.resources.create(service('start'));
    const watch = await rawWatch(api, start.metadata.resourceVersion);
    const added = await api.resources.create({ ...service('b'), metadata: { name: 'b', labels: { note: 'a "quoted" value' } } });
    const modified = await api.resources.patch('Service', { name: 'b' }, { spec: { desiredCount: 5 } });
    const { object: deleted } = await api.resources.delete('Service', { name: 'b' });
    const lines = (await linesUntil(watch, /"DELETED"/g, 1)) as { type: string; object: { metadata: { resourceVersion: string } } }[];
    const events = lines.filter((e) => e.type !== 'BOOKMARK');
    // The deletion's revision is the event's own (the shared etcd's current revision moves with other files' writes).
    const deletionRevision = events[2]?.object.metadata.resourceVersion ?? '';
    expect(Number(deletionRevision)).toBeGreaterThan(Number(modified.metadata.resourceVersion));
    expect(events).toEqual([
      { type: 'ADDED', object: added },
      { type: 'MODIFIED', object: modified },
      { type: 'DELETED', object: { ...deleted, metadata: { ...deleted.metadata, resourceVersion: deletionRevision } } },
    ]);
  });

  it('lists objects as the API reads them (made from their stored JSON), filtered and paged', async () => {
    for (const name of ['a', 'b', 'c'])
      await api.resources.create({ ...service(name), metadata: { name, labels: { tier: name === 'b' ? 'back' : 'front "quoted"' } } });
    const read = async (query: string) => {
      const res = await fetch(`${api.url}${services()}${query}`, { headers: { authorization: `Bearer ${api.adminToken}` } });
      expect(res.headers.get('content-type')).toContain('application/json');
      return (await res.json()) as { kind: string; metadata: { resourceVersion: string; continue?: string }; items: unknown[] };
    };
    const all = await read('');
    const expected = await api.resources.list('Service', {});
    expect(all).toEqual({ apiVersion: 'berth.dev/v1', kind: 'ServiceList', metadata: { resourceVersion: expected.resourceVersion }, items: expected.items });
    const front = await read(`?labelSelector=${encodeURIComponent('tier!=back')}`);
    expect(front.items).toEqual(expected.items.filter((s) => s.metadata.name !== 'b'));
    const first = await read('?limit=2');
    expect(first.items).toEqual(expected.items.slice(0, 2));
    const rest = await read(`?limit=2&continue=${encodeURIComponent(first.metadata.continue ?? '')}`);
    expect(rest.items).toEqual(expected.items.slice(2));
  });

  it('answers 413 for a body over the limit and stores nothing', async () => {
    const before = await keysSnapshot(api.store);
    const big = { ...service('big'), metadata: { name: 'big', annotations: { blob: 'x'.repeat(100 * 1024) } } };
    const res = await raw(`${api.url}${services()}`, { method: 'POST', token: api.adminToken, body: JSON.stringify(big) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ kind: 'Status', code: 413, reason: 'RequestEntityTooLarge' });
    expect(await keysSnapshot(api.store)).toBe(before);
  });

  it.each([
    ['POST with text/plain', 'POST', services(), 'text/plain', JSON.stringify(service('x')), 415, 'UnsupportedMediaType'],
    ['POST with merge-patch', 'POST', services(), 'application/merge-patch+json', JSON.stringify(service('x')), 415, 'UnsupportedMediaType'],
    ['malformed JSON', 'POST', services(), 'application/json', '{"kind":', 400, 'BadRequest'],
    ['a JSON array', 'POST', services(), 'application/json', '[]', 400, 'BadRequest'],
    ['body names another object', 'PUT', `${services()}/web`, 'application/json', JSON.stringify(service('other')), 422, 'Invalid'],
    ['body in another cluster', 'POST', services('blue'), 'application/json', JSON.stringify(service('x', { cluster: 'green' })), 422, 'Invalid'],
    ['bad label selector', 'GET', `${services()}?labelSelector=${encodeURIComponent('a in (')}`, undefined, undefined, 400, 'BadRequest'],
    ['bad continue token', 'GET', `${services()}?continue=garbage`, undefined, undefined, 400, 'BadRequest'],
    ['bad dryRun', 'POST', `${services()}?dryRun=Some`, 'application/json', JSON.stringify(service('x')), 400, 'BadRequest'],
    ['unknown kind', 'GET', `${API_PREFIX}/clusters/default/widgets`, undefined, undefined, 404, 'NotFound'],
    ['missing object', 'GET', `${services()}/nope`, undefined, undefined, 404, 'NotFound'],
    ['POST to an object', 'POST', `${services()}/web`, 'application/json', JSON.stringify(service('web')), 405, 'MethodNotAllowed'],
    ['DELETE a collection', 'DELETE', services(), undefined, undefined, 405, 'MethodNotAllowed'],
    // Found by api-fuzz.test.ts: fastify answered a malformed percent-encoding with its own body.
    ['a malformed percent-encoding in the path', 'GET', `${API_PREFIX}/clusters/%`, undefined, undefined, 400, 'BadRequest'],
    ['a malformed percent-encoding in a name', 'PUT', `${services()}/web%zz`, 'application/json', JSON.stringify(service('web')), 400, 'BadRequest'],
  ])('refuses %s with a Status', async (_what, method, path, contentType, body, code, reason) => {
    await api.resources.create(service('web'));
    const res = await raw(`${api.url}${path}`, { method, token: api.adminToken, body, contentType });
    expect(res.status).toBe(code);
    expect(res.body).toMatchObject({ kind: 'Status', code, reason });
  });

  it('fills a missing name, cluster and kind from the URL', async () => {
    await api.resources.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: 'blue' }, spec: {} });
    const res = await raw(`${api.url}${services('blue')}`, {
      method: 'POST',
      token: api.adminToken,
      body: JSON.stringify({ metadata: { name: 'web' }, spec: { taskDefinition: 'web' } }),
    });
    expect(res.status).toBe(201);
    expect((await api.resources.mustGet('Service', { cluster: 'blue', name: 'web' })).metadata.cluster).toBe('blue');
  });

  it('accepts application/json as a merge patch', async () => {
    await api.resources.create(service('web'));
    const res = await raw(`${api.url}${services()}/web`, { method: 'PATCH', token: api.adminToken, body: JSON.stringify({ spec: { desiredCount: 4 } }) });
    expect(res.status).toBe(200);
    expect((await api.resources.mustGet('Service', { name: 'web' })).spec.desiredCount).toBe(4);
  });

  it('serves healthz and readyz without a token, version and metrics with one', async () => {
    expect((await raw(`${api.url}/healthz`)).status).toBe(200);
    expect((await raw(`${api.url}/readyz`)).status).toBe(200);
    expect((await raw(`${api.url}/version`)).status).toBe(401);
    expect((await raw(`${api.url}/version`, { token: api.adminToken })).body).toMatchObject({ apiVersion: 'berth.dev/v1' });
    await raw(`${api.url}${services()}/missing`, { token: api.adminToken });
    const metrics = await raw(`${api.url}/metrics`, { token: api.adminToken });
    expect(String(metrics.body)).toMatch(
      /berth_api_requests_total\{verb="get",route="\/apis\/berth.dev\/v1\/clusters\/\{cluster\}\/services\/\{name\}",code="404",kind="Service"\} 1/,
    );
    expect(String(metrics.body)).toContain('berth_api_request_duration_seconds_bucket');
  });

  it('close() ends open watch streams instead of waiting for them', async () => {
    const watch = api.client().watch('Service');
    const events = watch[Symbol.asyncIterator]();
    const pending = events.next();
    await new Promise((r) => setTimeout(r, 100)); // let the stream open
    const started = Date.now();
    await api.server.close();
    expect(Date.now() - started).toBeLessThan(2000);
    await watch.cancel();
    expect((await pending).done).toBe(true);
  });
});

describe('compaction (own SQLite store: compacting the shared etcd would disturb other test files)', () => {
  let backend: TestStore;
  let api: RunningApi;
  beforeEach(async () => {
    backend = await openTestSqlite();
    api = await startApi(backend);
  });
  afterEach(async () => {
    await api.stop();
    await backend.dispose();
  });

  it('answers 410 Gone for a watch from a compacted revision, and the client gets CompactedError', async () => {
    const a = await api.resources.create(service('a'));
    await api.resources.create(service('b'));
    await api.store.compact(await api.store.currentRevision());
    const res = await raw(`${api.url}${services()}?watch=true&resourceVersion=${Number(a.metadata.resourceVersion) - 1}`, { token: api.adminToken });
    expect(res.status).toBe(410);
    expect(res.body).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    const watch = api.client().watch('Service', { fromRevision: Number(a.metadata.resourceVersion) });
    const err = await takeEvents(watch[Symbol.asyncIterator](), 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CompactedError);
    expect(await watch.closed).toBeInstanceOf(CompactedError);
  });

  it('answers 410 for a continue token whose revision was compacted', async () => {
    for (const name of ['a', 'b', 'c']) await api.resources.create(service(name));
    const page = await api.client().list('Service', { limit: 1 });
    await api.resources.create(service('d'));
    await api.store.compact(await api.store.currentRevision());
    await expect(api.client().list('Service', { limit: 1, continue: page.continue })).rejects.toBeInstanceOf(CompactedError);
  });
});

describe('store watches behind watch streams', () => {
  let backend: TestStore;
  let api: RunningApi;
  let probe: ReturnType<typeof breakableWatches>;
  beforeEach(async () => {
    backend = await openTestEtcd();
    // The watches behind watch streams: not the harness's token mirror's, nor the access-key cache's.
    probe = breakableWatches(backend.store, (prefix) => prefix !== sysKeys.tokensPrefix() && prefix !== sysKeys.accessKeysPrefix());
    api = await startApi({ store: probe.store, dispose: backend.dispose });
  });
  afterEach(async () => {
    await api.stop();
    await backend.dispose();
  });

  it('are cancelled when the client goes away', async () => {
    const watch = await rawWatch(api);
    expect(watch.res.status).toBe(200);
    expect(probe.openWatches()).toBe(1);
    watch.abort();
    await eventually(() => probe.openWatches() === 0);
  });

  it('breaking with compaction mid-stream ends the stream with an ERROR 410, and the client with CompactedError', async () => {
    const { res } = await rawWatch(api);
    const watch = api.client().watch('Service');
    await eventually(() => probe.openWatches() === 2);
    probe.failWatches(new CompactedError(5, 9));
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; object: unknown });
    expect(lines.at(-1)).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410 } });
    const err = await takeEvents(watch[Symbol.asyncIterator](), 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CompactedError);
  });

  it('breaking for another reason makes the client resume where it was, losing nothing', async () => {
    const listed = await api.client().list('Service');
    const watch = api.client().watch('Service', { fromRevision: Number(listed.resourceVersion) + 1 });
    const events = watch[Symbol.asyncIterator]();
    await api.resources.create(service('a'));
    expect((await takeEvents(events, 1)).map((e) => e.ref.name)).toEqual(['a']);
    probe.failWatches(new Error('etcd went away'));
    await api.resources.create(service('b'));
    const next = await takeEvents(events, 1);
    await watch.cancel();
    expect(next.map((e) => `${e.type} ${e.ref.name}`)).toEqual(['ADDED b']);
  });
});

describe('an internal error', () => {
  let backend: TestStore;
  let api: RunningApi;
  beforeEach(async () => {
    backend = await openTestSqlite();
    const broken = delegate(backend.store, {
      get: (key) => (key.includes('/services/') ? Promise.reject(new Error('secret internal detail')) : backend.store.get(key)),
    });
    api = await startApi({ store: broken, dispose: backend.dispose });
  });
  afterEach(async () => {
    await api.stop();
    await backend.dispose();
  });

  it('is a 500 Status naming the request id, without the error text or a stack', async () => {
    const res = await raw(`${api.url}${services()}/web`, { token: api.adminToken });
    expect(res.status).toBe(500);
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body).toMatchObject({ kind: 'Status', code: 500, reason: 'InternalError' });
    expect(JSON.stringify(res.body)).toContain(String(requestId));
    expect(JSON.stringify(res.body)).not.toMatch(/secret internal detail|at .*\.ts/);
  });
});
