/**
 * A quick throughput print (no timed assertion): 5,000 pending tasks over 500 instances, bound
 * end to end through LocalClient on the embedded SQLite store by one scheduler under a Manager.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSharedIndexes } from '../controllers/conventions.js';
import { Manager } from '../controllers/kit/manager.js';
import { startTestEnv, type TestEnv } from '../controllers/kit/test-env.js';
import { schedulerController } from '../controllers/scheduler/controller.js';
import { forEachBounded } from '../controllers/kit/pool.js';
import { addDefinition, addInstance, addTask, memoryByInstance, tasksOf } from './scheduler-support.js';

const INSTANCES = Number(process.env.I ?? 500);
const TASKS = Number(process.env.N ?? 5_000);
const MEMORY = 256;
const PER_INSTANCE = 4096;

describe('scheduler throughput', () => {
  let env: TestEnv;
  const stop = new AbortController();
  beforeAll(async () => {
    env = await startTestEnv();
  });
  afterAll(async () => {
    stop.abort();
    await new Promise((r) => setTimeout(r, 100));
    await env.stop();
  });

  it(`binds ${TASKS} tasks over ${INSTANCES} instances`, async () => {
    const td = await addDefinition(env.client, 'default', 'web', MEMORY);
    const names = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
    await forEachBounded(names(INSTANCES, 'i'), 32, (name) => addInstance(env.client, 'default', name, PER_INSTANCE));
    await forEachBounded(names(TASKS, 't'), 32, (name) => addTask(env.client, 'default', name, td));

    const manager = new Manager({ client: env.client });
    addSharedIndexes(manager);
    const started = performance.now();
    void manager.add(schedulerController()).run(stop.signal);
    // Polled slowly: listing and decoding every task competes with the scheduler for the CPU.
    let tasks = await tasksOf(env.client, 'default');
    while (!tasks.every((t) => t.spec.containerInstance) && performance.now() - started < 50_000) {
      await new Promise((r) => setTimeout(r, 250));
      tasks = await tasksOf(env.client, 'default');
    }
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `scheduler throughput: ${TASKS} tasks over ${INSTANCES} instances bound in ${seconds.toFixed(2)} s (${Math.round(TASKS / seconds)} tasks/s, incl. cache sync)\n`,
    );

    const used = Object.values(memoryByInstance(tasks, MEMORY));
    expect(used.reduce((a, b) => a + b, 0)).toBe(TASKS * MEMORY);
    expect(Math.max(...used)).toBeLessThanOrEqual(PER_INSTANCE);
  }, 60_000);
});
