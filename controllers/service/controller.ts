/**
 * The service controller: keeps each Service's desiredCount tasks of its current revision running,
 * rolling from one revision to the next within the deployment bounds.
 *
 *   observe  the service (fresh from the API: its status is ours and must not be stale), its tasks,
 *            task definitions and instances (from the shared cache);
 *   plan     planService (plan.ts): pure;
 *   apply    stop tasks (desiredStatus STOPPED + stopReason), create tasks, write status when it
 *            changed, and on deletion remove the finalizer once no task is live.
 */
import { randomUUID } from 'node:crypto';
import { jsonEqual } from '../../api/json-equal.js';
import { NotFoundError } from '../../api/usecases/resources/errors.js';
import { parseTaskDefinitionRef } from '../../api/v1/task-definition-ref.js';
import { INDEX } from '../conventions.js';
import { forEachBounded } from '../kit/pool.js';
import { defineController, type ControllerDefinition, type ReconcileContext } from '../kit/controller.js';
import { done, requeueAfter } from '../kit/result.js';
import { requestKey, type KitObject, type ObjectOf, type ObjectRef } from '../kit/types.js';
import { onlyCountsChanged } from './count-updates.js';
import { nextStatus, type Outcome } from './events.js';
import { Expectations } from './expectations.js';
import { LaunchBackoff } from './launch-backoff.js';
import { launchRefusal } from './launch-policy.js';
import { planService, type ServicePlan } from './plan.js';
import { resolveTaskDefinition } from './resolve.js';
import { DEFAULT_SETTINGS, SERVICE_FINALIZER, type ServiceControllerSettings } from './settings.js';
import { newTaskName, taskManifest } from './task-manifest.js';
import { evaluateAlarm } from './strategy/alarms.js';
import { observeStrategy, type StrategyProbes } from './strategy/observe.js';
import { recordWritten, shiftIfChanged, trafficPendingOn, type TrafficShifter } from './strategy/traffic.js';
import { weightsApplied } from './strategy/weights-applied.js';
import { loadBalancerShifter } from './strategy/lb-shifter.js';
import { invokeWebhook } from './strategy/webhook.js';
import { deregisteringView, groupsOfService, servicesOfGroup } from './load-balancer-health.js';
import { DEREGISTER_ANNOTATION } from '../lb/conventions.js';

type Service = ObjectOf<'Service'>;
type Task = ObjectOf<'Task'>;
type TaskDefinition = ObjectOf<'TaskDefinition'>;
type ContainerInstance = ObjectOf<'ContainerInstance'>;

export interface ServiceControllerOptions {
  settings?: Partial<ServiceControllerSettings>;
  /** Moves traffic between blue and green; default: the listener rules of the service's load balancers (strategy/lb-shifter.ts). */
  trafficShifter?: TrafficShifter;
  /** Lifecycle webhooks and deployment alarms (tests may fake them); default: real HTTP. */
  strategyProbes?: Partial<StrategyProbes>;
}

/** The service changed between our read and our status write: read again (retried with backoff). */
export class ServiceChangedError extends Error {
  override readonly name = 'ServiceChangedError';
  readonly retriable = true;
}

/** How long to wait before looking again while the cache catches up with our own writes. */
const EXPECTATION_POLL_MS = 1_000;
/** A service is reconciled again no sooner than this many times its last observe+plan took (kit/pacing.ts). */
const PLAN_COST_FACTOR = 4;
/** Task creates (and stops) in flight at once per service reconcile. */
const CREATE_CONCURRENCY = 256;

export function serviceController(options: ServiceControllerOptions = {}): ControllerDefinition<'Service'> {
  const settings: ServiceControllerSettings = { ...DEFAULT_SETTINGS, ...options.settings };
  const expectations = new Expectations(settings.expectationTimeoutMs);
  const launches = new LaunchBackoff(settings.launchBackoff);
  const probes: StrategyProbes = { invokeWebhook, evaluateAlarm, ...options.strategyProbes };
  // Which services follow which family (family → service keys → refs), learnt as services are
  // reconciled, so that registering `web:4` wakes the services on `web`. Every service is
  // reconciled once when the controller starts, so the map is complete after that.
  const followers = new Map<string, Map<string, ObjectRef>>();
  // The services of each cluster (cluster → names), learnt the same way: an instance that starts
  // DRAINING, or a cluster whose limits change, wakes them all (both are rare).
  const servicesByCluster = new Map<string, Set<string>>();
  const servicesOfCluster = (cluster: string): ObjectRef[] => [...(servicesByCluster.get(cluster) ?? [])].map((name) => ({ kind: 'Service', cluster, name }));
  const follow = (service: Service) => {
    const family = parseTaskDefinitionRef(service.spec.taskDefinition)?.family;
    const key = requestKey({ kind: 'Service', cluster: service.metadata.cluster, name: service.metadata.name });
    const inCluster = servicesByCluster.get(service.metadata.cluster) ?? new Set<string>();
    inCluster.add(service.metadata.name);
    servicesByCluster.set(service.metadata.cluster, inCluster);
    for (const names of followers.values()) names.delete(key);
    if (family !== undefined) {
      const refs = followers.get(family) ?? new Map<string, ObjectRef>();
      refs.set(key, { kind: 'Service', cluster: service.metadata.cluster, name: service.metadata.name });
      followers.set(family, refs);
    }
  };
  // A family belongs to the account: its new revision wakes the services that follow it in every cluster.
  const servicesOfFamily = (td: KitObject): ObjectRef[] => {
    const family = parseTaskDefinitionRef(td.metadata.name)?.family;
    const refs = family === undefined ? undefined : followers.get(family);
    return [...(refs?.values() ?? [])];
  };

  return defineController({
    name: 'service',
    for: 'Service',
    owns: ['Task'],
    watches: [
      { kind: 'TaskDefinition', map: servicesOfFamily },
      // Target health gates deployments (load-balancer-health.ts).
      { kind: 'TargetGroup', map: servicesOfGroup },
      // Read for scale-in choices and draining. An instance that starts (or stops) DRAINING needs its
      // tasks replaced elsewhere at once, not when one of them next changes; heartbeats and counts
      // wake nothing.
      {
        kind: 'ContainerInstance',
        map: (obj) => servicesOfCluster(obj.metadata.cluster ?? 'default'),
        changed: (before, after) => (before as ContainerInstance).spec.status !== (after as ContainerInstance).spec.status,
      },
      // The cluster's maxTasksPerService bounds every service's count; its task policy, what it may launch.
      {
        kind: 'Cluster',
        map: (obj) => servicesOfCluster(obj.metadata.name),
        changed: (before, after) =>
          (before as ObjectOf<'Cluster'>).spec.maxTasksPerService !== (after as ObjectOf<'Cluster'>).spec.maxTasksPerService ||
          !jsonEqual((before as ObjectOf<'Cluster'>).spec.taskPolicy, (after as ObjectOf<'Cluster'>).spec.taskPolicy),
      },
    ],
    workers: 4,
    // Every change of any of a service's tasks wakes it and a reconcile reads all of them: a
    // 1,000-task service being placed is planned a few dozen times a second, not once per change.
    pacing: { costFactor: PLAN_COST_FACTOR },
    // Status writes of counts alone, at most one per countUpdateIntervalMs per service (count-updates.ts).
    ...(settings.countUpdateIntervalMs > 0
      ? {
          statusWrites: { intervalMs: settings.countUpdateIntervalMs, coalesceWhen: (current, next) => next !== undefined && onlyCountsChanged(current, next) },
        }
      : {}),
    async reconcile({ key }, ctx) {
      const requestId = requestKey(key);
      let service = await ctx.client.get('Service', key);
      if (!service) {
        expectations.forget(requestId);
        launches.forget(requestId);
        for (const names of followers.values()) names.delete(requestId);
        servicesByCluster.get(key.cluster ?? 'default')?.delete(key.name);
        return done();
      }
      follow(service);
      const deleting = service.metadata.deletionTimestamp !== undefined;
      if (!deleting && !service.metadata.finalizers?.includes(SERVICE_FINALIZER)) {
        ({ object: service } = await ctx.client.mutate('Service', key, (s) => {
          if (!s.metadata.finalizers?.includes(SERVICE_FINALIZER)) s.metadata.finalizers = [...(s.metadata.finalizers ?? []), SERVICE_FINALIZER];
        }));
      }

      const cluster = service.metadata.cluster;
      const now = ctx.clock.now();
      const tasks = deregisteringView(ctx.cache.byIndex('Task', INDEX.tasksByService, `${cluster}/${service.metadata.name}`));
      const targetGroups = groupsOfService(service, (name) => ctx.cache.get('TargetGroup', { cluster, name }));
      if (!expectations.satisfied(requestId, tasks, now)) return requeueAfter(EXPECTATION_POLL_MS);

      const family = parseTaskDefinitionRef(service.spec.taskDefinition)?.family ?? service.spec.taskDefinition;
      const revisions = ctx.cache.byIndex('TaskDefinition', INDEX.taskDefinitionsByFamily, family);
      const input = {
        service,
        resolution: resolveTaskDefinition(service.spec.taskDefinition, revisions, service.status?.taskDefinition),
        tasks,
        taskDefinitions: definitionsOf(ctx, cluster, revisions, tasks),
        instances: instancesOf(ctx, cluster),
        now,
        settings,
        maxTasksPerService: ctx.cache.get('Cluster', { cluster, name: cluster })?.spec.maxTasksPerService,
        strategy: deleting
          ? {}
          : {
              ...(await observeStrategy(service, probes, now)),
              trafficApplied: weightsApplied(trafficPendingOn(service.status?.deployments ?? [])?.rollout?.trafficPending, targetGroups, now),
            },
        targetGroups,
      };
      let plan = planService({ ...input, launchThrottledUntil: launches.throttledUntil(requestId, now) });
      // Failures this plan saw for the first time may throttle launches from now on: then plan
      // again, so that the tasks they would replace at once wait for the backoff instead.
      const throttle = launches.observe(requestId, plan.launch, now);
      if (throttle !== undefined && plan.start) {
        plan = planService({ ...input, launchThrottledUntil: throttle });
        ctx.log.info({ until: new Date(throttle).toISOString(), failed: plan.launch.failed.length }, 'tasks keep failing: launches throttled');
      }

      // A policy tightened since the service was written: its next launches are refused, and
      // nothing is stopped to make room for them; what runs keeps running (launch-policy.ts).
      const startDefinition = plan.start && input.taskDefinitions.get(plan.start.taskDefinition);
      const refused =
        startDefinition &&
        launchRefusal(
          service.metadata.name,
          { name: startDefinition.metadata.name, spec: startDefinition.spec },
          ctx.cache.get('Cluster', { cluster, name: cluster })?.spec.taskPolicy,
          cluster,
        );
      if (refused) {
        plan = { ...plan, start: undefined, stop: [] };
        await ctx.events.record({ kind: 'Service', cluster, name: service.metadata.name }, refused, { repeatMs: settings.eventRepeatMs });
        service = (await ctx.client.get('Service', key)) ?? service; // the event changed its resourceVersion
      }

      // Traffic moves before tasks do: back to blue before green's tasks stop on a rollback. Weights
      // a step stored are pending until the proxies route the generation written (weights-applied.ts).
      const written = await shiftIfChanged(
        options.trafficShifter ?? loadBalancerShifter(ctx.client),
        service,
        service.status?.deployments ?? [],
        plan.deployments,
      );
      if (written !== undefined) plan = { ...plan, deployments: recordWritten(plan.deployments, written) };
      const outcome = await apply(ctx, service, plan, requestId, targetGroups.length > 0);
      if (plan.finalize) {
        if (service.metadata.finalizers?.includes(SERVICE_FINALIZER)) {
          await ctx.client.mutate('Service', key, (s) => {
            s.metadata.finalizers = s.metadata.finalizers?.filter((f) => f !== SERVICE_FINALIZER);
          });
          ctx.log.info('tasks stopped; finalizer removed');
        }
        return done();
      }
      await writeStatus(ctx, service, plan, outcome, now);
      return plan.requeueAfterMs === undefined ? done() : requeueAfter(plan.requeueAfterMs);
    },
  });

  /** `deregister`: the service is behind target groups; its tasks are drained before they stop (load-balancer-health.ts). */
  async function apply(ctx: ReconcileContext, service: Service, plan: ServicePlan, requestId: string, deregister: boolean): Promise<Outcome> {
    const ref = { cluster: service.metadata.cluster };
    const now = ctx.clock.now();
    expectations.expectStops(
      requestId,
      plan.stop.map((s) => s.name),
      now,
    );
    // All at once: old tasks replaced in one step are asked to stop together, not one round trip
    // after another. Every stop is tried; a failed one is forgotten (the next pass plans it again).
    const asked = new Set<string>();
    let stopError: unknown;
    await forEachBounded(plan.stop, CREATE_CONCURRENCY, async (stop) => {
      try {
        await ctx.client.mutate('Task', { ...ref, name: stop.name }, (t) => {
          if (t.spec.desiredStatus === 'STOPPED') return;
          if (deregister && t.status?.lastStatus === 'RUNNING') {
            if (t.metadata.annotations?.[DEREGISTER_ANNOTATION] === undefined)
              t.metadata.annotations = { ...t.metadata.annotations, [DEREGISTER_ANNOTATION]: stop.reason };
            return;
          }
          t.spec.desiredStatus = 'STOPPED';
          t.spec.stopReason = stop.reason;
        });
        asked.add(stop.name);
      } catch (err) {
        expectations.forgetTask(requestId, stop.name);
        if (!(err instanceof NotFoundError)) stopError ??= err;
      }
    });
    if (stopError !== undefined) throw stopError;
    const stopped = plan.stop.filter((s) => asked.has(s.name));

    const started: string[] = [];
    if (plan.start) {
      const { deployment, taskDefinition } = plan.start;
      const side = plan.deployments.find((d) => d.id === deployment)?.targetGroupSide;
      const names = Array.from({ length: plan.start.count }, () => newTaskName(service.metadata.name));
      expectations.expectCreates(requestId, names, now);
      const createdAt = new Date(now).toISOString();
      // Many creates in flight: one at a time, a 1,000-task service took seconds of round trips
      // (the benchmark's placement rate was the rate of these creates). The first error stops
      // further creates; every task not created is forgotten, so the next pass plans it again.
      const failed = new AbortController();
      let firstError: unknown;
      const attempted = new Set<string>();
      await forEachBounded(
        names,
        CREATE_CONCURRENCY,
        async (name) => {
          attempted.add(name);
          try {
            await ctx.client.create(taskManifest(service, name, deployment, taskDefinition, createdAt, side));
            started.push(name);
          } catch (err) {
            expectations.forgetTask(requestId, name);
            firstError ??= err;
            failed.abort();
          }
        },
        failed.signal,
      );
      if (firstError !== undefined) {
        for (const n of names) if (!attempted.has(n)) expectations.forgetTask(requestId, n);
        throw firstError;
      }
    }
    if (stopped.length > 0 || started.length > 0)
      ctx.log.info({ started, stopped: stopped.map((s) => s.name), deployment: plan.start?.deployment }, 'tasks started and stopped');
    return { started, stopped };
  }

  /** Writes the status the plan makes, if it changed (the runner holds back a change of counts alone: `statusWrites`). */
  async function writeStatus(ctx: ReconcileContext, service: Service, plan: ServicePlan, outcome: Outcome, now: number): Promise<void> {
    const status = nextStatus(service, plan, outcome, now, settings.eventRepeatMs, randomUUID);
    if (jsonEqual(status, service.status ?? {})) return; // nothing changed: no write, no churn
    await ctx.client.mutate(
      'Service',
      { cluster: service.metadata.cluster, name: service.metadata.name },
      (s) => {
        // The plan was made from the service as read; if it changed since, plan again rather than
        // write a status computed for another spec.
        if (s.metadata.resourceVersion !== service.metadata.resourceVersion)
          throw new ServiceChangedError(`service ${service.metadata.cluster}/${service.metadata.name} changed while it was reconciled; it will be read again`);
        s.status = status;
      },
      { subresource: 'status' },
    );
  }
}

/** The definitions the plan needs: the family's revisions, and every revision a task runs. */
function definitionsOf(ctx: ReconcileContext, cluster: string, revisions: readonly TaskDefinition[], tasks: readonly Task[]): Map<string, TaskDefinition> {
  const byName = new Map(revisions.map((td) => [td.metadata.name, td]));
  for (const task of tasks) {
    if (byName.has(task.spec.taskDefinition)) continue;
    const td = ctx.cache.get('TaskDefinition', { cluster, name: task.spec.taskDefinition });
    if (td) byName.set(td.metadata.name, td);
  }
  return byName;
}

/** The cluster's instances by name, looked up in the cache when the plan asks (most plans never do). */
function instancesOf(ctx: ReconcileContext, cluster: string): Pick<ReadonlyMap<string, ContainerInstance>, 'get'> {
  return { get: (name) => ctx.cache.get('ContainerInstance', { cluster, name }) };
}
