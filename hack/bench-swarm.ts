/**
 * Docker Swarm's side of the real-Docker bench, on the same engine as berth: a service's start, the
 * replacement of a killed task, and a rolling update, each timed by Docker's own events; joining a
 * single-node swarm for the run and leaving it after.
 */
import { engineEvents } from './bench-engine-events.js';
import { measuredWindow, type WindowCost } from './bench-window.js';
import { docker, dockerLabelled, HEALTH_RETRIES, lines, runningFrom, sleep, timed, until } from './bench-docker-support.js';

/** Full IDs (as events name them) of the service's running containers. */
async function swarmRunning(service: string): Promise<string[]> {
  return lines(await docker('ps', '-q', '--no-trunc', '--filter', `label=com.docker.swarm.service.name=${service}`, '--filter', 'status=running'));
}

/** `docker service create` of n replicas (init, 2 s stop grace), `extra` flags, running `command`. */
export async function swarmCreate(name: string, imageId: string, n: number, extra: string[] = [], command: string[] = ['sleep', '3600']): Promise<void> {
  await docker(
    'service',
    'create',
    '--detach',
    '--quiet',
    '--name',
    name,
    '--replicas',
    String(n),
    '--init',
    '--stop-grace-period',
    '2s',
    ...extra,
    imageId,
    ...command,
  );
}

async function swarmRemove(name: string): Promise<void> {
  await docker('service', 'rm', name).catch(() => '');
  await until(`swarm service ${name} gone`, async () => (await dockerLabelled(`com.docker.swarm.service.name=${name}`, false)).length === 0);
}

export async function swarmStart(imageId: string, n: number, round: number): Promise<{ seconds: number; cost: WindowCost }> {
  const name = `berth-bench-start-${round}`;
  const since = Date.now();
  const events = await engineEvents({ type: ['container'], event: ['start', 'die'], label: [`com.docker.swarm.service.name=${name}`] }, since);
  const window = await measuredWindow(`swarm-start-${round}`, () =>
    timed(async () => {
      await swarmCreate(name, imageId, n);
      await events.until(`${n} swarm tasks running`, (es) => runningFrom(es).size >= n);
    }),
  );
  events.close();
  await swarmRemove(name);
  return { seconds: window.value, cost: window.cost };
}

export async function swarmRecovery(imageId: string, n: number, repeats: number, extra: string[], tag: string): Promise<number[]> {
  const name = `berth-bench-recovery-${tag}`;
  await swarmCreate(name, imageId, n, extra);
  await until(`${n} swarm tasks running`, async () => (await swarmRunning(name)).length >= n);
  const out: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const before = await swarmRunning(name);
    const victim = before[0];
    if (!victim) throw new Error('bench: no running swarm container to kill');
    const events = await engineEvents({ type: ['container'], event: ['start', 'die'], label: [`com.docker.swarm.service.name=${name}`] }, Date.now());
    out.push(
      await timed(async () => {
        await docker('kill', victim);
        await events.until('swarm replacement running', (es) => {
          const running = runningFrom(es, before);
          return running.size >= n && !running.has(victim);
        });
      }),
    );
    events.close();
    await sleep(500);
  }
  await swarmRemove(name);
  return out;
}

export async function swarmUpdate(imageId: string, n: number, healthIntervalS: number, round: number): Promise<number> {
  const name = `berth-bench-update-${round}`;
  const health = ['--health-cmd', 'true', '--health-interval', `${healthIntervalS}s`, '--health-timeout', '2s', '--health-retries', String(HEALTH_RETRIES)];
  // berth's maximumPercent 200 / minimumHealthyPercent 100: all n new copies may start at once, and
  // no old copy stops before its replacement is up: parallelism n, start-first, no delay.
  const bounds = ['--update-parallelism', String(n), '--update-order', 'start-first', '--update-delay', '0s'];
  await swarmCreate(name, imageId, n, [...health, ...bounds]);
  await until(`${n} swarm tasks running`, async () => (await swarmRunning(name)).length >= n);
  const events = await engineEvents({ type: ['service'], service: [name] }, Date.now());
  const seconds = await timed(async () => {
    await docker('service', 'update', '--detach', '--quiet', '--args', 'sleep 3601', name);
    // The service's UpdateStatus turning "completed", as its update event says.
    await events.until('swarm update completed', (es) => es.some((e) => e.Actor.Attributes['updatestate.new']?.toLowerCase() === 'completed'));
  });
  events.close();
  await swarmRemove(name);
  return seconds;
}

/** Joins a single-node swarm if the engine is in none; returns whether we did (so we leave it). */
export async function ensureSwarm(): Promise<boolean> {
  const state = await docker('info', '--format', '{{.Swarm.LocalNodeState}}');
  if (state === 'active') return false;
  await docker('swarm', 'init', '--advertise-addr', '127.0.0.1');
  return true;
}

export async function leaveSwarm(): Promise<void> {
  await docker('swarm', 'leave', '--force').catch(() => '');
  // Leaving does not remove the bridge the swarm created.
  await docker('network', 'rm', 'docker_gwbridge').catch(() => '');
}
