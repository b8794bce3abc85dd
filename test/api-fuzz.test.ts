/**
 * Property tests of the HTTP API's writes, against a real in-process API server over the embedded
 * SQLite store: creates, updates and merge patches (of objects and of their status) with bodies
 * made from valid objects with one to three places broken, arbitrary JSON, text that is not JSON,
 * and various content types. Whatever the request:
 * - the answer is never a 5xx;
 * - a refused write leaves the store exactly as it was (no partial write), and so does a dry run;
 * - a refusal is a Status, and a 422 lists causes that each name the field;
 * - an accepted write answers with a valid object, and that object is what the store now holds.
 */
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourcePath } from '../api/paths.js';
import { Status } from '../api/server/status.js';
import type { KindName } from '../api/keys.js';
import { isPlainObject } from '../api/merge-patch.js';
import { validateObject } from '../api/v1/index.js';
import { raw, startApi, type RunningApi } from './api-harness.js';
import { fuzzParams, fuzzTimeout } from './support/fuzz.js';
import { CORPUS, mutantOf, oddValue } from './support/fuzz-objects.js';
import { keysSnapshot, openTestSqlite, type TestStore } from './support/stores.js';

let backend: TestStore;
let api: RunningApi;

/** One stored object of each kind, the target of updates and patches. */
const targets: { kind: KindName; name: string; body: Record<string, unknown> }[] = [];

const KINDS: KindName[] = ['Cluster', 'ContainerInstance', 'TaskDefinition', 'Task', 'Service'];
const urlOf = (kind: KindName, name?: string, status = false) =>
  `${api.url}${resourcePath({ kind, cluster: kind === 'Cluster' ? undefined : 'default', name, subresource: status ? 'status' : undefined })}`;

beforeAll(async () => {
  backend = await openTestSqlite();
  api = await startApi(backend, { bodyLimitBytes: 256 * 1024 });
  for (const kind of KINDS) {
    const body = CORPUS.find((o) => o.kind === kind);
    if (!body) throw new Error(`the fuzz corpus has no ${kind}`);
    const res = await raw(urlOf(kind), { method: 'POST', token: api.adminToken, body: JSON.stringify(body) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const created = validateObject(res.body);
    if (!created.ok) throw new Error(`created ${kind} does not validate`);
    targets.push({ kind, name: created.object.metadata.name, body });
  }
});

afterAll(async () => {
  await api?.stop();
  await backend?.dispose();
});

interface Request {
  method: 'POST' | 'PUT' | 'PATCH';
  url: string;
  body: string;
  contentType: string;
  dryRun: boolean;
}

const target = fc.nat().map((i) => targets[i % targets.length] ?? targets[0]);
const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/merge-patch+json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/yaml',
  'application/x-www-form-urlencoded',
);
const notJson = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', '{', '{"a":', 'null', '[]', '"x"', '1e999', '{"__proto__": {"a": 1}}', '{"constructor": {"prototype": {}}}', '\uFEFF{}'),
);

/** A merge patch: a few fields of the object set to odd values or removed, or any JSON at all. */
const patchBody = (base: Record<string, unknown>) =>
  fc.oneof(
    mutantOf(base),
    fc
      .tuple(fc.constantFrom('spec', 'metadata', 'status'), fc.string({ maxLength: 8 }), fc.oneof(oddValue, fc.constant(null)))
      .map(([part, field, value]) => ({ [part]: { [field]: value } })),
    fc.record({ metadata: fc.record({ labels: fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 6 }), fc.constant(null))) }) }),
    fc.jsonValue({ maxDepth: 3 }),
  );

const request: fc.Arbitrary<Request> = fc
  .tuple(target, fc.constantFrom('POST', 'PUT', 'PATCH', 'PATCH'), fc.boolean(), fc.boolean(), contentType, fc.integer({ min: 0, max: 9 }))
  .chain(([t, method, status, dryRun, type, shape]) => {
    if (!t) throw new Error('no targets');
    const body: fc.Arbitrary<unknown> = method === 'PATCH' ? patchBody(t.body) : mutantOf(t.body);
    const url = method === 'POST' ? urlOf(t.kind) : urlOf(t.kind, t.name, status);
    const text: fc.Arbitrary<string> = shape === 0 ? notJson : body.map((b) => JSON.stringify(b) ?? 'null');
    const ct = method === 'PATCH' && type === 'application/json' ? 'application/merge-patch+json' : type;
    return text.map((b): Request => ({ method, url: dryRun ? `${url}?dryRun=All` : url, body: b, contentType: ct, dryRun }));
  });

function parsedBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** How many leading steps of `path` exist in `value`. */
function reaches(value: unknown, path: (string | number)[]): number {
  let node = value;
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    if (Array.isArray(node) && typeof step === 'number' && step < node.length) node = node[step];
    else if (isPlainObject(node) && typeof step === 'string' && Object.hasOwn(node, step)) node = node[step];
    else return i;
  }
  return path.length;
}

async function send(r: Request) {
  return raw(r.url, { method: r.method, token: api.adminToken, body: r.body, contentType: r.contentType });
}

async function expectAnsweredWell(r: Request): Promise<void> {
  const before = await keysSnapshot(api.store);
  const res = await send(r);
  const where = `${r.method} ${r.url} (${r.contentType}) ${r.body.slice(0, 300)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
  expect(res.status, where).toBeLessThan(500);
  if (res.status >= 400) {
    expect(await keysSnapshot(api.store), `refused, yet the store changed: ${where}`).toBe(before);
    const status = Status.safeParse(res.body);
    expect(status.success, `not a Status: ${where}`).toBe(true);
    if (status.success && res.status === 422) {
      const causes = status.data.details?.causes ?? [];
      expect(causes.length, where).toBeGreaterThan(0);
      for (const cause of causes) expect(cause.path, where).toBeDefined();
      // A create or update is judged as sent (the URL's identity filled in): each cause leads into the body.
      const sent = r.method === 'PATCH' ? undefined : parsedBody(r.body);
      for (const cause of sent ? causes : []) {
        const path = cause.path ?? [];
        const filled = path[0] === 'apiVersion' || path[0] === 'kind' || path[0] === 'metadata';
        if (!filled) expect(reaches(sent, path), `cause ${cause.field} leads out of the body: ${where}`).toBeGreaterThanOrEqual(path.length - 1);
      }
    }
    return;
  }
  const written = validateObject(res.body);
  expect(written.ok, `answered with an invalid object: ${where}`).toBe(true);
  if (r.dryRun) {
    expect(await keysSnapshot(api.store), `dry run, yet the store changed: ${where}`).toBe(before);
    return;
  }
  if (!written.ok) return;
  const { kind, metadata } = written.object;
  const stored = await raw(urlOf(kind, metadata.name), { token: api.adminToken });
  expect(stored.body, where).toEqual(res.body);
}

describe('HTTP API writes (fuzz, embedded SQLite store)', () => {
  it('answer any create, update or merge patch without a 5xx; a refused one changes nothing', { timeout: fuzzTimeout(60_000) }, async () => {
    await fc.assert(fc.asyncProperty(request, expectAnsweredWell), fuzzParams(250));
  });

  it('answer any list query or object path without a 5xx; a bad label selector is a 400 naming its column', { timeout: fuzzTimeout(60_000) }, async () => {
    const selectorText = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.array(fc.constantFrom('app', '=', '!=', 'in', '(', ')', ',', '!', ' ', 'web', '%', '&'), { maxLength: 8 }).map((t) => t.join('')),
    );
    const query = fc.record(
      {
        labelSelector: selectorText,
        limit: fc.oneof(fc.nat().map(String), fc.string({ maxLength: 4 })),
        continue: fc.string({ maxLength: 12 }),
        resourceVersion: fc.string({ maxLength: 4 }),
        dryRun: fc.string({ maxLength: 4 }),
        watch: fc.constantFrom('false', '0', 'x'),
      },
      { requiredKeys: [] },
    );
    const segment = fc.oneof(
      fc.constantFrom('min-service', 'web:1', '%', '%zz', '..', 'status', 'a%2Fb', '\u00e9'),
      fc.string({ maxLength: 8 }).map(encodeURIComponent),
    );
    const path = fc
      .tuple(fc.constantFrom(...KINDS), fc.option(segment, { nil: undefined }), fc.option(segment, { nil: undefined }))
      .map(([kind, a, b]) => `${urlOf(kind)}${a === undefined ? '' : `/${a}`}${b === undefined ? '' : `/${b}`}`);
    await fc.assert(
      fc.asyncProperty(path, query, fc.constantFrom('GET', 'DELETE'), async (url, q, method) => {
        const before = await keysSnapshot(api.store);
        const target = `${url}?${new URLSearchParams(q).toString()}`;
        // DELETE only with a dry run or to names that do not exist: the corpus objects must stay.
        const safe = method === 'GET' || q.dryRun === 'All' || !targets.some((t) => url.endsWith(`/${encodeURIComponent(t.name)}`));
        if (!safe) return;
        const res = await raw(target, { method, token: api.adminToken });
        const where = `${method} ${target} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
        expect(res.status, where).toBeLessThan(500);
        if (res.status >= 400) {
          expect(Status.safeParse(res.body).success, where).toBe(true);
          expect(await keysSnapshot(api.store), where).toBe(before);
        }
        if (res.status === 400 && JSON.stringify(res.body).includes('invalid label selector')) expect(JSON.stringify(res.body), where).toMatch(/at column \d+/);
      }),
      fuzzParams(200),
    );
  });

  /** A body nested a few thousand levels deep once overflowed the server's stack (a 500). */
  it('answer a deeply nested body without a 5xx', { timeout: fuzzTimeout(60_000) }, async () => {
    // A small description of the request, so that a failure prints the depth, not the body.
    const deep = fc.record({
      depth: fc.integer({ min: 1, max: 20_000 }),
      method: fc.constantFrom<Request['method']>('PATCH', 'PUT', 'POST'),
      array: fc.boolean(),
      target,
    });
    await fc.assert(
      fc.asyncProperty(deep, ({ depth, method, array, target: t }) => {
        if (!t) throw new Error('no targets');
        const nested = array ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
        const body =
          method === 'PATCH'
            ? `{"metadata":{"annotations":{"a":${nested}}}}`
            : JSON.stringify({ ...t.body, spec: { deep: 0 } }).replace('"deep":0', `"deep":${nested}`);
        const url = method === 'POST' ? urlOf(t.kind) : urlOf(t.kind, t.name);
        return expectAnsweredWell({ method, url, body, contentType: method === 'PATCH' ? 'application/merge-patch+json' : 'application/json', dryRun: false });
      }),
      fuzzParams(30),
    );
  });
});
