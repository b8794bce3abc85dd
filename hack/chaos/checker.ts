/**
 * The independent checker. It reads etcd and the engine itself and holds berth to what must be
 * true whatever berth's status says:
 * - no acknowledged write lost (present, or superseded by a later one);
 * - no task bound to two instances, no task's container running twice;
 * - never more tasks running than maximumPercent allows, nor (outside crash windows) fewer
 *   healthy than minimumHealthyPercent;
 * - every crashed task replaced, and every service steady within a bound after each fault;
 * - once steady, no orphan container or task network left on the engine.
 * berth has no per-task sandbox (awsvpc runs as bridge), so a task network is the sandbox here.
 */
import type Docker from 'dockerode';
import type { Logger } from '../../api/log.js';
import type { Task } from '../../api/v1/task.js';
import { engineSnapshot, passedChecks } from './engine-view.js';
import { describeStored, describeTasks, familyOf, groupBy, healthyTasks, orphans, serviceUnsteady, type ViolationKind } from './judge.js';
import type { StoreView } from './store-view.js';
import { bounds, SEQ_ANNOTATION, SERVICES, type Ledger } from './workload.js';

export { VIOLATION_KINDS, type ViolationKind } from './judge.js';

export interface Violation {
  kind: ViolationKind;
  detail: string;
  /** The fault round it was first seen in (0: before the first fault), and that round's fault. */
  round: number;
  fault: string;
  firstAt: string;
  /** Samples that saw it again. */
  seen: number;
}

/** What a fault suspends while it lasts and until the services are steady again. */
export interface CrashWindow {
  suspendMinimum: boolean;
  /** Instances whose agent is down: their containers are berth's "lost" tasks, still running. */
  excludedInstances: string[];
}

const SAMPLE_MS = 500;
const ORPHAN_GRACE_MS = 15_000;

export class Checker {
  readonly violations = new Map<string, Violation>();
  round = 0;
  /** The fault of the current round ('setup' before the first, 'final' after the last). */
  fault = 'setup';
  samples = 0;
  private window: CrashWindow = { suspendMinimum: true, excludedInstances: [] };
  /** Counts openWindow calls: a sample judges the minimum only if no window opened while it ran. */
  private windowsOpened = 0;
  private readonly firstBinding = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    readonly store: StoreView,
    private readonly docker: Docker,
    private readonly cluster: string,
    private readonly agents: readonly string[],
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.store.watchTasks((t) => this.noteBinding(t));
    const tick = () => {
      this.sampling = this.sample().catch((err: unknown) => this.log.debug({ err: String(err) }, 'sample skipped'));
      void this.sampling.then(() => {
        if (!this.stopped) this.timer = setTimeout(tick, SAMPLE_MS);
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.sampling;
    await this.store.close();
  }

  openWindow(w: CrashWindow): void {
    this.windowsOpened++;
    this.window = w;
  }

  /** After the services are steady again: the minimum holds from here on. */
  closeWindow(): void {
    this.window = { suspendMinimum: false, excludedInstances: [] };
  }

  /**
   * A round is over: its window closes only if the services became steady. One that never did is
   * still recovering from that round's fault — already a not-steady violation — and holding it to
   * the minimum before it recovers would count the same episode again (rounds 80–81 of the long
   * run of 2026-12-07: not-steady, then below-minimum from a sample taken between the two faults).
   * A later round's steady state closes it.
   */
  endRound(steady: boolean): void {
    if (steady) this.closeWindow();
    else this.log.info({ round: this.round }, 'not steady: the crash window stays open until the services are');
  }

  private violation(kind: ViolationKind, key: string, detail: string, at: { round: number; fault: string } = this): void {
    const existing = this.violations.get(key);
    if (existing) return void existing.seen++;
    this.violations.set(key, { kind, detail, round: at.round, fault: at.fault, firstAt: new Date().toISOString(), seen: 1 });
    this.log.warn({ violation: kind, detail, round: at.round, fault: at.fault }, 'violation');
  }

  private noteBinding(task: Task): void {
    const uid = task.metadata.uid;
    const bound = task.spec.containerInstance;
    if (uid === undefined || bound === undefined) return;
    const first = this.firstBinding.get(uid);
    if (first === undefined) this.firstBinding.set(uid, bound);
    else if (first !== bound) this.violation('task-bound-twice', `bound:${uid}`, `task ${task.metadata.name} bound to ${first}, then to ${bound}`);
  }

  private async sample(): Promise<void> {
    // What the sample saw belongs to the round it started in (its reads and checks take seconds on
    // a loaded machine, during which the next round may begin).
    const at = { round: this.round, fault: this.fault };
    const opened = this.windowsOpened;
    const minimumHolds = () => !this.window.suspendMinimum && this.windowsOpened === opened;
    const engine = await engineSnapshot(this.docker, this.cluster).catch(() => undefined);
    const store = await this.store.snapshot().catch(() => undefined);
    for (const t of store?.tasks ?? []) this.noteBinding(t.object);
    if (!engine) return;
    this.samples++;
    const running = engine.containers.filter((c) => c.state === 'running');
    const perContainer = groupBy(running, (c) => `${c.taskUid}/${c.container}`);
    for (const [key, cs] of perContainer)
      if (cs.length > 1)
        this.violation(
          'task-running-twice',
          `twice:${key}`,
          `${cs.length} running containers for task ${cs[0]?.taskName} container ${cs[0]?.container}: ${cs.map((c) => `${c.name}@${c.instance}`).join(', ')}`,
          at,
        );
    for (const s of SERVICES) {
      const { max, min } = bounds(s);
      const mine = running.filter((c) => familyOf(c.taskDefinition) === s.name);
      const counted = new Set(mine.filter((c) => !this.window.excludedInstances.includes(c.instance)).map((c) => c.taskUid));
      if (counted.size > max)
        this.violation(
          'above-maximum',
          `max:${s.name}:${this.round}`,
          `${s.name}: ${counted.size} tasks running, maximumPercent allows ${max}; engine: ${describeTasks(mine)}`,
          at,
        );
      if (!minimumHolds()) continue;
      const family = engine.containers.filter((c) => familyOf(c.taskDefinition) === s.name);
      let healthy = healthyTasks(s, family);
      // Docker runs a container's first check one interval after its start; berth's agent runs it
      // right after the start and counts the task healthy when it passes. So before calling a task
      // unhealthy that Docker shows as "starting", the checker runs its health check itself.
      if (healthy.size < min)
        healthy = healthyTasks(
          s,
          family,
          await passedChecks(
            this.docker,
            family.filter((c) => c.state === 'running' && c.starting),
          ),
        );
      // A fault may have opened its window while the checks ran: then what they saw is its doing.
      if (healthy.size < min && minimumHolds()) {
        const shown = engine.containers.filter((c) => familyOf(c.taskDefinition) === s.name && c.state !== 'exited');
        this.violation(
          'below-minimum',
          `min:${s.name}:${this.round}`,
          `${s.name}: ${healthy.size} healthy tasks running, minimumHealthyPercent needs ${min}; engine: ${describeTasks(shown)}; store: ${describeStored(shown, store?.tasks.map((t) => t.object) ?? [])}`,
          at,
        );
      }
    }
  }

  /** Undefined when every service runs exactly its desired count of its newest revision, as both
   * the engine and the store see it, and every agent is connected; otherwise what is not yet so. */
  async unsteady(): Promise<string | undefined> {
    const [store, engine] = await Promise.all([this.store.snapshot(), engineSnapshot(this.docker, this.cluster)]);
    for (const name of this.agents) {
      const ci = store.instances.find((i) => i.object.metadata.name === name);
      if (ci?.object.status?.agentConnected !== true) return `instance ${name} not connected`;
    }
    for (const s of SERVICES) {
      const why = serviceUnsteady(s, store, engine);
      if (why) return why;
    }
    return undefined;
  }

  /** Orphans that stay after the grace (each reported once, by its id). */
  async checkOrphans(): Promise<void> {
    const deadline = Date.now() + ORPHAN_GRACE_MS;
    let found: { kind: ViolationKind; key: string; detail: string }[] = [];
    do {
      const [store, engine] = await Promise.all([this.store.snapshot(), engineSnapshot(this.docker, this.cluster)]);
      // One already reported (a network berth keeps for good, say) is not waited for again.
      found = orphans(store, engine).filter((o) => !this.violations.has(o.key));
      if (found.length === 0) return;
      await new Promise((r) => setTimeout(r, 1000));
    } while (Date.now() < deadline);
    for (const o of found) this.violation(o.kind, o.key, o.detail);
  }

  /** The tasks whose container a fault killed: each must be STOPPED (and, the services being
   * steady, replaced: a STOPPED task is not one of the desired count). */
  async checkCrashedReplaced(taskUids: readonly string[]): Promise<void> {
    const store = await this.store.snapshot();
    for (const uid of taskUids) {
      const t = store.tasks.find((x) => x.object.metadata.uid === uid)?.object;
      if (t && t.status?.lastStatus !== 'STOPPED')
        this.violation(
          'crashed-task-not-replaced',
          `crashed:${uid}`,
          `task ${t.metadata.name} had its container killed but is ${t.spec.desiredStatus}/${t.status?.lastStatus}`,
        );
    }
  }

  async checkLedger(ledger: Ledger): Promise<void> {
    for (const r of ledger.revisions) {
      const td = await this.store.taskDefinition(r.name);
      const rev = td?.spec.containerDefinitions[0]?.environment?.find((e) => e.name === 'CHAOS_REV')?.value;
      if (rev !== String(r.rev))
        this.violation(
          'acked-write-lost',
          `td:${r.name}`,
          `task definition ${r.name} (acknowledged at revision ${r.resourceVersion}) ${td ? `holds CHAOS_REV=${rev}` : 'is gone'}`,
        );
    }
    const store = await this.store.snapshot();
    for (const a of ledger.seqs.values()) {
      const svc = store.services.find((x) => x.object.metadata.name === a.service);
      const seq = Number(svc?.object.metadata.annotations?.[SEQ_ANNOTATION] ?? -1);
      if (!svc || seq < a.seq || svc.modRevision < a.resourceVersion)
        this.violation(
          'acked-write-lost',
          `seq:${a.service}:${a.seq}`,
          `service ${a.service}: acknowledged seq ${a.seq} at revision ${a.resourceVersion}, store holds seq ${seq} at ${svc?.modRevision ?? 'none'}`,
        );
    }
  }

  notSteady(detail: string): void {
    this.violation('not-steady', `steady:${this.round}`, detail);
  }
}
