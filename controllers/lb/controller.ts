/**
 * The target-group controller: keeps each TargetGroup's status.targets — the tasks of the services
 * registered in it, at their instance's address and host port — and their health from the proxies'
 * reports; drains a leaving target for the group's deregistrationDelay and then stops a task the
 * service controller marked for deregistration (conventions.ts).
 *
 *   observe  the group (fresh: its status is written by proxies too), its services and their tasks
 *            and instances (shared cache);
 *   plan     planTargets (targets.ts): pure;
 *   apply    write status.targets when they changed; stop drained tasks.
 */
import { jsonEqual } from '../../api/json-equal.js';
import { INDEX } from '../conventions.js';
import { defineController, type ControllerDefinition } from '../kit/controller.js';
import { done, requeueAfter } from '../kit/result.js';
import type { ObjectOf, ObjectRef } from '../kit/types.js';
import { DEFAULT_HOST_ADDRESS, HOST_ADDRESS_ATTRIBUTE } from './conventions.js';
import { entryGroupOf, serviceGroupNames, sideOfTask } from './service-groups.js';
import { planTargets, type Registration } from './targets.js';

export const TARGET_GROUP_CONTROLLER = 'target-group';

type Service = ObjectOf<'Service'>;

/** The target groups a service registers in, as refs. */
function groupsOf(service: Service): ObjectRef[] {
  return serviceGroupNames(service).map((name) => ({ kind: 'TargetGroup', cluster: service.metadata.cluster, name }));
}

/** How soon a group done draining a task looks again at the other groups still holding it. */
const OTHER_GROUPS_RECHECK_MS = 500;

/** Another group of the cluster still lists the task among its targets (serving or draining it). */
export function stillInAnotherGroup(groups: readonly ObjectOf<'TargetGroup'>[], group: ObjectOf<'TargetGroup'>, task: string): boolean {
  return groups.some(
    (g) => g.metadata.cluster === group.metadata.cluster && g.metadata.name !== group.metadata.name && (g.status?.targets ?? []).some((t) => t.task === task),
  );
}

export function targetGroupController(): ControllerDefinition<'TargetGroup'> {
  // cluster/service → the groups it registers in, learnt from the Service watch, so that a task
  // change (which names only its service) wakes the right groups.
  const groupsOfService = new Map<string, ObjectRef[]>();
  const serviceKey = (cluster: string, name: string) => `${cluster}/${name}`;

  return defineController({
    name: TARGET_GROUP_CONTROLLER,
    for: 'TargetGroup',
    watches: [
      {
        kind: 'Service',
        map: (service) => {
          const key = serviceKey(service.metadata.cluster, service.metadata.name);
          // Both the groups it leaves and those it joins: the ones it leaves drain its targets.
          const before = groupsOfService.get(key) ?? [];
          const now = groupsOf(service);
          groupsOfService.set(key, now);
          return [...before, ...now];
        },
      },
      {
        kind: 'Task',
        map: (task) => {
          const service = task.spec.group?.startsWith('service:') ? task.spec.group.slice('service:'.length) : undefined;
          return service === undefined ? [] : (groupsOfService.get(serviceKey(task.metadata.cluster, service)) ?? []);
        },
        changed: (a, b) =>
          a.spec.desiredStatus !== b.spec.desiredStatus ||
          a.status?.lastStatus !== b.status?.lastStatus ||
          a.spec.containerInstance !== b.spec.containerInstance ||
          !jsonEqual(a.metadata.annotations, b.metadata.annotations) ||
          !jsonEqual(
            a.status?.containers.map((c) => c.networkBindings),
            b.status?.containers.map((c) => c.networkBindings),
          ) ||
          // An awsvpc task's target is its own address.
          !jsonEqual(a.status?.attachments, b.status?.attachments),
      },
    ],
    reads: ['ContainerInstance'],
    async reconcile({ key }, { client, cache, clock, log }) {
      const group = await client.get('TargetGroup', key);
      if (!group) return done();
      const cluster = group.metadata.cluster;
      const registrations: Registration[] = cache
        .list('Service')
        .filter((s) => s.metadata.cluster === cluster)
        .flatMap((service) =>
          (service.spec.loadBalancers ?? [])
            .filter((entry) => entryGroupOf(entry, 'PRIMARY') === group.metadata.name || entryGroupOf(entry, 'ALTERNATE') === group.metadata.name)
            .map((entry) => ({
              service: service.metadata.name,
              entry,
              // Two groups (advancedConfiguration): each task in its deployment's one (service-groups.ts).
              tasks: cache
                .byIndex('Task', INDEX.tasksByService, serviceKey(cluster, service.metadata.name))
                .filter((task) => entryGroupOf(entry, sideOfTask(task)) === group.metadata.name),
            })),
        );
      const now = clock.now();
      const plan = planTargets({
        group,
        registrations,
        hostOf: (instance) => {
          const found = cache.get('ContainerInstance', { cluster, name: instance });
          return found ? (found.spec.attributes[HOST_ADDRESS_ATTRIBUTE] ?? DEFAULT_HOST_ADDRESS) : undefined;
        },
        taskOf: (name) => cache.get('Task', { cluster, name }),
        now,
      });

      if (!jsonEqual(plan.targets, group.status?.targets ?? []) || group.status?.observedGeneration !== group.metadata.generation) {
        await client.mutate(
          'TargetGroup',
          key,
          (g) => {
            g.status = { healthReports: g.status?.healthReports ?? [], targets: plan.targets, observedGeneration: g.metadata.generation };
          },
          { subresource: 'status' },
        );
        log.debug({ targets: plan.targets.map((t) => `${t.id}:${t.port}=${t.health}`) }, 'targets written');
      }
      // A task may be in several groups (one loadBalancers entry each): the group that drains it
      // last stops it. Until then a group done draining looks again shortly (another group's
      // status in the cache may lag its last write).
      let waiting = false;
      for (const { task, reason } of plan.stop) {
        if (stillInAnotherGroup(cache.list('TargetGroup'), group, task)) {
          waiting = true;
          continue;
        }
        await client.mutate('Task', { cluster, name: task }, (t) => {
          if (t.spec.desiredStatus === 'STOPPED') return;
          t.spec.desiredStatus = 'STOPPED';
          t.spec.stopReason = reason;
        });
        log.info({ task }, 'drained: task stopped');
      }
      const after = Math.min(plan.requeueAfterMs ?? Infinity, waiting ? OTHER_GROUPS_RECHECK_MS : Infinity);
      return after === Infinity ? done() : requeueAfter(Math.max(100, after));
    },
  });
}
