/**
 * A real, throw-away berth state for controller tests: the embedded SQLite store in a temporary
 * directory, the typed resource layer on it, and a client — the same `LocalClient` controllers get
 * inside the server. Tests of controllers that write should use this rather than a fake (the
 * store's resourceVersion and conflict semantics are the point).
 *
 *   const env = await startTestEnv({ clock: new FakeClock(Date.parse('2026-01-01T03:00:00Z')) });
 *   await env.client.create(service);
 *   const manager = new Manager({ client: env.client, clock: env.clock }).add(myController);
 *   ...
 *   await env.stop();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalClient } from '../../api/client/local-client.js';
import { ResourceStore } from '../../api/usecases/resources/resource-store.js';
import { SqliteStore } from '../../api/store/sqlite.js';
import type { Store } from '../../api/store/types.js';
import { realClock, type Clock } from './clock.js';

export interface TestEnvOptions {
  /** Create the `default` cluster (default true). */
  createDefaultCluster?: boolean;
  /**
   * The time the store stamps on objects (creationTimestamp, deletionTimestamp); pass the same clock
   * to the Manager (`env.clock`) so that controllers and the objects they read agree on the time.
   */
  clock?: Clock;
}

export interface TestEnv {
  store: Store;
  resources: ResourceStore;
  /** A LocalClient: what controllers and the in-process agent get, installation() included. */
  client: LocalClient;
  /** The clock this env was started with (the real one by default). */
  clock: Clock;
  /** Close the store and delete its directory. */
  stop(): Promise<void>;
}

export async function startTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-test-env-'));
  const store = new SqliteStore({ dataDir });
  const clock = options.clock ?? realClock;
  const resources = new ResourceStore(store, { now: () => new Date(clock.now()) });
  const client = new LocalClient(resources);
  if (options.createDefaultCluster ?? true) await client.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: 'default' }, spec: {} });
  return {
    store,
    resources,
    client,
    clock,
    stop: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
