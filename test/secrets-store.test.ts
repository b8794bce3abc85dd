/**
 * Secrets on the real stores, over the real API server: values sealed at rest (the raw store and,
 * for the embedded store, its files on disk hold no plaintext), never in any API answer (get, list,
 * watch, create, patch), roles per cluster, and values served only to the agent of the instance a
 * task is bound to.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyFileSource } from '../api/usecases/secrets/cipher.js';
import { taskSecretsPath } from '../api/paths.js';
import { SqliteStore } from '../api/store/sqlite.js';
import { API, instance, raw, startApi, takeEvents, task, type RunningApi } from './api-harness.js';
import { openTestEtcd, type TestStore } from './support/stores.js';

const PLAIN = 'hunter2-plaintext-value';
const secret = (name: string, stringData: Record<string, string>) => ({ apiVersion: API, kind: 'Secret' as const, metadata: { name }, spec: { stringData } });
const definition = {
  apiVersion: API,
  kind: 'TaskDefinition' as const,
  metadata: { name: 'web' },
  spec: {
    containerDefinitions: [
      {
        name: 'app',
        image: 'berth.local/busybox:1',
        memory: 32,
        secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf' }],
      },
    ],
  },
};

interface Backend extends TestStore {
  /** Every byte the backend keeps on disk, when it is the embedded store. */
  files?: () => Buffer[];
}

async function sqliteBackend(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-secrets-'));
  const store = new SqliteStore({ dataDir: dir });
  return {
    store,
    files: () => readdirSync(dir).map((f) => readFileSync(join(dir, f))),
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.each<[string, () => Promise<Backend>]>([
  ['etcd', openTestEtcd],
  ['sqlite', sqliteBackend],
])('secrets on %s', (_name, open) => {
  let backend: Backend;
  let api: RunningApi;
  let keyDir: string;
  beforeEach(async () => {
    backend = await open();
    keyDir = mkdtempSync(join(tmpdir(), 'berth-secret-key-'));
    api = await startApi(backend, { secretKeys: keyFileSource(join(keyDir, 'secrets.key'), { create: true }) });
  });
  afterEach(async () => {
    await api.stop();
    await backend.dispose();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('is sealed at rest and shown only as names and sizes, whatever the answer', async () => {
    const admin = api.client();
    const watch = admin.watch('Secret', { cluster: 'default' });
    const events = watch[Symbol.asyncIterator]();
    const created = await admin.create(secret('db', { password: PLAIN }));
    const patched = await admin.patch('Secret', { name: 'db' }, { metadata: { labels: { a: 'b' } } });
    const answers = [
      created,
      patched,
      await admin.get('Secret', { name: 'db' }),
      (await admin.list('Secret', { cluster: 'default' })).items,
      await takeEvents(events, 2),
      (await raw(`${api.url}/apis/berth.dev/v1/clusters/default/secrets/db`, { token: api.adminToken })).body,
    ];
    await watch.cancel();
    for (const answer of answers) {
      const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
      expect(text).not.toContain(PLAIN);
      expect(text).not.toContain('sealed');
      expect(text).not.toContain('ciphertext');
    }
    expect(patched.spec).toEqual({ type: 'Opaque', keys: { password: PLAIN.length } });

    // The raw store: a seal, no plaintext; and the embedded store's files on disk neither.
    const stored = (await backend.store.range('')).items.map((kv) => kv.value).join('\n');
    expect(stored).toContain('ciphertext');
    expect(stored).not.toContain(PLAIN);
    expect(stored).not.toContain(Buffer.from(PLAIN).toString('base64'));
    for (const file of backend.files?.() ?? []) expect(file.includes(PLAIN)).toBe(false);

    // A label change (no values sent) kept the values: the agent of a bound task reads them.
    await api.resources.create(definition);
    await api.resources.create(instance('i-1'));
    await api.resources.create(task('t1', 'i-1'));
    const agent = api.client(await api.tokens.issueAgentToken('default', 'i-1'));
    expect(await agent.taskSecrets({ cluster: 'default', name: 't1' })).toEqual({
      ok: true,
      containers: { app: { environment: { DB_PASSWORD: PLAIN }, logOptions: {}, environmentFiles: {} } },
    });
  });

  it('serves values only to the agent of the instance the task is bound to', async () => {
    await api.client().create(secret('db', { password: PLAIN }));
    await api.resources.create(definition);
    await api.resources.create(task('t1', 'i-1'));
    await api.resources.create(task('unbound'));
    const path = `${api.url}${taskSecretsPath('default', 't1')}`;
    const other = await api.tokens.issueAgentToken('default', 'i-2');
    const { token: edit } = await api.client().tokens.create({ name: 'dev', grants: { default: 'edit' } });
    for (const [who, token] of [
      ['the agent of another instance', other],
      ['an edit user', edit],
      ['the installation admin', api.adminToken],
    ] as const) {
      const res = await raw(path, { token });
      expect(res.status, who).toBe(403);
      expect(JSON.stringify(res.body)).not.toContain(PLAIN);
    }
    const unbound = await raw(`${api.url}${taskSecretsPath('default', 'unbound')}`, { token: await api.tokens.issueAgentToken('default', 'i-1') });
    expect(unbound.status).toBe(403);
    expect(JSON.stringify(unbound.body)).toMatch(/not bound to any instance/);
  });

  it('roles: view lists names but writes nothing, edit creates; a missing secret is named, never guessed', async () => {
    const { token: view } = await api.client().tokens.create({ name: 'viewer', grants: { default: 'view' } });
    const { token: edit } = await api.client().tokens.create({ name: 'editor', grants: { default: 'edit' } });
    await api.client(edit).create(secret('db', { password: PLAIN }));
    const listed = await api.client(view).list('Secret', { cluster: 'default' });
    expect(listed.items.map((s) => [s.metadata.name, s.spec.keys])).toEqual([['db', { password: PLAIN.length }]]);
    await expect(api.client(view).create(secret('x', { a: 'b' }))).rejects.toMatchObject({ code: 403 });

    await api.resources.create({
      ...definition,
      spec: { containerDefinitions: [{ ...definition.spec.containerDefinitions[0], secrets: [{ name: 'X', valueFrom: 'nope' }] }] },
    });
    await api.resources.create(task('t1', 'i-1'));
    const agent = api.client(await api.tokens.issueAgentToken('default', 'i-1'));
    const answer = await agent.taskSecrets({ name: 't1' });
    expect(answer).toEqual({
      ok: false,
      unresolved: [{ field: 'containerDefinitions[0].secrets[0].valueFrom', reference: 'nope', problem: 'missing', message: 'secret nope not found' }],
    });
  });
});
