/**
 * The checker's judgements, as pure functions of what it read (a store snapshot, an engine
 * snapshot): whether a service is steady, which tasks are whole and healthy, what is an orphan.
 */
import type { Task } from '../../api/v1/task.js';
import type { EngineContainer, EngineSnapshot } from './engine-view.js';
import type { StoreSnapshot } from './store-view.js';
import type { ServiceShape } from './workload.js';

export const VIOLATION_KINDS = [
  'acked-write-lost',
  'task-bound-twice',
  'task-running-twice',
  'above-maximum',
  'below-minimum',
  'crashed-task-not-replaced',
  'not-steady',
  'orphan-container',
  'orphan-network',
] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

export function familyOf(taskDefinition: string): string {
  return taskDefinition.split(':')[0] ?? '';
}

/** `task(rev)@instance app=running/healthy side=exited …`, for a violation's detail. */
export function describeTasks(containers: readonly EngineContainer[]): string {
  return [...groupBy(containers, (c) => c.taskName)]
    .map(
      ([task, cs]) =>
        `${task}(${cs[0]?.taskDefinition})@${cs[0]?.instance} ${cs.map((c) => `${c.container}=${c.state}${c.healthy ? '/healthy' : c.starting ? '/starting' : ''}`).join(' ')}`,
    )
    .join('; ');
}

/** Berth's own view of the tasks shown: `task desired/last health [container=status/health …] stopReason`, so a
 * violation says whether berth knew what the engine showed. */
export function describeStored(containers: readonly EngineContainer[], tasks: readonly Task[]): string {
  const uids = new Set(containers.map((c) => c.taskUid));
  return tasks
    .filter((t) => uids.has(t.metadata.uid ?? ''))
    .map((t) => {
      const cs = (t.status?.containers ?? []).map((c) => `${c.name}=${c.lastStatus}/${c.healthStatus}`).join(' ');
      return `${t.metadata.name} ${t.spec.desiredStatus}/${t.status?.lastStatus} ${t.status?.healthStatus} [${cs}]${t.spec.stopReason ? ` "${t.spec.stopReason}"` : ''}`;
    })
    .join('; ');
}

export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) out.set(key(i), [...(out.get(key(i)) ?? []), i]);
  return out;
}

/** Desired RUNNING and not yet STOPPED: a task that stopped on its own keeps desiredStatus RUNNING. */
export const isLive = (t: Task) => t.spec.desiredStatus === 'RUNNING' && t.status?.lastStatus !== 'STOPPED';

const containerCount = (s: ServiceShape) => (s.linked ? 2 : 1);

/**
 * Tasks all of whose containers run and whose app (the container with the check) is healthy: Docker
 * says so, or — `passed` — the checker ran the app's health check itself while Docker still said
 * "starting" and it passed (berth's agent runs the first check right after the start, as Docker
 * does only one interval later, and counts the task healthy on it).
 */
export function healthyTasks(s: ServiceShape, containers: readonly EngineContainer[], passed: ReadonlySet<string> = new Set()): Set<string> {
  const out = new Set<string>();
  for (const [uid, cs] of groupBy(containers, (c) => c.taskUid)) {
    const up = cs.filter((c) => c.state === 'running' && (c.container !== 'app' || c.healthy || (c.starting && passed.has(c.id))));
    if (up.length === containerCount(s)) out.add(uid);
  }
  return out;
}

export function serviceUnsteady(s: ServiceShape, store: StoreSnapshot, engine: EngineSnapshot): string | undefined {
  const revisions = store.taskDefinitions.filter((t) => t.object.spec.family === s.name && t.object.status?.status !== 'INACTIVE');
  const newest = Math.max(...revisions.map((t) => t.object.status?.revision ?? 0));
  const want = `${s.name}:${newest}`;
  const mine = engine.containers.filter((c) => familyOf(c.taskDefinition) === s.name);
  const runningTasks = new Set(mine.filter((c) => c.state === 'running').map((c) => c.taskUid));
  const healthy = healthyTasks(
    s,
    mine.filter((c) => c.taskDefinition === want),
  );
  if (runningTasks.size !== s.desired || healthy.size !== s.desired)
    return `${s.name}: engine runs ${runningTasks.size} tasks, ${healthy.size} of ${want} whole and healthy; want ${s.desired}`;
  const live = store.tasks.filter((t) => t.object.spec.group === `service:${s.name}` && isLive(t.object));
  if (live.length !== s.desired) return `${s.name}: store has ${live.length} live tasks; want ${s.desired}`;
  for (const { object: t } of live) {
    const uid = t.metadata.uid ?? '';
    if (t.status?.lastStatus !== 'RUNNING' || t.spec.taskDefinition !== want || !healthy.has(uid))
      return `${s.name}: task ${t.metadata.name} is ${t.status?.lastStatus} on ${t.spec.taskDefinition}, engine ${healthy.has(uid) ? 'runs' : 'does not run'} it`;
    const elsewhere = mine.find((c) => c.taskUid === uid && c.state === 'running' && c.instance !== t.spec.containerInstance);
    if (elsewhere) return `${s.name}: task ${t.metadata.name} is bound to ${t.spec.containerInstance} but runs on ${elsewhere.instance}`;
  }
  return undefined;
}

export function orphans(store: StoreSnapshot, engine: EngineSnapshot): { kind: ViolationKind; key: string; detail: string }[] {
  const byUid = new Map(store.tasks.map((t) => [t.object.metadata.uid ?? '', t.object]));
  const out: { kind: ViolationKind; key: string; detail: string }[] = [];
  for (const c of engine.containers) {
    const t = byUid.get(c.taskUid);
    // Exited containers of stopped tasks stay for `berth logs` (the agent's retention): not orphans.
    const live = t !== undefined && isLive(t) && t.spec.containerInstance === c.instance;
    if (!t || (c.state !== 'exited' && c.state !== 'dead' && !live))
      out.push({
        kind: 'orphan-container',
        key: `orphan:${c.id}`,
        detail: `container ${c.name} (${c.state}) on ${c.instance}: its task ${c.taskName} is ${t ? `${t.spec.desiredStatus}/${t.status?.lastStatus} on ${t.spec.containerInstance}` : 'not in the store'}`,
      });
  }
  for (const n of engine.networks) {
    const t = byUid.get(n.taskUid);
    if (!t || !isLive(t))
      out.push({
        kind: 'orphan-network',
        key: `orphan-net:${n.name}`,
        detail: `network ${n.name}: its task ${n.taskName} is ${t ? `${t.spec.desiredStatus}/${t.status?.lastStatus}` : 'not in the store'}`,
      });
  }
  return out;
}
