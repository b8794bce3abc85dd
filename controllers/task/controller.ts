/**
 * The task controller: garbage-collects STOPPED tasks once their retention period is over. It is
 * woken by changes to STOPPED tasks and by a timer set to the end of that task's retention.
 */
import { isStopped, STOPPED_TASK_RETENTION_MS } from '../conventions.js';
import { defineController, done, requeueAfter, type ControllerDefinition } from '../kit/index.js';
import { retentionPlan } from './retention.js';

export interface TaskControllerOptions {
  /** How long STOPPED tasks are kept, from status.stoppedAt (default STOPPED_TASK_RETENTION_MS). */
  stoppedTaskRetentionMs?: number;
  workers?: number;
}

export const TASK_CONTROLLER = 'task-gc';

export function createTaskController(options: TaskControllerOptions = {}): ControllerDefinition<'Task'> {
  const retentionMs = options.stoppedTaskRetentionMs ?? STOPPED_TASK_RETENTION_MS;
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
      const plan = retentionPlan(task, clock.now(), retentionMs);
      if (plan.action === 'keep') return done();
      if (plan.action === 'wait') return requeueAfter(plan.ms);
      await client.delete('Task', key);
      log.info({ stoppedAt: task.status?.stoppedAt, stoppedReason: task.status?.stoppedReason }, 'stopped task deleted after retention');
      return done();
    },
  });
}
