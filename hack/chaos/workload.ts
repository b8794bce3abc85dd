/**
 * What the chaos run keeps busy: a few services of different shapes (start-first and stop-first
 * rollouts; one whose task links two containers and so gets a task network), new revisions rolled
 * out now and then, and a stream of small writes.
 *
 * Every app has a health check: without one berth (as ECS) counts a task healthy only once it has
 * been RUNNING for the settle time (40 s), which the engine does not show — with one, the engine's
 * own health is what berth counts, so the checker can hold berth to minimumHealthyPercent. Every write that got a 2xx goes in the ledger the
 * checker holds the store to afterwards.
 */
import type { HttpClient } from '../../api/client/http-client.js';
import type { Logger } from '../../api/log.js';
import { maxTasks, minHealthyTasks } from '../../controllers/service/rolling.js';

export interface ServiceShape {
  name: string;
  desired: number;
  minimumHealthyPercent: number;
  maximumPercent: number;
  linked: boolean;
}

export const SERVICES: readonly ServiceShape[] = [
  { name: 'web', desired: 4, minimumHealthyPercent: 50, maximumPercent: 150, linked: false },
  { name: 'linked', desired: 2, minimumHealthyPercent: 100, maximumPercent: 200, linked: true },
  { name: 'stopfirst', desired: 3, minimumHealthyPercent: 0, maximumPercent: 100, linked: false },
];

export const bounds = (s: ServiceShape) => ({ max: maxTasks(s.desired, s.maximumPercent), min: minHealthyTasks(s.desired, s.minimumHealthyPercent) });

/** An annotation the writer bumps: each service's last acknowledged value must survive. */
export const SEQ_ANNOTATION = 'chaos.berth.dev/seq';

/** PID 1 that leaves on SIGTERM (busybox sh as PID 1 has no default handlers: see DESIGN.md). */
const LOOP = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'];

function containers(s: ServiceShape, image: string, rev: number) {
  const environment = [{ name: 'CHAOS_REV', value: String(rev) }];
  const app = {
    name: 'app',
    image,
    memory: 16,
    command: LOOP,
    environment,
    stopTimeout: 2,
    // A check that cannot fail but for the machine: its timeout and retries are wide because on a
    // loaded machine an exec can take seconds, and a container that turns unhealthy on its own
    // may take its service below the minimum (ECS's rule too) — a fault the run did not inject.
    healthCheck: { command: ['CMD-SHELL', 'true'], interval: 2, timeout: 20, retries: 5 },
    ...(s.linked ? { links: ['side:peer'] } : {}),
  };
  return s.linked ? [app, { name: 'side', image, memory: 16, command: LOOP, stopTimeout: 2 }] : [app];
}

export interface AckedRevision {
  name: string;
  rev: number;
  resourceVersion: number;
}

export interface AckedSeq {
  service: string;
  seq: number;
  resourceVersion: number;
}

/** Writes that got a 2xx, as the checker will look for them. */
export class Ledger {
  readonly revisions: AckedRevision[] = [];
  /** The last acknowledged seq per service (writes to one service are sequential). */
  readonly seqs = new Map<string, AckedSeq>();
  acked = 0;
  refused = 0;
}

export class Workload {
  private rev = new Map<string, number>();
  private seq = 0;

  constructor(
    private readonly cluster: string,
    private readonly image: string,
    readonly ledger: Ledger,
    private readonly client: () => HttpClient,
    private readonly log: Logger,
  ) {}

  async create(): Promise<void> {
    const c = this.client();
    for (const s of SERVICES) {
      await this.register(s, c);
      await c.create({
        apiVersion: 'berth.dev/v1',
        kind: 'Service',
        metadata: { name: s.name, cluster: this.cluster, annotations: { [SEQ_ANNOTATION]: '0' } },
        spec: {
          taskDefinition: s.name,
          desiredCount: s.desired,
          placementStrategy: [{ type: 'spread', field: 'instanceId' }],
          deploymentConfiguration: { minimumHealthyPercent: s.minimumHealthyPercent, maximumPercent: s.maximumPercent },
        },
      });
    }
  }

  /** A new revision of one service's family (the service follows the family's newest revision). */
  async rollOut(s: ServiceShape): Promise<boolean> {
    try {
      await this.register(s, this.client());
      return true;
    } catch (err) {
      this.ledger.refused++;
      this.log.debug({ err: String(err), service: s.name }, 'rollout write refused');
      return false;
    }
  }

  /** One small write to a random service; refused writes (an outage) are expected and not kept. */
  async bump(): Promise<void> {
    const s = SERVICES[Math.floor(Math.random() * SERVICES.length)];
    if (!s) return;
    const seq = ++this.seq;
    try {
      const updated = await this.client().patch(
        'Service',
        { cluster: this.cluster, name: s.name },
        { metadata: { annotations: { [SEQ_ANNOTATION]: String(seq) } } },
      );
      this.ledger.seqs.set(s.name, { service: s.name, seq, resourceVersion: Number(updated.metadata.resourceVersion) });
      this.ledger.acked++;
    } catch {
      this.ledger.refused++;
    }
  }

  private async register(s: ServiceShape, c: HttpClient): Promise<void> {
    const rev = (this.rev.get(s.name) ?? 0) + 1;
    const td = await c.create({
      apiVersion: 'berth.dev/v1',
      kind: 'TaskDefinition',
      metadata: { name: s.name, cluster: this.cluster },
      spec: { family: s.name, containerDefinitions: containers(s, this.image, rev) },
    });
    this.rev.set(s.name, rev);
    this.ledger.revisions.push({ name: td.metadata.name, rev, resourceVersion: Number(td.metadata.resourceVersion) });
    this.ledger.acked++;
    this.log.info({ taskDefinition: td.metadata.name, rev }, 'new revision');
  }
}
