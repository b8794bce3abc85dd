/**
 * While etcd is down the API answers 503 with Retry-After (not a 500), and the HTTP client waits
 * and retries until etcd is back. Runs an etcd of its own (ports 23793/23794) so it can stop it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdStore } from '../api/store/etcd.js';
import { resourcePath } from '../api/paths.js';
import { HttpClient } from '../api/client/http-client.js';
import { raw, startApi, type RunningApi } from './api-harness.js';
import { EtcdProcess } from './store-etcd-process.js';

let etcd: EtcdProcess;
let store: EtcdStore;
let api: RunningApi;

beforeAll(async () => {
  etcd = new EtcdProcess(23793, 23794);
  await etcd.start();
  store = new EtcdStore({ endpoints: [etcd.endpoint] });
  api = await startApi({ store, dispose: () => store.close() });
});

afterAll(async () => {
  await api?.stop();
  await store?.close();
  await etcd?.destroy();
});

const clusterUrl = () => `${api.url}${resourcePath({ kind: 'Cluster', name: 'default' })}`;

describe('the store unreachable', () => {
  it('is a retriable 503 with Retry-After on every request, also once etcd3 has opened its circuit breaker', async () => {
    await etcd.stop();
    try {
      // The first failures are gRPC errors; after a few, etcd3's breaker refuses without trying.
      for (let i = 0; i < 5; i++) {
        const res = await raw(clusterUrl(), { token: api.adminToken });
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(res.body).toMatchObject({ reason: 'ServiceUnavailable', details: { retriable: true } });
      }
      const fast = new HttpClient({ server: api.url, token: api.adminToken, unavailableRetryMs: 0 });
      await expect(fast.mustGet('Cluster', { name: 'default' })).rejects.toMatchObject({ name: 'ApiError', code: 503, retriable: true });
      fast.close();
    } finally {
      await etcd.start();
    }
  });

  it('is waited out by the client: a request made while etcd is down succeeds once it is back', async () => {
    await etcd.stop();
    const client = api.client();
    const started = Date.now();
    const restart = new Promise<void>((resolve) => setTimeout(() => void etcd.start().then(resolve), 1500));
    const cluster = await client.mustGet('Cluster', { name: 'default' });
    await restart;
    expect(cluster.metadata.name).toBe('default');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });
});
