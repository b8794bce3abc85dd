/** failed-tasks: the pure count, and the event on a real throw-away store with a clock the test sets. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, FakeClock, startTestEnv, type TestEnv } from 'berth/testing';
import { Manager } from 'berth/kit';
import { failedTasks } from '../src/failed-tasks.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const at = (ms: number) => new Date(ms).toISOString();

const task = (name: string, exitCode: number, stoppedAt: number) => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Task' as const,
  metadata: { name, ownerReferences: [{ apiVersion: 'berth.dev/v1', kind: 'Service', name: 'web', uid: 'u', controller: true }] },
  spec: { taskDefinition: 'web:1', group: 'service:web', desiredStatus: 'STOPPED' },
  status: { lastStatus: 'STOPPED', stoppedAt: at(stoppedAt), containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode }] },
});

describe('failed-tasks', () => {
  let env: TestEnv;
  const stop = new AbortController();
  beforeEach(async () => {
    env = await startTestEnv({ clock: new FakeClock(NOW) });
  });
  afterEach(async () => {
    stop.abort();
    await env.stop();
  });

  it('counts the failures of the last ten minutes into one event on the service', async () => {
    await env.client.create({ apiVersion: 'berth.dev/v1', kind: 'Service', metadata: { name: 'web' }, spec: { taskDefinition: 'web', desiredCount: 1 } });
    for (const [name, exit, when] of [
      ['a', 1, NOW - 60_000],
      ['b', 137, NOW - 120_000],
      ['c', 0, NOW - 60_000],
      ['d', 1, NOW - 3_600_000],
    ] as const) {
      const created = await env.client.create(task(name, exit, when));
      await env.client.updateStatus({ ...created, status: task(name, exit, when).status });
    }
    void new Manager({ client: env.client, clock: env.clock }).add(failedTasks).run(stop.signal);
    const events = await eventually(
      async () => {
        const e = (await env.client.mustGet('Service', { name: 'web' })).status?.events ?? [];
        return e.length > 0 && e;
      },
      5000,
      'an event',
    );
    expect(events.map((e) => e.message)).toEqual(['2 tasks of web stopped with a failure in the last 10 minutes']);
    expect(events[0]?.createdAt).toBe(at(NOW));
  });
});
