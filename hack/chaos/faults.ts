/**
 * The faults the chaos driver injects, one at a time. Each breaks something (opening a crash
 * window first when tasks may die of it); its `heal` waits out the fault's hold and repairs it.
 * Faults that kill no task (servers, etcd, the whole control plane) open no window: the minimum
 * healthy count must hold right through them.
 */
import type { Logger } from '../../api/log.js';
import { HEARTBEAT } from '../../controllers/conventions.js';
import type { CrashWindow } from './checker.js';
import type { ChaosPlane } from './control-plane.js';
import type { ChaosEngine } from './engine.js';
import { engineSnapshot } from './engine-view.js';
import type { ChaosEtcd } from './etcd.js';
import type { StoreView } from './store-view.js';

export const FAULT_KINDS = [
  'server-kill',
  'leader-kill',
  'agent-kill',
  'agent-stop',
  'container-kill',
  'etcd-restart',
  'engine-restart',
  'control-plane-outage',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultContext {
  plane: ChaosPlane;
  etcd: ChaosEtcd;
  engine: ChaosEngine;
  store: StoreView;
  cluster: string;
  log: Logger;
  /** Opens the crash window; a fault calls it before it breaks anything, so no sample falls between. */
  open(window: CrashWindow): void;
}

export interface Injected {
  detail: Record<string, unknown>;
  /** Task uids whose container the fault killed: each must end STOPPED and replaced. */
  crashedTaskUids: string[];
  heal(): Promise<void>;
}

/** Past the instance controller's heartbeat expiry, with room for its next pass. */
const PAST_LEASE_MS = HEARTBEAT.expireMs + 5_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(Math.random() * items.length)];
const between = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo));

export const FAULTS: Record<FaultKind, (ctx: FaultContext) => Promise<Injected>> = {
  async 'server-kill'({ plane, store }) {
    const leader = plane.leaderIndex(await store.leaderIdentity().catch(() => undefined));
    const i = pick(plane.servers.map((_, i) => i).filter((i) => i !== leader)) ?? 0;
    await plane.servers[i]?.kill();
    return { detail: { server: i }, crashedTaskUids: [], heal: async () => (await sleep(between(500, 3000)), await plane.startServer(i)) };
  },

  async 'leader-kill'({ plane, store }) {
    const identity = await store.leaderIdentity().catch(() => undefined);
    const i = plane.leaderIndex(identity) ?? 0;
    await plane.servers[i]?.kill();
    return {
      detail: { server: i, identity },
      crashedTaskUids: [],
      // Down past the leader lease, so another replica must take over before it is back.
      heal: async () => (await sleep(plane.settings.leaderTtlSeconds * 1000 + 1000), await plane.startServer(i)),
    };
  },

  async 'agent-kill'({ plane, open }) {
    const name = pick(plane.settings.agents) ?? '';
    open({ suspendMinimum: true, excludedInstances: [name] });
    await plane.agents.get(name)?.kill();
    return {
      detail: { agent: name },
      crashedTaskUids: [],
      heal: async () => (await sleep(PAST_LEASE_MS), plane.startAgent(name)),
    };
  },

  async 'agent-stop'({ plane, open }) {
    const name = pick(plane.settings.agents) ?? '';
    open({ suspendMinimum: true, excludedInstances: [name] });
    plane.agents.get(name)?.signal('SIGSTOP');
    return {
      detail: { agent: name },
      crashedTaskUids: [],
      heal: async () => (await sleep(PAST_LEASE_MS), plane.agents.get(name)?.signal('SIGCONT')),
    };
  },

  async 'container-kill'({ engine, cluster, open }) {
    const running = (await engineSnapshot(engine.docker, cluster)).containers.filter((c) => c.state === 'running');
    const victim = pick(running);
    open({ suspendMinimum: true, excludedInstances: [] });
    // It may have stopped since the listing (a rollout's stop): then this fault killed nothing.
    const killed =
      victim !== undefined &&
      (await engine.docker
        .getContainer(victim.id)
        .kill()
        .then(
          () => true,
          (err: unknown) => {
            if (/is not running/.test(String(err))) return false;
            throw err;
          },
        ));
    return {
      detail: { container: victim?.name, task: victim?.taskName, killed },
      crashedTaskUids: killed ? [victim.taskUid] : [],
      heal: async () => undefined,
    };
  },

  async 'etcd-restart'({ etcd }) {
    await etcd.kill();
    return { detail: {}, crashedTaskUids: [], heal: async () => (await sleep(between(1000, 4000)), await etcd.start()) };
  },

  async 'engine-restart'({ engine, open }) {
    open({ suspendMinimum: true, excludedInstances: [] });
    await engine.stop();
    return { detail: {}, crashedTaskUids: [], heal: async () => (await sleep(1000), await engine.start()) };
  },

  async 'control-plane-outage'({ plane }) {
    await Promise.all(plane.servers.map((s) => s.kill()));
    return {
      // Agents and containers are untouched: tasks keep running, so the minimum must hold throughout.
      detail: { heldMs: PAST_LEASE_MS },
      crashedTaskUids: [],
      heal: async () => {
        await sleep(PAST_LEASE_MS);
        await Promise.all(plane.servers.map((_, i) => plane.startServer(i)));
      },
    };
  },
};
