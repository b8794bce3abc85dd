/**
 * Docker Swarm's side of the traffic bench: the same web replicas published on the routing mesh
 * (ingress), with the same health check, and a start-first `docker service update`. Runs on the
 * bench's own engine (hack/bench-lb.sh), never on the shared one.
 */
import { existsSync } from 'node:fs';
import { docker, lines, sleep, until } from './bench-docker-support.js';
import { ensureSwarm, leaveSwarm, swarmCreate } from './bench-swarm.js';

export const SWARM_SERVICE = 'berth-bench-lb';

export interface WebShape {
  imageId: string;
  replicas: number;
  /** The container's shell command: an HTTP server on containerPort. */
  command: string;
  containerPort: number;
  /** The container health check's shell command, run every healthIntervalS. */
  healthCmd: string;
  healthIntervalS: number;
  healthTimeoutS: number;
  healthRetries: number;
  healthStartPeriodS: number;
}

export type SwarmWeb = { ok: true; port: number } | { ok: false; why: string };

async function healthyReplicas(): Promise<number> {
  return lines(await docker('ps', '-q', '--filter', `label=com.docker.swarm.service.name=${SWARM_SERVICE}`, '--filter', 'health=healthy')).length;
}

async function answers(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) });
    await res.text();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Joins a single-node swarm and publishes the replicas on `port` through the routing mesh. The
 * mesh balances with the kernel's IPVS: on a kernel without it (CONFIG_IP_VS unset) the replicas
 * run but the published port never answers, and this says so instead of failing the run.
 */
export async function startSwarmWeb(shape: WebShape, port: number): Promise<SwarmWeb> {
  await ensureSwarm();
  const health = [
    '--health-cmd',
    shape.healthCmd,
    '--health-interval',
    `${shape.healthIntervalS}s`,
    '--health-timeout',
    `${shape.healthTimeoutS}s`,
    '--health-start-period',
    `${shape.healthStartPeriodS}s`,
  ];
  // berth's minimumHealthyPercent 100 / maximumPercent 200: every replacement may start at once and
  // no old replica stops before its replacement is healthy.
  const bounds = ['--update-parallelism', String(shape.replicas), '--update-order', 'start-first', '--update-delay', '0s'];
  const publish = ['--publish', `published=${port},target=${shape.containerPort},mode=ingress`];
  await swarmCreate(
    SWARM_SERVICE,
    shape.imageId,
    shape.replicas,
    [...publish, ...health, '--health-retries', String(shape.healthRetries), ...bounds],
    ['sh', '-c', shape.command],
  );
  await until(`${shape.replicas} healthy swarm replicas`, async () => (await healthyReplicas()) >= shape.replicas, 120_000);
  const deadline = performance.now() + 20_000;
  while (performance.now() < deadline) {
    if (await answers(port)) return { ok: true, port };
    await sleep(250);
  }
  const ipvs = existsSync('/proc/net/ip_vs');
  return {
    ok: false,
    why: ipvs
      ? `the routing mesh did not answer on port ${port} within 20 s of ${shape.replicas} healthy replicas`
      : `the routing mesh needs the kernel's IPVS, which this kernel lacks (no /proc/net/ip_vs; CONFIG_IP_VS unset): its ${shape.replicas} replicas ran healthy, port ${port} refused every connection`,
  };
}

/** A start-first rolling update to a new revision (an environment change), until swarm says completed. */
export async function swarmUpdate(revision: number): Promise<void> {
  await docker('service', 'update', '--detach', '--quiet', '--env-add', `BERTH_BENCH_REVISION=${revision}`, SWARM_SERVICE);
  await until(
    'swarm update completed',
    async () => (await docker('service', 'inspect', SWARM_SERVICE, '--format', '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}')) === 'completed',
    180_000,
  );
}

/** Kills one healthy replica's container with SIGKILL; resolves once swarm runs the full count healthy again. */
export async function swarmKill(replicas: number): Promise<void> {
  const victim = lines(await docker('ps', '-q', '--filter', `label=com.docker.swarm.service.name=${SWARM_SERVICE}`, '--filter', 'health=healthy'))[0];
  if (victim === undefined) throw new Error('bench-lb: no healthy swarm replica to kill');
  await docker('kill', '-s', 'KILL', victim);
  await until(
    'swarm replaced the killed replica',
    async () => {
      const up = lines(
        await docker('ps', '-q', '--no-trunc', '--filter', `label=com.docker.swarm.service.name=${SWARM_SERVICE}`, '--filter', 'health=healthy'),
      );
      return up.length >= replicas && !up.some((id) => id.startsWith(victim));
    },
    180_000,
  );
}

export async function stopSwarmWeb(): Promise<void> {
  await docker('service', 'rm', SWARM_SERVICE).catch(() => '');
  await leaveSwarm();
}
