/**
 * Rate control declared on a controller and applied by the kit: `pacing` through the work queue,
 * `statusWrites` through the client a reconcile gets, both wired by runController.
 */
import { describe, expect, it } from 'vitest';
import { Service } from '../../api/v1/index.js';
import { FakeClock } from './clock.js';
import { ControllerDefinitionError, defineController, runController, type ControllerOptions } from './controller.js';
import { CostPacing, WriteIntervals } from './pacing.js';
import { WorkQueue } from './queue.js';
import { tracedClient, type StatusCoalescing } from './reconcile-client.js';
import { done } from './result.js';
import { requestKey, type KitClient, type ObjectOf, type ObjectRef } from './types.js';

type Svc = ObjectOf<'Service'>;
const web: ObjectRef = { kind: 'Service', cluster: 'default', name: 'web' };
const WEB = requestKey(web);

const unused = async (): Promise<never> => {
  throw new Error('not used by this test');
};

/** One stored Service; each call takes `ioMs` of the clock; counts its writes. */
function fakeStore(clock: FakeClock, ioMs = 0) {
  let stored: Svc = Service.parse({
    apiVersion: 'berth.dev/v1',
    kind: 'Service',
    metadata: { name: 'web', cluster: 'default', resourceVersion: '1' },
    spec: { taskDefinition: 'web', desiredCount: 3 },
    status: { runningCount: 0, desiredCount: 3 },
  });
  const calls = { reads: 0, writes: 0 };
  const written: { at: number; running: number }[] = [];
  const take = () => clock.advance(ioMs);
  const client: KitClient = {
    get: async () => {
      take();
      calls.reads++;
      return structuredClone(stored) as never;
    },
    list: unused,
    create: async () => {
      take();
      calls.writes++;
      return structuredClone(stored) as never;
    },
    update: unused,
    updateStatus: unused,
    updateFrom: unused,
    delete: unused,
    deleteMany: unused,
    mutate: async (_kind, _ref, change) => {
      take();
      calls.reads++;
      const copy = structuredClone(stored);
      (change as (o: Svc) => void)(copy);
      if (JSON.stringify(copy) === JSON.stringify(stored)) return { object: stored as never, changed: false };
      stored = { ...copy, metadata: { ...copy.metadata, resourceVersion: String(Number(stored.metadata.resourceVersion) + 1) } };
      calls.writes++;
      written.push({ at: clock.now(), running: stored.status?.runningCount ?? -1 });
      return { object: structuredClone(stored) as never, changed: true };
    },
  };
  return { client, calls, written, stored: () => stored };
}

/** The first time (stepping 1 ms) at which `queue` has a key ready, up to `limit`. */
function readyAt(clock: FakeClock, queue: WorkQueue, limit = 1_000): number | undefined {
  while (clock.now() <= limit) {
    if (queue.len() > 0) return clock.now();
    clock.advance(1);
  }
  return undefined;
}

describe('WorkQueue with a pacer (defineController pacing)', () => {
  it.each([
    // The last reconcile of the key started at 0 and spent costMs on its own; factor 4, minimum 100 ms.
    { case: 'never reconciled: at once', last: undefined, addAt: 0, ready: 0 },
    { case: 'cheap run that wrote nothing: factor × cost', last: { costMs: 10, wrote: false }, addAt: 0, ready: 40 },
    { case: 'cheap run that wrote: the minimum interval', last: { costMs: 10, wrote: true }, addAt: 0, ready: 100 },
    { case: 'costly run: factor × cost beats the minimum', last: { costMs: 50, wrote: true }, addAt: 0, ready: 200 },
    { case: 'added after the wait: at once', last: { costMs: 10, wrote: true }, addAt: 150, ready: 150 },
    { case: 'added halfway: the rest of the wait', last: { costMs: 50, wrote: false }, addAt: 120, ready: 200 },
  ])('$case', ({ last, addAt, ready }) => {
    const clock = new FakeClock(0);
    const pacer = new CostPacing(4, 100);
    const queue = new WorkQueue({ clock, pacer });
    if (last) pacer.record('k', 0, last.costMs, last.wrote);
    clock.advance(addAt);
    queue.add('k');
    expect(readyAt(clock, queue)).toBe(ready);
  });

  it('many adds during the wait hand the key out once, when the wait is over', () => {
    const clock = new FakeClock(0);
    const pacer = new CostPacing(4, 100);
    const queue = new WorkQueue({ clock, pacer });
    pacer.record('k', 0, 10, true);
    for (const at of [0, 10, 50, 99]) {
      clock.advance(at - clock.now());
      queue.add('k');
    }
    expect(readyAt(clock, queue)).toBe(100);
    expect(queue.len()).toBe(1);
    expect(queue.metrics()).toMatchObject({ paced: 4, adds: 1 });
  });

  it('a key added while it is processed waits for the pacing its run recorded', async () => {
    const clock = new FakeClock(0);
    const pacer = new CostPacing(4, 0);
    const queue = new WorkQueue({ clock, pacer });
    queue.add('k');
    expect(await queue.get()).toBe('k');
    queue.add('k'); // an event during the reconcile
    clock.advance(5);
    pacer.record('k', 0, 5, true); // the run's own 5 ms: no sooner than 20 ms after it started
    queue.done('k');
    expect(queue.len()).toBe(0);
    expect(readyAt(clock, queue)).toBe(20);
  });

  it('other keys are not held back', () => {
    const clock = new FakeClock(0);
    const pacer = new CostPacing(4, 100);
    const queue = new WorkQueue({ clock, pacer });
    pacer.record('a', 0, 10, true);
    queue.add('a');
    queue.add('b');
    expect(queue.len()).toBe(1);
  });
});

describe('WriteIntervals (at most one write per interval per key)', () => {
  it.each([
    { case: 'never written', lastAt: undefined, now: 1_000, wait: 0 },
    { case: 'written 100 ms ago', lastAt: 900, now: 1_000, wait: 400 },
    { case: 'written an interval ago', lastAt: 500, now: 1_000, wait: 0 },
    { case: 'written just now', lastAt: 1_000, now: 1_000, wait: 500 },
  ])('$case: waits $wait ms', ({ lastAt, now, wait }) => {
    const intervals = new WriteIntervals(500);
    if (lastAt !== undefined) intervals.record('k', lastAt);
    expect(intervals.waitFor('k', now)).toBe(wait);
    expect(intervals.waitFor('other', now)).toBe(0);
  });
});

describe('tracedClient', () => {
  it('counts the time calls were waited for once, however they overlap', async () => {
    const clock = new FakeClock(0);
    const pending: (() => void)[] = [];
    const inner: KitClient = {
      ...fakeStore(clock).client,
      get: () => new Promise((resolve) => pending.push(() => resolve(undefined))),
    };
    const { client, trace } = tracedClient(inner, clock, web, WEB, undefined);
    const a = client.get('Service', web); // 0 → 7
    clock.advance(3);
    const b = client.get('Service', web); // 3 → 10
    clock.advance(4);
    pending[0]?.();
    await a;
    clock.advance(3);
    pending[1]?.();
    await b;
    clock.advance(5); // the reconcile's own time
    const c = client.get('Service', web); // 15 → 17
    clock.advance(2);
    pending[2]?.();
    await c;
    expect(trace()).toMatchObject({ ioMs: 12, wrote: false });
  });

  it.each([
    { case: 'a read', act: (c: KitClient) => c.get('Service', web), wrote: false },
    { case: 'a mutate that changes nothing', act: (c: KitClient) => c.mutate('Service', web, () => undefined), wrote: false },
    { case: 'a mutate that changes something', act: (c: KitClient) => c.mutate('Service', web, (s) => void (s.spec.desiredCount = 5)), wrote: true },
    { case: 'a create', act: (c: KitClient) => c.create({ kind: 'Service' }), wrote: true },
  ])('$case: wrote $wrote', async ({ act, wrote }) => {
    const clock = new FakeClock(0);
    const { client, trace } = tracedClient(fakeStore(clock).client, clock, web, WEB, undefined);
    await act(client);
    expect(trace().wrote).toBe(wrote);
  });

  const countsOnly = (a: unknown, b: unknown) =>
    JSON.stringify({ ...(a as object), runningCount: 0 }) === JSON.stringify({ ...(b as object), runningCount: 0 });
  const setRunning = (n: number) => (s: Svc) => void (s.status && (s.status.runningCount = n));
  const setDesired = (n: number) => (s: Svc) => void (s.status && (s.status.desiredCount = n));

  it.each([
    { case: 'counts, never written before: written', lastWriteAgo: undefined, readFirst: true, change: setRunning(1), held: undefined, reads: 2, writes: 1 },
    {
      case: 'counts within the interval, read in this reconcile: held, no further read',
      lastWriteAgo: 100,
      readFirst: true,
      change: setRunning(1),
      held: 400,
      reads: 1,
      writes: 0,
    },
    {
      case: 'counts within the interval, not read before: held after a read',
      lastWriteAgo: 100,
      readFirst: false,
      change: setRunning(1),
      held: 400,
      reads: 1,
      writes: 0,
    },
    {
      case: 'another change within the interval: written at once',
      lastWriteAgo: 100,
      readFirst: true,
      change: setDesired(4),
      held: undefined,
      reads: 2,
      writes: 1,
    },
    { case: 'counts after the interval: written', lastWriteAgo: 500, readFirst: true, change: setRunning(1), held: undefined, reads: 2, writes: 1 },
  ])('status writes: $case', async ({ lastWriteAgo, readFirst, change, held, reads, writes }) => {
    const clock = new FakeClock(10_000);
    const store = fakeStore(clock);
    const coalescing: StatusCoalescing = { intervals: new WriteIntervals(500), when: countsOnly };
    if (lastWriteAgo !== undefined) coalescing.intervals.record(WEB, clock.now() - lastWriteAgo);
    const { client, trace } = tracedClient(store.client, clock, web, WEB, coalescing);
    if (readFirst) await client.get('Service', web);
    const result = await client.mutate('Service', web, change, { subresource: 'status' });
    expect(trace().statusHeldMs).toBe(held);
    expect(result.changed).toBe(held === undefined);
    expect(store.calls).toEqual({ reads, writes });
    // A written status starts a new interval.
    expect(coalescing.intervals.waitFor(WEB, clock.now())).toBe(held === undefined ? 500 : held);
  });

  it.each([
    { case: "another object's status", ref: { cluster: 'default', name: 'api' }, options: { subresource: 'status' as const } },
    { case: 'a spec write of its own object', ref: web, options: undefined },
  ])('never holds back $case', async ({ ref, options }) => {
    const clock = new FakeClock(10_000);
    const store = fakeStore(clock);
    const coalescing: StatusCoalescing = { intervals: new WriteIntervals(500), when: () => true };
    coalescing.intervals.record(WEB, clock.now());
    const { client, trace } = tracedClient(store.client, clock, web, WEB, coalescing);
    await client.mutate('Service', ref, setRunning(7), options);
    expect(trace().statusHeldMs).toBeUndefined();
    expect(store.calls.writes).toBe(1);
  });
});

const setRunningTo = (n: number) => (s: Svc) => void (s.status && (s.status.runningCount = n));

/** Status writes of a service's counts, one per half second at most, coalesced while desiredCount stays. */
const HALF_SECOND_COUNTS: ControllerOptions<'Service'>['statusWrites'] = { intervalMs: 500, coalesceWhen: (a, b) => a?.desiredCount === b?.desiredCount };

/** A reconcile that reads the service and writes `running()` as its runningCount, noting when it ran in `calls`. */
const writeRunning =
  (clock: FakeClock, calls: number[], running: () => number): ControllerOptions<'Service'>['reconcile'] =>
  async ({ key }, ctx) => {
    calls.push(clock.now());
    await ctx.client.get('Service', key);
    await ctx.client.mutate('Service', key, setRunningTo(running()), { subresource: 'status' });
    return done();
  };

describe('runController applies declared rate control', () => {
  async function run(
    options: Partial<ControllerOptions<'Service'>>,
    reconcile: ControllerOptions<'Service'>['reconcile'],
    clock: FakeClock,
    store: ReturnType<typeof fakeStore>,
  ) {
    const def = defineController({ name: 'paced', for: 'Service', ...options, reconcile });
    const ctl = new AbortController();
    const running = runController(def, { client: store.client, clock, signal: ctl.signal });
    return { running, stop: async () => (ctl.abort(), await running.stopped) };
  }

  it.each([
    // Each reconcile reads (5 ms waiting for the API) and spends 10 ms on its own; the key is enqueued again at once.
    { case: 'no pacing: again as soon as it is enqueued', pacing: undefined, write: false, calls: [0, 15, 30] },
    { case: 'costFactor 4: 4 × its own 10 ms, the API wait not counted', pacing: { costFactor: 4 }, write: false, calls: [0, 40, 80] },
    { case: 'minIntervalMs after a run that wrote', pacing: { costFactor: 4, minIntervalMs: 100 }, write: true, calls: [0, 100, 200] },
    { case: 'minIntervalMs not after a run that wrote nothing', pacing: { costFactor: 4, minIntervalMs: 100 }, write: false, calls: [0, 40, 80] },
  ])('$case', async ({ pacing, write, calls: expected }) => {
    const clock = new FakeClock(0);
    const store = fakeStore(clock, 5);
    const calls: number[] = [];
    const { running, stop } = await run(
      pacing ? { pacing } : {},
      async ({ key }, ctx) => {
        calls.push(clock.now());
        await ctx.client.get('Service', key);
        clock.advance(10);
        if (write) await ctx.client.create({ kind: 'Service' });
        if (calls.length < 3) running.enqueue(web);
        return done();
      },
      clock,
      store,
    );
    running.enqueue(web);
    await clock.advanceAsync(1_000);
    await stop();
    expect(calls.map((at) => at - (calls[0] ?? 0))).toEqual(expected);
  });

  it('statusWrites: a held count lands when its interval is up, with no event to wake it', async () => {
    const clock = new FakeClock(0);
    const store = fakeStore(clock);
    let running = 1;
    const calls: number[] = [];
    const { running: ctl, stop } = await run(
      { statusWrites: HALF_SECOND_COUNTS },
      writeRunning(clock, calls, () => running),
      clock,
      store,
    );
    ctl.enqueue(web); // t=0: 1 written
    await clock.advanceAsync(100);
    running = 2;
    ctl.enqueue(web); // t=100: held until 500
    await clock.advanceAsync(100);
    running = 3;
    ctl.enqueue(web); // t=200: held until 500
    await clock.advanceAsync(1_000);
    await stop();
    expect(calls).toEqual([0, 100, 200, 500]);
    expect(store.written).toEqual([
      { at: 0, running: 1 },
      { at: 500, running: 3 },
    ]);
  });

  it('pacing: a run whose status write was held back paces the key as a write does, so events meanwhile do not rerun it', async () => {
    const clock = new FakeClock(0);
    const store = fakeStore(clock);
    let running = 1;
    const calls: number[] = [];
    const { running: ctl, stop } = await run(
      { pacing: { minIntervalMs: 300 }, statusWrites: HALF_SECOND_COUNTS },
      writeRunning(clock, calls, () => running),
      clock,
      store,
    );
    ctl.enqueue(web); // t=0: 1 written
    await clock.advanceAsync(300);
    running = 2;
    ctl.enqueue(web); // t=300: held until 500
    for (const at of [350, 400, 450]) {
      await clock.advanceAsync(at - clock.now());
      running++;
      ctl.enqueue(web); // each would rerun the key only to hold the write again
    }
    await clock.advanceAsync(1_000);
    await stop();
    expect(calls).toEqual([0, 300, 600]);
    expect(store.written).toEqual([
      { at: 0, running: 1 },
      { at: 600, running: 5 },
    ]);
  });

  it.each([
    { case: 'a negative costFactor', options: { pacing: { costFactor: -1 } }, problem: /pacing\.costFactor: must be a number >= 0/ },
    { case: 'a minIntervalMs that is not a number', options: { pacing: { minIntervalMs: '1s' } }, problem: /pacing\.minIntervalMs/ },
    {
      case: 'a zero status interval',
      options: { statusWrites: { intervalMs: 0, coalesceWhen: () => true } },
      problem: /statusWrites\.intervalMs: must be a number of ms > 0/,
    },
    { case: 'a status rule that is not a function', options: { statusWrites: { intervalMs: 500 } }, problem: /statusWrites\.coalesceWhen: must be a function/ },
  ])('defineController rejects $case', ({ options, problem }) => {
    const raw = { name: 'paced', for: 'Service', reconcile: () => done(), ...options } as unknown as ControllerOptions;
    expect(() => defineController(raw)).toThrow(ControllerDefinitionError);
    expect(() => defineController(raw)).toThrow(problem);
  });

  it('defineController keeps the declared rate control, with defaults', () => {
    const def = defineController({ name: 'paced', for: 'Service', pacing: { costFactor: 4 }, reconcile: () => done() });
    expect(def.pacing).toEqual({ costFactor: 4, minIntervalMs: 0 });
    expect(def.statusWrites).toBeUndefined();
  });
});
