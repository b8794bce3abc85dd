/** min-replicas, on berth's test env (a real throw-away store): the floor, events, and two replicas of which one acts. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, startTestEnv, type TestEnv } from 'berth/testing';
import { MIN_REPLICAS, floorOf } from '../src/min-replicas.js';
import { extensionManager } from '../src/manager.js';

const service = (name: string, desiredCount: number, floor?: string) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Service' as const,
  metadata: { name, ...(floor === undefined ? {} : { annotations: { [MIN_REPLICAS]: floor } }) },
  spec: { taskDefinition: 'web', desiredCount },
});

describe('floorOf', () => {
  it.each([
    [undefined, undefined],
    [{}, undefined],
    [{ [MIN_REPLICAS]: '3' }, 3],
    [{ [MIN_REPLICAS]: '0' }, 0],
  ])('%j → %j', (annotations, floor) => expect(floorOf(annotations)).toBe(floor));
  it.each(['-1', '1.5', 'two'])('rejects %j for good (TerminalError)', (text) =>
    expect(() => floorOf({ [MIN_REPLICAS]: text })).toThrow(/TerminalError|whole number/),
  );
});

describe('min-replicas', () => {
  let env: TestEnv;
  const stops: AbortController[] = [];
  beforeEach(async () => {
    env = await startTestEnv();
  });
  afterEach(async () => {
    for (const s of stops) s.abort();
    await env.stop();
  });
  const replica = (identity: string) => {
    const manager = extensionManager(env.client, { identity, ttlSeconds: 1 });
    const stop = new AbortController();
    stops.push(stop);
    return { manager, stop, running: manager.run(stop.signal) };
  };
  const desired = async (name: string) => (await env.client.mustGet('Service', { name })).spec.desiredCount;

  it('raises a service below its floor and says so in its events; leaves the others alone', async () => {
    await env.client.create(service('web', 1, '3'));
    await env.client.create(service('free', 1));
    replica('only');
    await eventually(async () => (await desired('web')) === 3, 5000, 'web raised');
    // The event follows the write that raised it.
    const events = await eventually(
      async () => {
        const e = (await env.client.mustGet('Service', { name: 'web' })).status?.events ?? [];
        return e.length > 0 && e;
      },
      5000,
      'the event',
    );
    expect(events.map((e) => e.message)).toEqual([`desiredCount raised from 1 to 3 (${MIN_REPLICAS})`]);
    expect(await desired('free')).toBe(1);
  });

  it('two replicas: only the one holding the Lease acts; the other takes over when it stops', async () => {
    const a = replica('a');
    await eventually(() => a.manager.health().leader, 5000, 'a leads');
    const b = replica('b');
    await env.client.create(service('web', 1, '2'));
    await eventually(async () => (await desired('web')) === 2, 5000, 'web raised');
    expect(b.manager.health().leader).toBe(false);
    expect((await env.client.mustGet('Lease', { name: 'example-extension' })).spec.holderIdentity).toBe('a');

    a.stop.abort();
    await a.running;
    await eventually(() => b.manager.health().leader, 5000, 'b leads');
    await env.client.create(service('api', 0, '4'));
    await eventually(async () => (await desired('api')) === 4, 5000, 'api raised by b');
    // One event per raise: the standby never acted on web.
    await eventually(async () => (await env.client.mustGet('Service', { name: 'api' })).status?.events?.length === 1, 5000, "api's event");
    expect((await env.client.mustGet('Service', { name: 'web' })).status?.events).toHaveLength(1);
  });
});
