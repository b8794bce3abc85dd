/**
 * The manager: controllers start only after caches sync, read through the shared cache, and of two
 * managers with election exactly one acts; when it stops, the other takes over.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineController } from './controller.js';
import { Manager } from './manager.js';
import { done } from './result.js';
import { eventually, startTestEnv, type TestEnv } from './test-env.js';

const service = (name: string) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Service' as const,
  metadata: { name },
  spec: { taskDefinition: 'web', desiredCount: 1 },
});

/** A controller that records which manager reconciled which service, and what its cache held then. */
function recorder(seen: { who: string; name: string; cached: number }[], who: string) {
  return defineController({
    name: 'recorder',
    for: 'Service',
    reconcile({ key }, { cache }) {
      seen.push({ who, name: key.name, cached: cache.list('Service').length });
      return done();
    },
  });
}

describe('Manager', () => {
  let env: TestEnv;
  const stops: AbortController[] = [];
  beforeEach(async () => {
    env = await startTestEnv();
  });
  afterEach(async () => {
    for (const s of stops) s.abort();
    await env.stop();
  });
  const run = (manager: Manager) => {
    const stop = new AbortController();
    stops.push(stop);
    return { stop, done: manager.run(stop.signal) };
  };

  it('starts controllers with every cache synced and reconciles existing and new objects', async () => {
    for (const name of ['a', 'b', 'c']) await env.client.create(service(name));
    const seen: { who: string; name: string; cached: number }[] = [];
    const manager = new Manager({ client: env.client }).add(recorder(seen, 'm'));
    run(manager);
    await eventually(() => seen.length >= 3, 5000, 'existing services reconciled');
    expect(seen.slice(0, 3).map((s) => s.cached)).toEqual([3, 3, 3]);
    await env.client.create(service('d'));
    await eventually(() => seen.some((s) => s.name === 'd'), 5000, 'new service reconciled');
    expect(manager.health()).toMatchObject({ leader: true, synced: true, controllers: [{ name: 'recorder' }] });
  });

  it('rejects adding the same controller twice', () => {
    const manager = new Manager({ client: env.client }).add(recorder([], 'x'));
    expect(() => manager.add(recorder([], 'y'))).toThrow(/added twice/);
  });

  it('with election, only the leader acts; the standby takes over when the leader stops', async () => {
    await env.client.create(service('web'));
    const seen: { who: string; name: string; cached: number }[] = [];
    const election = (identity: string) => ({ store: env.store, identity, ttlSeconds: 1 });
    const first = new Manager({ client: env.client, election: election('first') }).add(recorder(seen, 'first'));
    const a = run(first);
    await eventually(() => seen.length > 0, 5000, 'first acts');
    const second = new Manager({ client: env.client, election: election('second') }).add(recorder(seen, 'second'));
    run(second);
    await env.client.create(service('during-first'));
    await eventually(() => seen.some((s) => s.name === 'during-first'), 5000, 'first reconciles the new service');
    expect(new Set(seen.map((s) => s.who))).toEqual(new Set(['first']));
    expect(second.health().leader).toBe(false);

    a.stop.abort();
    await a.done;
    await eventually(() => seen.some((s) => s.who === 'second'), 5000, 'second takes over');
    expect(first.health().leader).toBe(false);
    expect(second.health().leader).toBe(true);
  });

  it('is ready while some replica leads, and says in its metrics whether it leads', async () => {
    const election = (identity: string) => ({ store: env.store, identity, ttlSeconds: 1 });
    const first = new Manager({ client: env.client, election: election('first') }).add(recorder([], 'first'));
    const second = new Manager({ client: env.client, election: election('second') }).add(recorder([], 'second'));
    const notRunning = await second.readiness();
    expect(notRunning.find((c) => c.name === 'leader')).toMatchObject({ ok: false, message: 'no replica leads' });
    const a = run(first);
    await eventually(async () => (await first.readiness()).every((c) => c.ok), 5000, 'the leader ready');
    run(second);
    // The standby: someone else leads, and it keeps no caches of its own.
    expect(await second.readiness()).toEqual([
      { name: 'leader', ok: true, message: 'another replica leads' },
      { name: 'informers', ok: true, message: 'standby' },
    ]);
    const leaderStatus = async (m: Manager) => (await m.metrics.registry.getSingleMetric('leader_election_master_status')?.get())?.values[0]?.value;
    expect(await leaderStatus(first)).toBe(1);
    expect(await leaderStatus(second)).toBe(0);
    const reconciles = await first.metrics.registry.getSingleMetricAsString('controller_runtime_reconcile_total');
    expect(reconciles).toContain('controller_runtime_reconcile_total{controller="recorder",result="success"}');
    a.stop.abort();
    await a.done;
    expect(await leaderStatus(first)).toBe(0);
  });
});

describe('Manager with no controllers', () => {
  it('leads quietly until stopped instead of re-campaigning in a loop', async () => {
    const env = await startTestEnv();
    try {
      const stop = new AbortController();
      const manager = new Manager({ client: env.client, election: { store: env.store, identity: 'idle', ttlSeconds: 1 } });
      const running = manager.run(stop.signal);
      await eventually(() => manager.health().leader, 5000, 'leadership');
      const revision = await env.store.currentRevision();
      await new Promise((r) => setTimeout(r, 300));
      expect(await env.store.currentRevision()).toBe(revision); // no grant/create/revoke churn
      stop.abort();
      await running;
      expect(manager.health().leader).toBe(false);
    } finally {
      await env.stop();
    }
  });
});
