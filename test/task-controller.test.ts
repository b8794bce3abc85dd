/**
 * The task controller (GC) against a real store with a FakeClock: STOPPED tasks are deleted once
 * their retention, counted from status.stoppedAt, is over; everything else is kept.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../controllers/kit/clock.js';
import { Manager } from '../controllers/kit/manager.js';
import { eventually, startTestEnv, type TestEnv } from '../controllers/kit/test-env.js';
import { addSharedIndexes } from '../controllers/conventions.js';
import { createTaskController } from '../controllers/task/index.js';

const RETENTION_MS = 60_000;

describe('task controller (STOPPED task retention)', () => {
  let env: TestEnv;
  let stop: AbortController;
  let clock: FakeClock;
  beforeEach(async () => {
    env = await startTestEnv();
    stop = new AbortController();
    clock = new FakeClock(Date.now());
  });
  afterEach(async () => {
    stop.abort();
    await env.stop();
  });

  const task = (name: string, status: Record<string, unknown>, desiredStatus = 'STOPPED', group?: string) =>
    env.client.create({
      apiVersion: 'berth.dev/v1',
      kind: 'Task',
      metadata: { name },
      spec: { taskDefinition: 'web:1', containerInstance: 'i-1', desiredStatus, ...(group ? { group } : {}) },
      status,
    });
  const ago = (ms: number) => new Date(clock.now() - ms).toISOString();
  const exists = async (name: string) => (await env.client.get('Task', { name })) !== undefined;

  it('deletes STOPPED tasks after the retention, measured from stoppedAt, and nothing else', async () => {
    await task('old', { lastStatus: 'STOPPED', stoppedAt: ago(RETENTION_MS + 1_000) });
    await task('recent', { lastStatus: 'STOPPED', stoppedAt: ago(50_000) });
    await task('running', { lastStatus: 'RUNNING', startedAt: ago(10 * RETENTION_MS) }, 'RUNNING');
    await task('stopping', { lastStatus: 'RUNNING', startedAt: ago(10 * RETENTION_MS) });
    void new Manager({ client: env.client, clock }).add(createTaskController({ stoppedTaskRetentionMs: RETENTION_MS })).run(stop.signal);

    await eventually(async () => !(await exists('old')), 5000, 'old stopped task deleted');
    await new Promise((r) => setTimeout(r, 200));
    expect(await exists('recent')).toBe(true);

    await clock.advanceAsync(9_000); // 59 s since it stopped: still kept
    await new Promise((r) => setTimeout(r, 200));
    expect(await exists('recent')).toBe(true);
    await clock.advanceAsync(1_500); // past 60 s: the requeue fires
    await eventually(async () => !(await exists('recent')), 5000, 'recent task deleted once its retention is over');

    await clock.advanceAsync(10 * RETENTION_MS);
    await new Promise((r) => setTimeout(r, 200));
    expect(await exists('running')).toBe(true);
    expect(await exists('stopping')).toBe(true);
  });

  it('starts the retention when a running task stops', async () => {
    await task('t', { lastStatus: 'RUNNING' }, 'RUNNING');
    void new Manager({ client: env.client, clock }).add(createTaskController({ stoppedTaskRetentionMs: RETENTION_MS })).run(stop.signal);
    await clock.advanceAsync(5 * RETENTION_MS);
    await env.client.mutate(
      'Task',
      { name: 't' },
      (t) => {
        t.status = { ...t.status, lastStatus: 'STOPPED', stoppedAt: new Date(clock.now()).toISOString(), containers: [], healthStatus: 'UNKNOWN' };
      },
      { subresource: 'status' },
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(await exists('t')).toBe(true);
    await clock.advanceAsync(RETENTION_MS + 10);
    await eventually(async () => !(await exists('t')), 5000, 'deleted a retention after it stopped');
  });

  it("keeps at most maxStoppedTasksPerService of a service's STOPPED tasks, the newest, whatever their age", async () => {
    // A service whose tasks keep failing: 6 STOPPED within the last minute, well inside the retention.
    for (let i = 0; i < 6; i++) await task(`web-${i}`, { lastStatus: 'STOPPED', stoppedAt: ago((6 - i) * 1_000) }, 'RUNNING', 'service:web');
    await task('web-running', { lastStatus: 'RUNNING', startedAt: ago(60_000) }, 'RUNNING', 'service:web');
    for (let i = 0; i < 4; i++) await task(`api-${i}`, { lastStatus: 'STOPPED', stoppedAt: ago(1_000) }, 'RUNNING', 'service:api');
    await task('one-off', { lastStatus: 'STOPPED', stoppedAt: ago(1_000) });
    const manager = new Manager({ client: env.client, clock }).add(
      createTaskController({ stoppedTaskRetentionMs: RETENTION_MS, maxStoppedTasksPerService: 4 }),
    );
    addSharedIndexes(manager);
    void manager.run(stop.signal);

    await eventually(async () => !(await exists('web-0')) && !(await exists('web-1')), 5000, 'the two oldest stopped tasks of web deleted');
    await new Promise((r) => setTimeout(r, 200));
    for (const name of ['web-2', 'web-3', 'web-4', 'web-5', 'web-running', 'api-0', 'api-1', 'api-2', 'api-3', 'one-off'])
      expect(await exists(name), name).toBe(true);

    // One more failure: the oldest kept one goes.
    await task('web-6', { lastStatus: 'STOPPED', stoppedAt: ago(0) }, 'RUNNING', 'service:web');
    await eventually(async () => !(await exists('web-2')), 5000, 'web-2 deleted when web-6 stopped');
    expect(await exists('web-3')).toBe(true);
  });
});
