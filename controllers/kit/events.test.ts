/** ctx.events on a real throw-away store: where an event lands, repeats, the cap, and kinds that keep none. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SERVICE_EVENTS } from '../../api/v1/service.js';
import { FakeClock } from './clock.js';
import { eventRecorder, EventRecordError } from './events.js';
import { startTestEnv, type TestEnv } from './test-env.js';

describe('eventRecorder', () => {
  let env: TestEnv;
  const clock = new FakeClock(Date.parse('2026-12-01T00:00:00Z'));
  let ids = 0;
  beforeEach(async () => {
    env = await startTestEnv();
    await env.client.create({ apiVersion: 'berth.dev/v1', kind: 'Service', metadata: { name: 'web' }, spec: { taskDefinition: 'web', desiredCount: 1 } });
  });
  afterEach(async () => env.stop());
  const events = async () => (await env.client.mustGet('Service', { name: 'web' })).status?.events ?? [];
  const recorder = () => eventRecorder(env.client, clock, () => `e${++ids}`);

  it('adds events newest first to the service status, with the clock time', async () => {
    const rec = recorder();
    expect(await rec.record({ kind: 'Service', name: 'web' }, 'first')).toBe(true);
    clock.advance(1000);
    await rec.record({ kind: 'Service', name: 'web' }, 'second');
    expect((await events()).map((e) => [e.message, e.createdAt])).toEqual([
      ['second', '2026-12-01T00:00:01.000Z'],
      ['first', '2026-12-01T00:00:00.000Z'],
    ]);
  });

  it('with repeatMs, a message already said within it is not said again', async () => {
    const rec = recorder();
    const target = { kind: 'Service' as const, name: 'web' };
    expect(await rec.record(target, 'cannot reach X', { repeatMs: 60_000 })).toBe(true);
    clock.advance(30_000);
    expect(await rec.record(target, 'cannot reach X', { repeatMs: 60_000 })).toBe(false);
    clock.advance(31_000);
    expect(await rec.record(target, 'cannot reach X', { repeatMs: 60_000 })).toBe(true);
    expect(await events()).toHaveLength(2);
  });

  it(`keeps at most ${MAX_SERVICE_EVENTS}`, async () => {
    const rec = recorder();
    for (let i = 0; i <= MAX_SERVICE_EVENTS; i++) await rec.record({ kind: 'Service', name: 'web' }, `m${i}`);
    const kept = await events();
    expect(kept).toHaveLength(MAX_SERVICE_EVENTS);
    expect(kept[0]?.message).toBe(`m${MAX_SERVICE_EVENTS}`);
  });

  it('refuses a kind that keeps no events, saying which do', async () => {
    const target = { kind: 'Task', name: 't' } as unknown as { kind: 'Service'; name: string };
    await expect(recorder().record(target, 'x')).rejects.toThrow(EventRecordError);
    await expect(recorder().record(target, 'x')).rejects.toThrow(/only Service objects keep events/);
  });
});
