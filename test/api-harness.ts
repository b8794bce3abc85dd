/**
 * Test fixtures for the API: a real server on 127.0.0.1 (port 0) over a real store, typed clients
 * against it, and small object builders. Used by test/api-*.test.ts.
 */
import { ResourceStore } from '../api/usecases/resources/resource-store.js';
import { TokenRegistry } from '../api/auth/tokens.js';
import { TokenMirror } from '../api/auth/token-mirror.js';
import { pino } from 'pino';
import { createApiServer, type ApiServer, type ApiServerOptions } from '../api/server/index.js';
import { HttpClient } from '../api/client/http-client.js';
import type { Store } from '../api/store/types.js';
import { randomBytes } from 'node:crypto';
import { SecretCipher, type SecretKeySource } from '../api/usecases/secrets/cipher.js';

/** A throw-away secrets key in memory, so every test server can store Secrets. */
export function memoryKeys(): SecretKeySource {
  const cipher = new SecretCipher([{ id: 'test', key: randomBytes(32) }]);
  return { description: 'in memory (test)', cipher: () => cipher };
}
import type { TestStore } from './support/stores.js';

export const API = 'berth.dev/v1';

export const service = (name: string, extra: { labels?: Record<string, string>; desiredCount?: number; cluster?: string } = {}) => ({
  apiVersion: API,
  kind: 'Service' as const,
  metadata: { name, labels: extra.labels, ...(extra.cluster ? { cluster: extra.cluster } : {}) },
  spec: { taskDefinition: 'web', desiredCount: extra.desiredCount ?? 2 },
});

export const task = (name: string, containerInstance?: string) => ({
  apiVersion: API,
  kind: 'Task' as const,
  metadata: { name },
  spec: { taskDefinition: 'web:1', ...(containerInstance ? { containerInstance } : {}) },
});

export const instance = (name: string) => ({
  apiVersion: API,
  kind: 'ContainerInstance' as const,
  metadata: { name },
  spec: { registeredResources: { cpu: 2048, memory: 4096 } },
});

export interface RunningApi {
  url: string;
  port: number;
  store: Store;
  resources: ResourceStore;
  tokens: TokenRegistry;
  adminToken: string;
  server: ApiServer;
  /** An HttpClient with the admin token and fast watch retries. */
  client(token?: string, extra?: { ca?: string }): HttpClient;
  /** Stop the server and start a new one on the same store and port. */
  restart(between?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export async function startApi(
  backend: TestStore,
  options: Partial<ApiServerOptions> & { host?: string; secretKeys?: SecretKeySource } = {},
): Promise<RunningApi> {
  const { store } = backend;
  const resources = new ResourceStore(store, { secretKeys: options.secretKeys ?? memoryKeys() });
  // As the control plane runs it: registered tokens answered from a watched mirror.
  const mirror = new TokenMirror(store, pino({ level: 'silent' }));
  mirror.start();
  const tokens = new TokenRegistry(store, mirror);
  const adminToken = await tokens.issueAdminToken();
  // As the control plane does: objects are created only in clusters that exist.
  if (!(await resources.get('Cluster', { name: 'default' })))
    await resources.create({ apiVersion: API, kind: 'Cluster', metadata: { name: 'default' }, spec: {} });
  const host = options.host ?? '127.0.0.1';
  const make = () => createApiServer({ resources, store, auth: { tokens }, bookmarkIntervalMs: 200, closeGraceMs: 300, ...options });
  let server = make();
  const url = await server.listen(host, 0);
  const port = Number(new URL(url).port);
  const clients: HttpClient[] = [];
  const api: RunningApi = {
    url,
    port,
    store,
    resources,
    tokens,
    adminToken,
    get server() {
      return server;
    },
    client(token = adminToken, extra = {}) {
      const c = new HttpClient({ server: url, token, ca: extra.ca, watchRetry: { initialDelayMs: 20, maxDelayMs: 200 } });
      clients.push(c);
      return c;
    },
    async restart(between) {
      await server.close();
      await between?.();
      server = make();
      await server.listen(host, port);
    },
    async stop() {
      for (const c of clients) c.close();
      await server.close();
      await mirror.stop();
    },
  };
  return api;
}

/** The next `n` events of a watch, or fail after `timeoutMs`. */
export async function takeEvents<T>(iterator: AsyncIterator<T[]>, n: number, timeoutMs = 10_000): Promise<T[]> {
  const out: T[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < n) {
    const remaining = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`got ${out.length} of ${n} events within ${timeoutMs} ms`)), remaining)),
    );
    try {
      const next = await Promise.race([iterator.next(), timeout]);
      if (next.done) throw new Error(`watch ended after ${out.length} of ${n} events`);
      out.push(...next.value);
    } finally {
      clearTimeout(timer);
    }
  }
  return out;
}

/** A raw request with the admin token (or none), for status codes and bodies. */
export async function raw(url: string, init: { method?: string; token?: string; body?: string; contentType?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, headers: res.headers };
}

/** The kit's one test poll (bounded; for effects that happen after a socket closes). */
export { eventually } from '../controllers/kit/test-env.js';
