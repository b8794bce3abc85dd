/**
 * Leader election for out-of-process controllers, over the real HTTP API (a server on loopback over
 * the embedded store): the Lease's compare-and-swap goes through the API, and of two replicas of an
 * extension only the one holding the Lease reconciles.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineController } from '../controllers/kit/controller.js';
import { Manager } from '../controllers/kit/manager.js';
import { done } from '../controllers/kit/result.js';
import { eventually } from '../controllers/kit/test-env.js';
import { ConflictError } from '../api/client/index.js';
import { service, startApi, type RunningApi } from './api-harness.js';
import { openTestSqlite, type TestStore } from './support/stores.js';

describe('Lease election over HTTP', () => {
  let backend: TestStore;
  let api: RunningApi;
  const stops: AbortController[] = [];
  beforeEach(async () => {
    backend = await openTestSqlite();
    api = await startApi(backend);
  });
  afterEach(async () => {
    for (const s of stops) s.abort();
    await api.stop();
    await backend.dispose();
  });

  it('a stale Lease write is refused with a Conflict', async () => {
    const client = api.client();
    const lease = await client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'Lease',
      metadata: { name: 'x' },
      spec: { holderIdentity: 'a', leaseDurationSeconds: 5 },
    });
    await client.update({ ...lease, spec: { ...lease.spec, holderIdentity: 'b' } });
    await expect(client.update({ ...lease, spec: { ...lease.spec, holderIdentity: 'c' } })).rejects.toBeInstanceOf(ConflictError);
    expect((await client.mustGet('Lease', { name: 'x' })).spec.holderIdentity).toBe('b');
  });

  it('two replicas with their own HTTP clients: one acts, the other takes over when it stops', async () => {
    await api.client().create(service('web'));
    const seen: string[] = [];
    const replica = (who: string) => {
      const manager = new Manager({ client: api.client(), election: { identity: who, name: 'ext', ttlSeconds: 1 } }).add(
        defineController({ name: 'recorder', for: 'Service', reconcile: () => (seen.push(who), done()) }),
      );
      const stop = new AbortController();
      stops.push(stop);
      return { manager, stop, running: manager.run(stop.signal) };
    };
    const a = replica('a');
    const b = replica('b');
    await eventually(() => seen.length > 0, 10_000, 'one acts');
    const leader = seen[0] === 'a' ? a : b;
    const standby = leader === a ? b : a;
    await api.client().create(service('later'));
    await eventually(() => seen.length > 1, 10_000, 'the new service reconciled');
    expect(new Set(seen).size).toBe(1);
    leader.stop.abort();
    await leader.running;
    await eventually(() => standby.manager.health().leader, 10_000, 'the standby leads');
  });
});
