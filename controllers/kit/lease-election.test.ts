/**
 * Leader election on a Lease object through a client (what an out-of-process extension uses), on a
 * real throw-away store: one replica acts; a clean stop hands over at once; a leader cut off from
 * the API steps down before its successor can take over; racing candidates never both win.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalClient } from '../../api/client/local-client.js';
import { defineController } from './controller.js';
import { LeaseElector } from './lease-election.js';
import { Manager } from './manager.js';
import { done } from './result.js';
import { eventually, startTestEnv, type TestEnv } from './test-env.js';

const service = (name: string) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Service' as const,
  metadata: { name },
  spec: { taskDefinition: 'web', desiredCount: 1 },
});

/** A client that can be cut off from the API, as a network partition would. */
class Partitionable extends LocalClient {
  cut = false;
  override get: LocalClient['get'] = (kind, ref) => (this.cut ? Promise.reject(new Error('partitioned')) : super.get(kind, ref));
  override update: LocalClient['update'] = (obj, options) => (this.cut ? Promise.reject(new Error('partitioned')) : super.update(obj, options));
}

describe('leader election on a Lease through the API', () => {
  let env: TestEnv;
  const stops: AbortController[] = [];
  beforeEach(async () => {
    env = await startTestEnv();
  });
  afterEach(async () => {
    for (const s of stops) s.abort();
    await env.stop();
  });
  const replica = (who: string, seen: string[], client = env.client, ttlSeconds = 1) => {
    const manager = new Manager({ client, election: { identity: who, name: 'ext', ttlSeconds } }).add(
      defineController({ name: 'recorder', for: 'Service', reconcile: () => (seen.push(who), done()) }),
    );
    const stop = new AbortController();
    stops.push(stop);
    return { manager, stop, running: manager.run(stop.signal) };
  };

  it('one replica acts; on a clean stop it releases the Lease and the other takes over without waiting it out', async () => {
    await env.client.create(service('web'));
    const seen: string[] = [];
    // A long lease, so that taking over sooner than it shows the release worked.
    const first = replica('first', seen, env.client, 5);
    await eventually(() => seen.length > 0, 5000, 'first acts');
    const second = replica('second', seen, env.client, 5);
    await env.client.create(service('later'));
    await eventually(() => seen.length > 1, 5000, 'the new service reconciled');
    await new Promise((r) => setTimeout(r, 300));
    expect(new Set(seen)).toEqual(new Set(['first']));
    expect((await env.client.mustGet('Lease', { name: 'ext' })).spec).toMatchObject({ holderIdentity: 'first', leaseDurationSeconds: 5 });

    const stoppedAt = Date.now();
    first.stop.abort();
    await first.running;
    expect((await env.client.mustGet('Lease', { name: 'ext' })).spec.holderIdentity).toBeUndefined();
    await eventually(() => second.manager.health().leader, 5000, 'second leads');
    expect(Date.now() - stoppedAt).toBeLessThan(4000);
    expect((await env.client.mustGet('Lease', { name: 'ext' })).spec).toMatchObject({ holderIdentity: 'second', leaseTransitions: 1 });
  });

  it('a leader cut off from the API stops acting before anyone else can lead, and never both lead', async () => {
    const cutOff = new Partitionable(env.resources);
    const first = replica('first', [], cutOff);
    await eventually(() => first.manager.health().leader, 5000, 'first leads');
    const second = replica('second', []);
    let both = false;
    const sampler = setInterval(() => (both ||= first.manager.health().leader && second.manager.health().leader), 5);
    try {
      cutOff.cut = true;
      await eventually(() => second.manager.health().leader, 5000, 'second takes over');
      expect(first.manager.health().leader).toBe(false);
      expect(both).toBe(false);
    } finally {
      clearInterval(sampler);
    }
  });

  it('of candidates starting at once exactly one wins', async () => {
    const electors = ['a', 'b', 'c', 'd'].map((identity) => new LeaseElector({ client: env.client, name: 'race', identity, leaseDurationSeconds: 5 }));
    const leading = new Set<string>();
    const runs = electors.map((e, i) =>
      e.run(async ({ signal }) => {
        leading.add(String(i));
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      }),
    );
    await eventually(() => leading.size > 0, 5000, 'a leader');
    await new Promise((r) => setTimeout(r, 300));
    expect(leading.size).toBe(1);
    for (const e of electors) e.stop();
    await Promise.all(runs);
  });
});
