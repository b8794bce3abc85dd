/**
 * The service controller creates a deployment's tasks many at a time (the benchmark's placement
 * rate had been the rate of one-at-a-time creates), and a create that fails part-way leaves no
 * task missing or doubled: the next pass creates exactly what is still missing.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { BerthClient } from '../api/client/types.js';
import { StoreUnavailableError } from '../api/store/errors.js';
import { addSharedIndexes, isLive } from '../controllers/conventions.js';
import { Manager } from '../controllers/kit/manager.js';
import { eventually, startTestEnv, type TestEnv } from '../controllers/kit/test-env.js';
import { serviceController } from '../controllers/service/index.js';

let env: TestEnv;
const stop = new AbortController();
beforeEach(async () => {
  env = await startTestEnv();
});
afterEach(async () => {
  stop.abort();
  await new Promise((r) => setTimeout(r, 100));
  await env.stop();
});

/** env.client, except that Task creates are counted in flight and the `failAt`-th one fails. */
function flakyCreates(base: BerthClient, failAt: number) {
  const seen = { creates: 0, inFlight: 0, maxInFlight: 0, failed: 0 };
  const client: BerthClient = {
    get: (kind, ref) => base.get(kind, ref),
    mustGet: (kind, ref) => base.mustGet(kind, ref),
    list: (kind, options) => base.list(kind, options),
    watch: (kind, options) => base.watch(kind, options),
    async create(object, options) {
      if (object.kind !== 'Task') return base.create(object, options);
      const call = ++seen.creates;
      seen.inFlight++;
      seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
      try {
        await new Promise((r) => setTimeout(r, 2));
        if (call === failAt) {
          seen.failed++;
          throw new StoreUnavailableError('injected: store unavailable');
        }
        return await base.create(object, options);
      } finally {
        seen.inFlight--;
      }
    },
    update: (object, options) => base.update(object, options),
    updateStatus: (object, options) => base.updateStatus(object, options),
    updateFrom: (current, next) => base.updateFrom(current, next),
    patch: (kind, ref, patch, options) => base.patch(kind, ref, patch, options),
    delete: (kind, ref, options) => base.delete(kind, ref, options),
    deleteMany: (kind, refs) => base.deleteMany(kind, refs),
    mutate: (kind, ref, change, options) => base.mutate(kind, ref, change, options),
  };
  return { client, seen };
}

it('creates 60 tasks many at a time; a failed create is made up for without doubles', async () => {
  const { client, seen } = flakyCreates(env.client, 10);
  const manager = new Manager({ client });
  addSharedIndexes(manager);
  void manager.add(serviceController({ settings: { settleMs: 100, expectationTimeoutMs: 2_000 } })).run(stop.signal);
  await env.client.create({
    apiVersion: 'berth.dev/v1',
    kind: 'TaskDefinition',
    metadata: { name: 'web' },
    spec: { containerDefinitions: [{ name: 'app', image: 'x', memory: 8 }] },
  });
  await env.client.create({ apiVersion: 'berth.dev/v1', kind: 'Service', metadata: { name: 'web' }, spec: { taskDefinition: 'web', desiredCount: 60 } });
  const live = await eventually(
    async () => {
      const tasks = (await env.client.list('Task')).items.filter(isLive);
      return tasks.length >= 60 && tasks;
    },
    15_000,
    '60 live tasks',
  );
  await new Promise((r) => setTimeout(r, 500)); // a double would show up now
  expect((await env.client.list('Task')).items.filter(isLive)).toHaveLength(60);
  expect(new Set(live.map((t) => t.metadata.name)).size).toBe(60);
  expect(seen).toMatchObject({ failed: 1 });
  expect(seen.creates).toBeGreaterThanOrEqual(61); // the failed one, made up for
  expect(seen.maxInFlight).toBeGreaterThan(1);
});
