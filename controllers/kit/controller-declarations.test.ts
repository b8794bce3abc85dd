/**
 * What a controller declares beyond its kind, run under a real Manager on a throw-away store: its
 * own cache indexes, the kinds it reads, an update filter for its main kind, and that a cache read
 * of a kind it never declared fails loudly instead of finding nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineController } from './controller.js';
import { CacheKindNotWatchedError } from './informer-set.js';
import { Manager } from './manager.js';
import { done } from './result.js';
import { eventually, startTestEnv, type TestEnv } from './test-env.js';

const service = (name: string, taskDefinition = 'web') => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Service' as const,
  metadata: { name },
  spec: { taskDefinition, desiredCount: 1 },
});

describe('controller declarations', () => {
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

  it('a cache read of a kind the controller never declared fails, naming the kind and the fix', async () => {
    await env.client.create(service('web'));
    const errors: unknown[] = [];
    const reader = defineController({
      name: 'reader',
      for: 'Service',
      reconcile(_req, { cache }) {
        try {
          cache.list('Task');
        } catch (err) {
          errors.push(err);
        }
        return done();
      },
    });
    void new Manager({ client: env.client }).add(reader).run(stop.signal);
    const [err] = await eventually(() => errors.length > 0 && errors, 5000, 'the read');
    expect(err).toBeInstanceOf(CacheKindNotWatchedError);
    expect(String(err)).toMatch(/controller reader read Task from ctx.cache.*add reads: \['Task'\]/);
  });

  it('reads: a kind read from the cache with no requests of its own; indexes: its own index, typed by kind', async () => {
    await env.client.create(service('a', 'web'));
    await env.client.create(service('b', 'web'));
    await env.client.create(service('c', 'api'));
    const sameFamily = new Map<string, string[]>();
    const controller = defineController({
      name: 'family-peers',
      for: 'Service',
      reads: ['Cluster'],
      indexes: [{ kind: 'Service', name: 'byFamily', fn: (svc) => [svc.spec.taskDefinition] }],
      reconcile({ key }, { cache }) {
        const svc = cache.get('Service', key);
        if (!svc || cache.list('Cluster').length !== 1) return done();
        sameFamily.set(
          key.name,
          cache
            .byIndex('Service', 'byFamily', svc.spec.taskDefinition)
            .map((s) => s.metadata.name)
            .sort(),
        );
        return done();
      },
    });
    void new Manager({ client: env.client }).add(controller).run(stop.signal);
    await eventually(() => sameFamily.size === 3, 5000, 'every service reconciled');
    expect(Object.fromEntries(sameFamily)).toEqual({ a: ['a', 'b'], b: ['a', 'b'], c: ['c'] });
  });

  it('refuses two controllers declaring one index name with different functions', () => {
    const withIndex = (name: string, fn: (svc: { spec: { taskDefinition: string } }) => string[]) =>
      defineController({ name, for: 'Service', indexes: [{ kind: 'Service', name: 'byFamily', fn }], reconcile: () => done() });
    const manager = new Manager({ client: env.client }).add(withIndex('one', (s) => [s.spec.taskDefinition]));
    expect(() => manager.add(withIndex('two', () => []))).toThrow(/index "byFamily" of Service is already added by one/);
  });

  it('forChanged: an update of the main kind it says does not matter enqueues nothing', async () => {
    await env.client.create(service('web'));
    let reconciles = 0;
    const controller = defineController({
      name: 'spec-only',
      for: 'Service',
      forChanged: (before, after) => before.metadata.generation !== after.metadata.generation,
      reconcile() {
        reconciles++;
        return done();
      },
    });
    void new Manager({ client: env.client }).add(controller).run(stop.signal);
    await eventually(() => reconciles === 1, 5000, 'the first reconcile');
    await env.client.mutate('Service', { name: 'web' }, (s) => void (s.metadata.labels = { team: 'a' }));
    // A local store's watch delivers within milliseconds; this is room for a reconcile that must not come.
    await new Promise((r) => setTimeout(r, 300));
    expect(reconciles).toBe(1);
    await env.client.mutate('Service', { name: 'web' }, (s) => void (s.spec.desiredCount = 3));
    await eventually(() => reconciles === 2, 5000, 'the spec change reconciled');
  });
});
