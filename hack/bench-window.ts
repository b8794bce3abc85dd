/**
 * What one timed window of the real-Docker bench costs in CPU: berth's own process
 * (process.cpuUsage: the server, controllers, agent and the bench's watch share this process) and
 * the engine's daemons, dockerd and containerd (from /proc), so that a berth round and a swarm
 * round can be set side by side: swarm orchestrates inside dockerd. When BENCH_PROFILE names a
 * directory, a V8 CPU profile of just the window is written too (node:inspector), so the setup and
 * the peers' rounds do not dilute it. On a machine the engine saturates, V8's sampler counts
 * preempted wall time too: profile with the engine pinned to other cores (taskset) to see berth's
 * own split.
 */
import { Session } from 'node:inspector/promises';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** /proc/<pid>/stat counts CPU in clock ticks of USER_HZ, which Linux fixes at 100 for userspace. */
const USER_HZ = 100;
const DAEMONS = ['dockerd', 'containerd'] as const;
type Daemon = (typeof DAEMONS)[number];

export interface WindowCost {
  /** CPU seconds (user + system) this process used during the window. */
  cpuSeconds: number;
  /** CPU seconds each engine daemon used during the window; absent where /proc does not show them. */
  daemons?: Record<Daemon, number>;
}

/** Cumulative CPU seconds of every process named dockerd or containerd; undefined without /proc. */
export function daemonCpuSeconds(proc = '/proc'): Record<Daemon, number> | undefined {
  let pids: string[];
  try {
    pids = readdirSync(proc).filter((p) => /^\d+$/.test(p));
  } catch {
    return undefined;
  }
  const out: Record<Daemon, number> = { dockerd: 0, containerd: 0 };
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(join(proc, pid, 'stat'), 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid …": comm may hold spaces, so split after its closing parenthesis.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    if (!(DAEMONS as readonly string[]).includes(comm)) continue;
    const fields = stat.slice(close + 2).split(' ');
    // After comm: state is field 3 of stat(5), so utime (14) and stime (15) are at 11 and 12 here.
    out[comm as Daemon] += (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  }
  return out;
}

export async function measuredWindow<T>(
  label: string,
  call: () => Promise<T>,
  profileDir = process.env.BENCH_PROFILE,
): Promise<{ value: T; cost: WindowCost }> {
  const session = profileDir ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 1000 });
    await session.post('Profiler.start');
  }
  const before = process.cpuUsage();
  const daemonsBefore = daemonCpuSeconds();
  try {
    const value = await call();
    const used = process.cpuUsage(before);
    const daemonsAfter = daemonCpuSeconds();
    const daemons =
      daemonsBefore && daemonsAfter
        ? { dockerd: daemonsAfter.dockerd - daemonsBefore.dockerd, containerd: daemonsAfter.containerd - daemonsBefore.containerd }
        : undefined;
    return { value, cost: { cpuSeconds: (used.user + used.system) / 1e6, ...(daemons ? { daemons } : {}) } };
  } finally {
    if (session && profileDir) {
      const { profile } = await session.post('Profiler.stop');
      mkdirSync(profileDir, { recursive: true });
      writeFileSync(join(profileDir, `${label}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    }
  }
}
