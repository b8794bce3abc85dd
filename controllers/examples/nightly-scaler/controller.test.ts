/**
 * The example controller, tested the way extension authors test theirs: a real throw-away store
 * (startTestEnv), the kit's Manager, and a FakeClock to decide what time of day it is.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../kit/clock.js';
import { Manager } from '../../kit/manager.js';
import { eventually, startTestEnv, type TestEnv } from '../../kit/test-env.js';
import { DAY, NIGHT, nightlyScaler } from './controller.js';

const service = (name: string, annotations: Record<string, string> | undefined, desiredCount = 2) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Service' as const,
  metadata: { name, annotations },
  spec: { taskDefinition: 'web', desiredCount },
});

describe('nightly-scaler', () => {
  let env: TestEnv;
  let stop: AbortController;
  beforeEach(async () => {
    env = await startTestEnv();
    stop = new AbortController();
  });
  afterEach(async () => {
    stop.abort();
    await env.stop();
  });

  const desired = async (name: string) => (await env.client.mustGet('Service', { name })).spec.desiredCount;

  it.each([
    ['03:00', { [DAY]: '5', [NIGHT]: '2' }, 2],
    ['03:00', { [DAY]: '5' }, 1],
    ['12:00', { [DAY]: '5', [NIGHT]: '2' }, 5],
    ['06:59', { [DAY]: '0', [NIGHT]: '4' }, 4],
  ])('at %s with %j scales to %i', async (time, annotations, expected) => {
    await env.client.create(service('web', annotations));
    const clock = new FakeClock(Date.parse(`2026-11-22T${time}:00Z`));
    void new Manager({ client: env.client, clock }).add(nightlyScaler).run(stop.signal);
    expect(await eventually(async () => (await desired('web')) === expected && expected, 5000, `desiredCount ${expected}`)).toBe(expected);
  });

  it('leaves services that did not opt in alone', async () => {
    await env.client.create(service('untouched', undefined, 3));
    await env.client.create(service('marker', { [DAY]: '7' }));
    void new Manager({ client: env.client, clock: new FakeClock(Date.parse('2026-11-22T12:00:00Z')) }).add(nightlyScaler).run(stop.signal);
    await eventually(async () => (await desired('marker')) === 7, 5000, 'marker scaled');
    expect(await desired('untouched')).toBe(3);
  });

  it('follows the clock: scales up when the day starts', async () => {
    await env.client.create(service('web', { [DAY]: '4', [NIGHT]: '1' }));
    const clock = new FakeClock(Date.parse('2026-11-22T06:30:00Z'));
    void new Manager({ client: env.client, clock }).add(nightlyScaler).run(stop.signal);
    await eventually(async () => (await desired('web')) === 1, 5000, 'night count');
    await clock.advanceAsync(30 * 60_000); // 07:00: the requeue on the hour fires
    await eventually(async () => (await desired('web')) === 4, 5000, 'day count');
  });
});
