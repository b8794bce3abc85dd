/**
 * What the engine itself takes, with no orchestrator: the bench's floors, each a script over the
 * Docker API that does one thing and nothing else (no store, no scheduler, no status to report, no
 * monitor window), on the same engine in the same rounds as berth and swarm. No orchestrator beats
 * them on this engine at that minute: berth's time over a floor is what berth's orchestration
 * costs, and a floor over swarm's time is how low berth's ratio to swarm can go on this machine.
 * Containers as swarm's: `--init`, stop timeout 2 s, no limits.
 *
 * - startFloor: n containers created and started at once, until every start has returned.
 * - updateFloor: n healthy containers replaced by n new ones under the bounds berth and swarm are
 *   given (every new one starts at once; an old one stops only when a new one has turned healthy).
 */
import { randomUUID } from 'node:crypto';
import Docker, { type HealthConfig } from 'dockerode';
import type { DockerEvent } from '../controllers/agent/runtime/docker-schemas.js';
import { engineEvents } from './bench-engine-events.js';

export interface UpdateFloorOptions {
  image: string;
  n: number;
  healthIntervalS: number;
  healthRetries: number;
}

export interface UpdateFloorRound {
  /** From the first new container's create to the last old one's death with every new one healthy. */
  seconds: number;
  /** When each new container first turned healthy, and each old one died: ms from the same start. */
  newHealthyAt: number[];
  oldDiedAt: number[];
}

const LABEL = 'berth-bench-floor';
const NS_PER_SECOND = 1_000_000_000;
const HEALTHY = 'health_status: healthy';

/** n containers of `image` created and started at once; seconds until the last start returned. */
export async function startFloor(image: string, n: number): Promise<number> {
  return withFloorContainers(async (create) => {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: n }, () => create(image, '3600')));
    return (performance.now() - t0) / 1000;
  });
}

export async function updateFloor(o: UpdateFloorOptions): Promise<UpdateFloorRound> {
  const healthCheck = { Test: ['CMD-SHELL', 'true'], Interval: o.healthIntervalS * NS_PER_SECOND, Timeout: 2 * NS_PER_SECOND, Retries: o.healthRetries };
  return withFloorContainers(async (create, filters, docker) => {
    // The old revision, running and healthy before the clock starts (as both orchestrators' are).
    const setup = await engineEvents(filters, Date.now());
    const old = await Promise.all(Array.from({ length: o.n }, () => create(o.image, '3600', healthCheck)));
    const oldIds = new Set(old);
    await setup.until(`${o.n} old floor containers healthy`, (es) => healthyIds(es, oldIds).size === o.n).finally(() => setup.close());

    const toStop = [...old];
    const newHealthyAt = new Map<string, number>();
    const oldDiedAt = new Map<string, number>();
    const stops: Promise<unknown>[] = [];
    const t0 = performance.now();
    const events = await engineEvents(filters, Date.now(), (e) => {
      const id = e.Actor.ID;
      if (e.Action === HEALTHY && !oldIds.has(id) && !newHealthyAt.has(id)) {
        newHealthyAt.set(id, performance.now() - t0);
        // One old container goes for each new one that is healthy: never fewer than n healthy.
        const victim = toStop.shift();
        if (victim) stops.push(docker.getContainer(victim).stop({ t: 2 }));
      } else if (e.Action === 'die' && oldIds.has(id) && !oldDiedAt.has(id)) {
        oldDiedAt.set(id, performance.now() - t0);
      }
    });
    try {
      await Promise.all(Array.from({ length: o.n }, () => create(o.image, '3601', healthCheck)));
      await events.until('the floor update', () => newHealthyAt.size === o.n && oldDiedAt.size === o.n);
    } finally {
      events.close();
    }
    const seconds = (performance.now() - t0) / 1000;
    await Promise.all(stops);
    return { seconds, newHealthyAt: [...newHealthyAt.values()], oldDiedAt: [...oldDiedAt.values()] };
  });
}

type CreateStarted = (image: string, sleepSeconds: string, healthCheck?: HealthConfig) => Promise<string>;

/**
 * Runs `use` with a way to create and start containers labelled as this floor run's (sleeping, as
 * swarm's run), an event filter for them, and the client; removes them all afterwards, whatever
 * happened.
 */
async function withFloorContainers<T>(use: (create: CreateStarted, filters: Record<string, string[]>, docker: Docker) => Promise<T>): Promise<T> {
  const docker = new Docker();
  const run = randomUUID().slice(0, 8);
  const create: CreateStarted = async (image, sleepSeconds, healthCheck) => {
    const container = await docker.createContainer({
      Image: image,
      Cmd: ['sleep', sleepSeconds],
      Labels: { [LABEL]: run },
      StopTimeout: 2,
      ...(healthCheck ? { Healthcheck: healthCheck } : {}),
      HostConfig: { Init: true },
    });
    await container.start();
    return container.id;
  };
  try {
    return await use(create, { type: ['container'], label: [`${LABEL}=${run}`] }, docker);
  } finally {
    const mine = await docker.listContainers({ all: true, filters: { label: [`${LABEL}=${run}`] } });
    await Promise.all(
      mine.map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
  }
}

/** The containers of `among` that have reported healthy in `events`. */
function healthyIds(events: readonly DockerEvent[], among: ReadonlySet<string>): Set<string> {
  return new Set(events.filter((e) => e.Action === HEALTHY && among.has(e.Actor.ID)).map((e) => e.Actor.ID));
}
