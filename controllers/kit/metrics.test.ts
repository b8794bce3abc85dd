/**
 * The kit's metrics: every reconcile outcome is counted under controller-runtime's names, queue
 * waits and retries are recorded, the depth is read at scrape time and a stopped controller's
 * gauges go away. Runs controllers against a stub client (no store).
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FakeClock, flushPromises } from './clock.js';
import { defineController } from './controller.js';
import { KitMetrics } from './metrics.js';
import { TerminalError, done, requeueAfter, type ReconcileResult } from './result.js';
import { runController } from './run-controller.js';
import type { KitClient } from './types.js';

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

/** The value of one series, found by name and labels, from the registry's JSON. */
async function value(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  // A histogram's _sum, _count and _bucket series are values of the histogram's own entry.
  const values = (await registry.getMetricsAsJSON()).flatMap((m) =>
    m.values.map((v) => ({ name: 'metricName' in v && v.metricName ? v.metricName : m.name, ...v })),
  );
  const match = values.find((v) => v.name === name && Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want));
  return match?.value;
}

type Outcome = 'done' | 'requeue' | 'throw' | 'terminal';
const reconcileBy =
  (outcomes: Map<string, Outcome>) =>
  (name: string): ReconcileResult => {
    const outcome = outcomes.get(name) ?? 'done';
    if (outcome === 'throw') throw new Error('boom');
    if (outcome === 'terminal') throw new TerminalError('no');
    return outcome === 'requeue' ? requeueAfter(60_000) : done();
  };

describe('KitMetrics', () => {
  it.each([
    { outcome: 'done' as const, result: 'success', errors: 0, retries: 0 },
    { outcome: 'requeue' as const, result: 'requeue_after', errors: 0, retries: 0 },
    { outcome: 'throw' as const, result: 'error', errors: 1, retries: 1 },
    { outcome: 'terminal' as const, result: 'error', errors: 1, retries: 0 },
  ])('counts a reconcile that ends in $outcome as result=$result', async ({ outcome, result, errors, retries }) => {
    const registry = new Registry();
    const metrics = new KitMetrics(registry);
    const clock = new FakeClock(0);
    const decide = reconcileBy(new Map([['web', outcome]]));
    const stop = new AbortController();
    const definition = defineController({ name: 'counted', for: 'Service', reconcile: ({ key }) => decide(key.name) });
    const running = runController(definition, { client, signal: stop.signal, clock, metrics });
    running.enqueue({ kind: 'Service', cluster: 'default', name: 'web' });
    await flushPromises();
    stop.abort();
    await running.stopped;
    expect(await value(registry, 'controller_runtime_reconcile_total', { controller: 'counted', result })).toBe(1);
    expect(await value(registry, 'controller_runtime_reconcile_errors_total', { controller: 'counted' })).toBe(errors);
    expect(await value(registry, 'workqueue_retries_total', { name: 'counted' })).toBe(retries);
    expect(await value(registry, 'controller_runtime_reconcile_time_seconds_count', { controller: 'counted' })).toBe(1);
    expect(await value(registry, 'workqueue_queue_duration_seconds_count', { name: 'counted' })).toBe(1);
    expect(await value(registry, 'workqueue_adds_total', { name: 'counted' })).toBe(1);
  });

  it('reads the depth when scraped and drops a stopped controller from the gauges', async () => {
    const registry = new Registry();
    const metrics = new KitMetrics(registry);
    const stop = new AbortController();
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const definition = defineController({
      name: 'slow',
      for: 'Service',
      workers: 1,
      reconcile: async () => {
        await blocked;
        return done();
      },
    });
    const running = runController(definition, { client, signal: stop.signal, clock: new FakeClock(0), metrics });
    for (const name of ['a', 'b', 'c']) running.enqueue({ kind: 'Service', cluster: 'default', name });
    await flushPromises();
    // One key is being reconciled by the only worker; two wait.
    expect(await value(registry, 'workqueue_depth', { name: 'slow' })).toBe(2);
    expect(await value(registry, 'controller_runtime_active_workers', { controller: 'slow' })).toBe(1);
    expect(await value(registry, 'controller_runtime_max_concurrent_reconciles', { controller: 'slow' })).toBe(1);
    stop.abort();
    release();
    await running.stopped;
    expect(await value(registry, 'workqueue_depth', { name: 'slow' })).toBeUndefined();
    expect(await value(registry, 'controller_runtime_reconcile_total', { controller: 'slow', result: 'success' })).toBe(1);
  });

  it('records how long a key waited in the queue by the queue clock', async () => {
    const registry = new Registry();
    const metrics = new KitMetrics(registry);
    const clock = new FakeClock(0);
    const stop = new AbortController();
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const definition = defineController({ name: 'waits', for: 'Service', workers: 1, reconcile: async () => (await blocked, done()) });
    const running = runController(definition, { client, signal: stop.signal, clock, metrics });
    running.enqueue({ kind: 'Service', cluster: 'default', name: 'first' });
    running.enqueue({ kind: 'Service', cluster: 'default', name: 'second' });
    await flushPromises();
    clock.advance(3_000);
    release();
    await flushPromises();
    stop.abort();
    await running.stopped;
    // The first key was taken at once; the second waited the 3 s the first took.
    expect(await value(registry, 'workqueue_queue_duration_seconds_sum', { name: 'waits' })).toBe(3);
    expect(await value(registry, 'workqueue_queue_duration_seconds_count', { name: 'waits' })).toBe(2);
  });

  it('keeps two registries apart (no global registry)', () => {
    expect(() => [new KitMetrics(), new KitMetrics()]).not.toThrow();
  });

  it('says whether this process leads', async () => {
    const registry = new Registry();
    const metrics = new KitMetrics(registry);
    metrics.leading('controller-manager', true);
    expect(await value(registry, 'leader_election_master_status', { name: 'controller-manager' })).toBe(1);
    metrics.leading('controller-manager', false);
    expect(await value(registry, 'leader_election_master_status', { name: 'controller-manager' })).toBe(0);
  });
});
