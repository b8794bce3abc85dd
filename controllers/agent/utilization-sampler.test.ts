/**
 * The sampler against a scripted runtime: it reads only running containers of running tasks, at most
 * `concurrency` at once, forgets a container once it stops, and reports per task from two readings.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Task } from '../../api/v1/task.js';
import type { ContainerStats } from './runtime/types.js';
import { UtilizationSampler } from './utilization-sampler.js';

const task = (name: string, containers: { id: string; running: boolean }[], lastStatus: 'RUNNING' | 'STOPPED' = 'RUNNING'): Task => ({
  apiVersion: 'berth.dev/v1',
  kind: 'Task',
  metadata: { name, cluster: 'default' },
  spec: { taskDefinition: 'web:1', desiredStatus: 'RUNNING', launchType: 'EC2', group: 'service:web' },
  status: {
    lastStatus,
    healthStatus: 'UNKNOWN',
    containers: containers.map((c) => ({
      name: c.id,
      dockerId: c.id,
      lastStatus: c.running ? 'RUNNING' : 'STOPPED',
      healthStatus: 'UNKNOWN',
      networkBindings: [],
    })),
  },
});

/** A runtime whose containers each use half a core: 0.5 s of cpu per second of readings. */
function scriptedRuntime() {
  let now = 0;
  let inFlight = 0;
  const seen = { calls: [] as string[], maxInFlight: 0 };
  return {
    seen,
    tick: (ms: number) => (now += ms),
    runtime: {
      async stats(id: string): Promise<ContainerStats> {
        seen.calls.push(id);
        inFlight++;
        seen.maxInFlight = Math.max(seen.maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        return { at: now, cpuNanos: now * 0.5e6, memoryBytes: 16 * 1024 * 1024, running: true };
      },
    },
  };
}

describe('UtilizationSampler', () => {
  it('reads running containers at most `concurrency` at once, reports from the second round, and forgets stopped ones', async () => {
    const script = scriptedRuntime();
    let tasks = [
      task('a', [
        { id: 'a1', running: true },
        { id: 'a2', running: true },
      ]),
      task('b', [{ id: 'b1', running: true }]),
      task('c', [{ id: 'c1', running: true }]),
      task('gone', [{ id: 'g1', running: true }], 'STOPPED'),
    ];
    const sampler = new UtilizationSampler({
      runtime: script.runtime,
      tasks: () => tasks,
      reserved: async () => ({ cpu: 1024, memory: 64 }),
      concurrency: 2,
      now: () => Date.parse('2026-12-06T00:00:00Z'),
      log: pino({ level: 'silent' }),
    });
    await sampler.sample();
    expect(sampler.report()?.tasks).toEqual([]); // one reading each: no cpu figure yet
    expect(new Set(script.seen.calls)).toEqual(new Set(['a1', 'a2', 'b1', 'c1']));
    expect(script.seen.maxInFlight).toBe(2);

    script.tick(1000);
    await sampler.sample();
    const a = sampler.report()?.tasks.find((t) => t.task === 'a');
    // Two containers at half a core each, against 1024 reserved; 32 MiB of 64.
    expect(a).toEqual({
      task: 'a',
      service: 'web',
      cpuUsed: 1024,
      memoryUsed: 32,
      cpuReserved: 1024,
      memoryReserved: 64,
      cpuUtilization: 100,
      memoryUtilization: 50,
    });

    // b1 stops: it is neither read nor kept any more.
    tasks = [tasks[0] as Task, task('b', [{ id: 'b1', running: false }]), tasks[2] as Task];
    script.seen.calls.length = 0;
    script.tick(1000);
    await sampler.sample();
    expect(script.seen.calls).not.toContain('b1');
    expect(sampler.tracked()).toBe(3);
    expect(
      sampler
        .report()
        ?.tasks.map((t) => t.task)
        .sort(),
    ).toEqual(['a', 'c']);
  });
});
