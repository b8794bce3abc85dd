/**
 * What berth's own process spends in one timed window of the real-Docker bench: its CPU time
 * (process.cpuUsage: the server, controllers, agent and the bench's watch share this process), and,
 * when BENCH_PROFILE names a directory, a V8 CPU profile of just that window (node:inspector), so
 * the setup and the peers' rounds do not dilute it. On a machine the engine saturates V8's sampler
 * counts preempted wall time too: profile with the engine pinned to other cores (taskset) to see
 * berth's own split.
 */
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WindowCost {
  /** CPU seconds (user + system) this process used during the window. */
  cpuSeconds: number;
}

export async function measuredWindow<T>(label: string, call: () => Promise<T>, profileDir = process.env.BENCH_PROFILE): Promise<{ value: T } & WindowCost> {
  const session = profileDir ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 1000 });
    await session.post('Profiler.start');
  }
  const before = process.cpuUsage();
  try {
    const value = await call();
    const used = process.cpuUsage(before);
    return { value, cpuSeconds: (used.user + used.system) / 1e6 };
  } finally {
    if (session && profileDir) {
      const { profile } = await session.post('Profiler.stop');
      mkdirSync(profileDir, { recursive: true });
      writeFileSync(join(profileDir, `${label}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    }
  }
}
