import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Service, Task } from '../../api/v1/index.js';
import { FakeClock, flushPromises } from './clock.js';
import { ControllerDefinitionError, defineController, runController, type ControllerOptions, type ReconcileContext } from './controller.js';
import { TerminalError, done, requeueAfter, type ReconcileResult } from './result.js';
import type { KitClient, ObjectRef } from './types.js';

const unused = async (): Promise<never> => {
  throw new Error('the client is not used by this test');
};
const client: KitClient = {
  get: unused,
  list: unused,
  create: unused,
  update: unused,
  updateStatus: unused,
  updateFrom: unused,
  mutate: unused,
  delete: unused,
  deleteMany: unused,
};
const web: ObjectRef = { kind: 'Service', cluster: 'default', name: 'web' };
const api: ObjectRef = { kind: 'Service', cluster: 'default', name: 'api' };
const noop = () => done();

describe('defineController validation', () => {
  it.each([
    { name: 'an empty name', options: { name: '' }, problem: /name: required/ },
    { name: 'a blank name', options: { name: '   ' }, problem: /name: required/ },
    { name: 'a name with spaces', options: { name: 'my scaler' }, problem: /name: "my scaler" must be/ },
    { name: 'zero workers', options: { workers: 0 }, problem: /workers: must be an integer >= 1, got 0/ },
    { name: 'fractional workers', options: { workers: 1.5 }, problem: /workers: .* got 1.5/ },
    { name: 'a missing reconcile', options: { reconcile: undefined }, problem: /reconcile: required/ },
    { name: 'an unknown for kind', options: { for: 'Pod' }, problem: /for: unknown kind "Pod"/ },
    { name: 'a non-kind owns entry', options: { owns: [{}] }, problem: /owns\[0\]: expected a kind schema/ },
    { name: 'a watch without map', options: { watches: [{ kind: 'Task' }] }, problem: /watches\[0\]\.map: must be a function/ },
  ])('rejects $name with a clear message', ({ options, problem }) => {
    // Misuse is exactly what is being tested, so the options deliberately break the static types.
    const raw = { name: 'scaler', for: Service, reconcile: noop, ...options } as unknown as ControllerOptions;
    expect(() => defineController(raw)).toThrow(ControllerDefinitionError);
    expect(() => defineController(raw)).toThrow(problem);
  });

  it('reports every problem at once, naming the controller', () => {
    const raw = { name: 'scaler', for: 'Nope', workers: -1 } as unknown as ControllerOptions;
    const err = (() => {
      try {
        defineController(raw);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ControllerDefinitionError);
    expect(err).toMatchObject({ name: 'ControllerDefinitionError', retriable: false, controller: '"scaler"' });
    expect((err as ControllerDefinitionError).problems).toHaveLength(3);
  });

  it('accepts schemas or names and fills defaults', () => {
    const def = defineController({ name: 'nightly-scaler', for: Service, owns: [Task, 'ContainerInstance'], reconcile: noop });
    expect(def).toMatchObject({ name: 'nightly-scaler', for: 'Service', owns: ['Task', 'ContainerInstance'], watches: [], workers: 1 });
    expect(Object.isFrozen(def)).toBe(true);
  });
});

type Outcome = ReconcileResult | Error | undefined;

/** Runs a controller whose reconcile answers with `outcomes` in turn (then done()), recording call times. */
async function runScripted(outcomes: Outcome[], runForMs = 10_000) {
  const clock = new FakeClock(0);
  const calls: number[] = [];
  const script = [...outcomes];
  const def = defineController({
    name: 'scripted',
    for: 'Service',
    async reconcile() {
      calls.push(clock.now());
      const next = script.length > 0 ? script.shift() : done();
      if (next instanceof Error) throw next;
      return next as ReconcileResult;
    },
  });
  const ctl = new AbortController();
  const running = runController(def, {
    client,
    clock,
    signal: ctl.signal,
    rateLimits: { backoff: { baseMs: 5, maxMs: 1_000 }, bucket: { qps: 1_000_000, burst: 1_000_000 } },
  });
  running.enqueue(web);
  await clock.advanceAsync(runForMs);
  const retriesLeft = running.queue.numRequeues('/berth/v1/services/default/web');
  const stats = running.stats();
  ctl.abort();
  await running.stopped;
  return { calls, stats, retriesLeft };
}

describe('runController result handling', () => {
  it.each([
    { name: 'done() reconciles once', outcomes: [done()], calls: [0], counts: { done: 1 } },
    {
      name: 'requeueAfter(ms) looks again every ms',
      outcomes: [requeueAfter(1_000), requeueAfter(1_000), done()],
      calls: [0, 1_000, 2_000],
      counts: { requeues: 2, done: 1 },
    },
    {
      name: 'a thrown error retries with exponential backoff until it succeeds',
      outcomes: [new Error('etcd down'), new Error('etcd down'), new Error('etcd down'), done()],
      calls: [0, 5, 15, 35],
      counts: { errors: 3, done: 1 },
    },
    {
      name: 'requeueAfter resets the error backoff',
      outcomes: [new Error('x'), new Error('x'), requeueAfter(100), new Error('x'), done()],
      calls: [0, 5, 15, 115, 120],
      counts: { errors: 3, requeues: 1, done: 1 },
    },
    {
      name: 'a TerminalError is not retried',
      outcomes: [new TerminalError('spec.desiredCount must be >= 0')],
      calls: [0],
      counts: { terminalErrors: 1, errors: 0 },
    },
    { name: 'a missing return is a terminal bug', outcomes: [undefined], calls: [0], counts: { terminalErrors: 1 } },
  ])('$name', async ({ outcomes, calls, counts }) => {
    const result = await runScripted(outcomes);
    expect(result.calls).toEqual(calls);
    expect(result.stats).toMatchObject({ reconciles: calls.length, ...counts });
    expect(result.retriesLeft).toBe(0);
  });

  it('keeps retrying a failing key at the backoff cap', async () => {
    const { calls } = await runScripted(
      Array.from({ length: 100 }, () => new Error('still broken')),
      5_000,
    );
    // Delays 5, 10, 20, ..., 640 ms, then the 1 s cap.
    expect(calls).toEqual([0, 5, 15, 35, 75, 155, 315, 635, 1_275, 2_275, 3_275, 4_275]);
  });
});

describe('runController workers', () => {
  it('reconciles different keys in parallel but never one key twice at once', async () => {
    const clock = new FakeClock(0);
    const active = new Set<string>();
    let overlap = false;
    let maxActive = 0;
    const gates: (() => void)[] = [];
    const calls: string[] = [];
    const def = defineController({
      name: 'gated',
      for: 'Service',
      workers: 3,
      async reconcile({ key }) {
        if (active.has(key.name)) overlap = true;
        active.add(key.name);
        maxActive = Math.max(maxActive, active.size);
        calls.push(key.name);
        await new Promise<void>((release) => gates.push(release));
        active.delete(key.name);
        return done();
      },
    });
    const ctl = new AbortController();
    const running = runController(def, { client, clock, signal: ctl.signal });
    running.enqueue(web);
    running.enqueue(api);
    await flushPromises();
    running.enqueue(web); // arrives while web is being reconciled
    await flushPromises();
    expect(calls).toEqual(['web', 'api']);
    expect(maxActive).toBe(2);

    gates.shift()?.(); // finish the first web reconcile: web runs again
    await flushPromises();
    expect(calls).toEqual(['web', 'api', 'web']);
    for (const release of gates.splice(0)) release();
    await flushPromises();
    expect(overlap).toBe(false);
    ctl.abort();
    await running.stopped;
  });

  it('gives reconcile a per-key logger and the stop signal, and stops after the current reconcile', async () => {
    const lines: { level: number; msg: string; controller?: string; key?: string }[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const clock = new FakeClock(0);
    let seen: ReconcileContext | undefined;
    let release: () => void = () => {};
    const def = defineController({
      name: 'ctx-check',
      for: 'Service',
      async reconcile(_req, ctx) {
        seen = ctx;
        ctx.log.info('reconciling');
        await new Promise<void>((r) => (release = r));
        throw new Error('boom');
      },
    });
    const ctl = new AbortController();
    const running = runController(def, { client, clock, log, signal: ctl.signal });
    running.enqueue(web);
    await flushPromises();
    expect(seen?.clock).toBe(clock);
    expect(seen?.signal.aborted).toBe(false);
    expect(lines.find((l) => l.msg === 'reconciling')).toMatchObject({ controller: 'ctx-check', key: 'Service/default/web' });

    ctl.abort();
    expect(seen?.signal.aborted).toBe(true);
    let stopped = false;
    void running.stopped.then(() => (stopped = true));
    await flushPromises();
    expect(stopped).toBe(false); // still inside reconcile
    release();
    await running.stopped;
    expect(lines.find((l) => l.msg.startsWith('reconcile failed; retrying'))).toMatchObject({ level: 40, key: 'Service/default/web' });
    expect(running.queue.len()).toBe(0); // the retry after shutdown is dropped
  });

  it('logs a TerminalError at error level', async () => {
    const lines: { level: number; msg: string }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const def = defineController({
      name: 'terminal',
      for: 'Service',
      reconcile: () => {
        throw new TerminalError('invalid spec');
      },
    });
    const ctl = new AbortController();
    const running = runController(def, { client, clock: new FakeClock(0), log, signal: ctl.signal });
    running.enqueue(web);
    await flushPromises();
    ctl.abort();
    await running.stopped;
    expect(lines.filter((l) => l.level === 50).map((l) => l.msg)).toEqual([expect.stringMatching(/failed terminally/)]);
  });
});
