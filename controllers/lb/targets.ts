/**
 * The target-group plan (pure): which targets a TargetGroup has, and their health, from the
 * services registered in it, their tasks, and the proxies' health reports.
 *
 * - A task is a target while it runs (desired and last status RUNNING), is not being deregistered,
 *   and is reachable: an awsvpc task at its own address and the entry's containerPort (ELB's target
 *   type `ip`, the only one ECS allows for awsvpc), any other at its instance's address and the
 *   host port Docker bound the containerPort to (target type `instance`).
 * - A target that stops being one while its task still runs (deregistered, asked to stop) drains:
 *   it stays, `draining`, for deregistrationDelay seconds, so the proxy lets in-flight requests end;
 *   one whose task is gone or STOPPED is dropped at once (nothing is left to drain).
 * - Health: `unhealthy` if any fresh proxy report says so, else `healthy` if one does, else `initial`;
 *   `unused` while no proxy reports at all (none runs: nothing checks, and nothing routes to it).
 * - A task marked for deregistration is stopped once it has no draining target left here.
 */
import type { ServiceLoadBalancer } from '../../api/v1/service-load-balancers.js';
import type { ProxyHealthReport, Target, TargetGroup, TargetHealthState } from '../../api/v1/target-group.js';
import { taskAddress, type Task } from '../../api/v1/task.js';
import { DEREGISTER_ANNOTATION, targetKey } from './conventions.js';

export interface Registration {
  service: string;
  entry: ServiceLoadBalancer;
  tasks: readonly Task[];
}

export interface TargetsInput {
  group: Pick<TargetGroup, 'spec' | 'status'>;
  registrations: readonly Registration[];
  /** The address proxies reach an instance's host ports at (undefined: instance unknown). */
  hostOf: (instance: string) => string | undefined;
  /** Any task of the cluster by name: a target whose service left the group still drains while its task runs. */
  taskOf: (name: string) => Task | undefined;
  now: number;
}

export interface TargetsPlan {
  targets: Target[];
  /** Tasks marked for deregistration with nothing left to drain here: stop them, with this reason. */
  stop: { task: string; reason: string }[];
  /** When a drain ends, if any is under way. */
  requeueAfterMs?: number;
}

/** A proxy's report older than this many check intervals is ignored (that proxy may be gone). */
const STALE_REPORT_INTERVALS = 5;
const MIN_STALE_MS = 10_000;

export function planTargets({ group, registrations, hostOf, taskOf, now }: TargetsInput): TargetsPlan {
  const previous = new Map((group.status?.targets ?? []).map((t) => [targetKey(t), t]));
  const health = healthOf(group, now);
  const delayMs = group.spec.deregistrationDelay * 1_000;
  const targets: Target[] = [];
  const stop: TargetsPlan['stop'] = [];
  const seen = new Set<string>();
  let requeueAfterMs: number | undefined;

  for (const { service, entry, tasks } of registrations) {
    for (const task of tasks) {
      const base = { task: task.metadata.name, containerName: entry.containerName, containerPort: entry.containerPort, service };
      const key = targetKey(base);
      if (seen.has(key)) continue;
      seen.add(key);
      const before = previous.get(key);
      const live = task.status?.lastStatus !== 'STOPPED' && task.status !== undefined;
      const deregistering = task.metadata.annotations?.[DEREGISTER_ANNOTATION];
      const wanted = task.spec.desiredStatus === 'RUNNING' && deregistering === undefined && task.status?.lastStatus === 'RUNNING';
      const address = wanted ? addressOf(task, entry, hostOf) : undefined;

      if (address) {
        const state = health.reports === 0 ? 'unused' : (health.verdict.get(`${address.id}:${address.port}`) ?? 'initial');
        targets.push({
          ...base,
          ...address,
          health: state,
          ...(reasonOf(state) ? { reason: reasonOf(state) } : {}),
          registeredAt: before?.drainingSince === undefined && before?.registeredAt !== undefined ? before.registeredAt : new Date(now).toISOString(),
        });
        continue;
      }
      // Not a target (any more): drain what was one while its task lives.
      if (before && live) {
        const since = before.drainingSince ?? new Date(now).toISOString();
        const endsAt = Date.parse(since) + delayMs;
        if (now < endsAt) {
          targets.push({ ...before, health: 'draining', reason: 'Target.DeregistrationInProgress', drainingSince: since });
          requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, endsAt - now);
          continue;
        }
      }
      if (deregistering !== undefined && task.spec.desiredStatus === 'RUNNING')
        stop.push({ task: task.metadata.name, reason: deregistering || 'deregistered' });
    }
  }
  for (const [key, before] of previous) {
    if (seen.has(key)) continue;
    const task = taskOf(before.task);
    const since = before.drainingSince ?? new Date(now).toISOString();
    const endsAt = Date.parse(since) + delayMs;
    if (task?.status && task.status.lastStatus !== 'STOPPED' && now < endsAt) {
      targets.push({ ...before, health: 'draining', reason: 'Target.DeregistrationInProgress', drainingSince: since });
      requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, endsAt - now);
    }
  }
  return { targets, stop, ...(requeueAfterMs === undefined ? {} : { requeueAfterMs }) };
}

function addressOf(task: Task, entry: ServiceLoadBalancer, hostOf: TargetsInput['hostOf']): { id: string; port: number } | undefined {
  const instance = task.spec.containerInstance;
  if (instance === undefined) return undefined;
  // awsvpc: the task's own address; its containerPort is published nowhere else.
  const own = taskAddress(task.status?.attachments);
  if (own !== undefined) return task.status?.containers.some((c) => c.name === entry.containerName) ? { id: own, port: entry.containerPort } : undefined;
  const container = task.status?.containers.find((c) => c.name === entry.containerName);
  const binding = container?.networkBindings.find((b) => b.containerPort === entry.containerPort && b.protocol === 'tcp');
  const host = hostOf(instance);
  return binding && host ? { id: host, port: binding.hostPort } : undefined;
}

/** The proxies' reports on `group` that are fresh: a proxy gone stops reporting, and its last report stops counting. */
export function freshReports(group: Pick<TargetGroup, 'spec' | 'status'>, now: number): ProxyHealthReport[] {
  const staleMs = Math.max(MIN_STALE_MS, STALE_REPORT_INTERVALS * group.spec.healthCheck.intervalSeconds * 1_000);
  return (group.status?.healthReports ?? []).filter((r) => now - Date.parse(r.reportedAt) <= staleMs);
}

/** `address:port` → the verdict of the fresh reports. */
function healthOf(group: Pick<TargetGroup, 'spec' | 'status'>, now: number): { reports: number; verdict: Map<string, TargetHealthState> } {
  const verdict = new Map<string, TargetHealthState>();
  let reports = 0;
  for (const report of freshReports(group, now)) {
    reports++;
    for (const [address, state] of Object.entries(report.targets)) {
      const current = verdict.get(address);
      if (state === 'unhealthy' || current === undefined || (current === 'initial' && state === 'healthy')) verdict.set(address, state);
    }
  }
  return { reports, verdict };
}

function reasonOf(state: TargetHealthState): string | undefined {
  if (state === 'initial') return 'Elb.InitialHealthChecking';
  if (state === 'unhealthy') return 'Target.FailedHealthChecks';
  if (state === 'unused') return 'Target.NotInUse: no proxy (berth lb) reports on this group';
  return undefined;
}
