/**
 * Bulk work on the real (embedded) store leaves the event loop turns: thousands of deletes through
 * forEachBounded, or a controller's backlog of thousands of keys, settle without I/O on SQLite and
 * used to run as one unbroken chain, holding up every timer (lease renewals, heartbeats) until the
 * last item was done.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineController } from '../controllers/kit/controller.js';
import { done } from '../controllers/kit/result.js';
import { runController } from '../controllers/kit/run-controller.js';
import { forEachBounded } from '../controllers/kit/pool.js';
import { startTestEnv, type TestEnv } from '../controllers/kit/test-env.js';

const COUNT = 3_000;

/** The longest time between two ticks of a 10 ms interval while `work` runs. */
async function longestTimerGap(work: () => Promise<void>): Promise<number> {
  let last = Date.now();
  let longest = 0;
  const tick = setInterval(() => {
    const now = Date.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  try {
    await work();
  } finally {
    clearInterval(tick);
  }
  return Math.max(longest, Date.now() - last);
}

describe('bulk work gives the event loop turns', () => {
  let env: TestEnv;
  const names = Array.from({ length: COUNT }, (_, i) => `t-${i}`);
  beforeEach(async () => {
    env = await startTestEnv();
    await env.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: 'web' },
      spec: { containerDefinitions: [{ name: 'a', image: 'x', memory: 16 }] },
    });
    await forEachBounded(names, 256, async (name) => {
      await env.client.create({ apiVersion: 'berth.dev/v1', kind: 'Task', metadata: { name }, spec: { taskDefinition: 'web:1' } });
    });
  });
  afterEach(() => env.stop());

  it(`${COUNT} deletes through forEachBounded`, async () => {
    const gap = await longestTimerGap(() => forEachBounded(names, 256, async (name) => void (await env.client.delete('Task', { name }))));
    expect((await env.client.list('Task')).items).toHaveLength(0);
    expect(gap).toBeLessThan(500);
  });

  it(`a controller working off a backlog of ${COUNT} keys`, async () => {
    const stop = new AbortController();
    let deleted = 0;
    const controller = runController(
      defineController({
        name: 'deleter',
        for: 'Task',
        workers: 2,
        async reconcile({ key }, { client }) {
          await client.delete('Task', key);
          deleted++;
          return done();
        },
      }),
      { client: env.client, signal: stop.signal },
    );
    const gap = await longestTimerGap(async () => {
      for (const name of names) controller.enqueue({ kind: 'Task', cluster: 'default', name });
      while (deleted < COUNT) await new Promise((r) => setTimeout(r, 5));
    });
    stop.abort();
    await controller.stopped;
    expect(gap).toBeLessThan(500);
  });
});
