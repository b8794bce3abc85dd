/**
 * The task controller: settles a STOPPED task's desiredStatus to STOPPED (desired-status.ts), and
 * garbage-collects STOPPED tasks once their retention period is over. It is woken by changes to
 * STOPPED tasks and by a timer set to the end of that task's retention.
 */
import { SERVICE_GROUP_PREFIX } from '../../api/v1/task.js';
import { INDEX, isStopped, STOPPED_TASK_RETENTION_MS } from '../conventions.js';
import { defineController, done, requeueAfter, type ControllerDefinition } from '../kit/index.js';
import { needsDesiredStopped } from './desired-status.js';
import { excessStopped, retentionPlan } from './retention.js';

/** How many STOPPED tasks of one service are kept at most, whatever their age (retention.ts excessStopped). */
export const MAX_STOPPED_TASKS_PER_SERVICE = 100;

export interface TaskControllerOptions {
  /** How long STOPPED tasks are kept, from status.stoppedAt (default STOPPED_TASK_RETENTION_MS). */
  stoppedTaskRetentionMs?: number;
  /** At most this many STOPPED tasks of one service are kept, the newest (default MAX_STOPPED_TASKS_PER_SERVICE). */
  maxStoppedTasksPerService?: number;
  workers?: number;
}

export const TASK_CONTROLLER = 'task-gc';

export function createTaskController(options: TaskControllerOptions = {}): ControllerDefinition<'Task'> {
  const retentionMs = options.stoppedTaskRetentionMs ?? STOPPED_TASK_RETENTION_MS;
  const maxPerService = options.maxStoppedTasksPerService ?? MAX_STOPPED_TASKS_PER_SERVICE;
  return defineController({
    name: TASK_CONTROLLER,
    for: 'Task',
    // Only a STOPPED task is ever deleted: the status reports of running tasks (most changes) are
    // not this controller's business. A task is STOPPED for good, so its last change wakes it.
    forWhen: isStopped,
    workers: options.workers ?? 2,
    async reconcile({ key }, { client, cache, clock, log }) {
      // The cache is enough to decide; the delete itself is idempotent, and a stopped task never runs again.
      const task = cache.get('Task', key);
      if (!task) return done();
      // A service's task that stopped may take its service past the bound: the oldest beyond it go now.
      const group = task.spec.group;
      if (isStopped(task) && group?.startsWith(SERVICE_GROUP_PREFIX)) {
        const siblings = cache.byIndex('Task', INDEX.tasksByService, `${task.metadata.cluster}/${group.slice(SERVICE_GROUP_PREFIX.length)}`);
        const excess = excessStopped(siblings, maxPerService);
        // In store transactions of many deletes each: a service of thousands of tasks deleted at once
        // leaves thousands beyond the bound, and one write each kept the loop from its lease renewals.
        await client.deleteMany(
          'Task',
          excess.map((name) => ({ cluster: task.metadata.cluster, name })),
        );
        if (excess.length > 0)
          log.info({ service: group, deleted: excess.length, kept: maxPerService }, 'oldest stopped tasks of a service deleted beyond the per-service bound');
        if (excess.includes(task.metadata.name)) return done();
      }
      if (needsDesiredStopped(task)) {
        // Only the one field, re-checked on the fresh copy: a stopReason or status set meanwhile stays.
        await client.mutate('Task', key, (t) => {
          if (needsDesiredStopped(t)) t.spec.desiredStatus = 'STOPPED';
        });
        log.debug({ stopCode: task.status?.stopCode }, 'ended task: desiredStatus STOPPED');
      }
      const plan = retentionPlan(task, clock.now(), retentionMs);
      if (plan.action === 'keep') return done();
      if (plan.action === 'wait') return requeueAfter(plan.ms);
      await client.delete('Task', key);
      log.info({ stoppedAt: task.status?.stoppedAt, stoppedReason: task.status?.stoppedReason }, 'stopped task deleted after retention');
      return done();
    },
  });
}
