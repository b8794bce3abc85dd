/**
 * Carries out a scheduling plan: binds, then status writes, each a compare-and-swap on the
 * resourceVersion the plan was made from (written over the cached copy, not read again), many in
 * flight at once (the store sends concurrent writes many to a transaction).
 *
 * A Conflict means the task changed since the pass read it (another scheduler bound it, someone
 * asked it to stop, ...): the write is skipped and the task is re-planned on the next pass. That
 * makes binding a task twice impossible, whoever else is scheduling. After a Conflict on a bind the
 * task is re-read (rare, so cheap) and remembered as read: if another scheduler bound it, the next
 * pass counts its resources on that instance even before the cache has the change.
 */
import { ConflictError, NotFoundError } from '../../api/usecases/resources/errors.js';
import type { Logger } from '../../api/log.js';
import type { Task } from '../../api/v1/index.js';
import type { KitClient } from '../kit/types.js';
import type { AssumedTasks } from './assumed.js';
import type { SchedulingPlan } from './plan.js';
import { forEachBounded } from '../kit/pool.js';

export interface ApplyContext {
  readonly client: KitClient;
  readonly assumed: AssumedTasks;
  readonly now: () => number;
  readonly log: Logger;
  /** Aborted when this scheduler must stop writing (shutdown, lost leadership). */
  readonly signal: AbortSignal;
  /** Writes in flight at once. */
  readonly concurrency: number;
}

export interface ApplyOutcome {
  bound: number;
  statusWritten: number;
  /** Writes skipped because the task changed since the pass read it. */
  conflicts: number;
  /** Writes skipped because the task was deleted meanwhile. */
  gone: number;
  errors: unknown[];
}

/** Some writes of a pass failed for reasons other than a conflict; the pass is retried. */
export class SchedulerWriteError extends Error {
  override readonly name = 'SchedulerWriteError';
  readonly retriable = true;
  constructor(
    readonly cluster: string,
    readonly errors: readonly unknown[],
  ) {
    const first = errors[0] instanceof Error ? errors[0].message : String(errors[0]);
    super(`scheduler: ${errors.length} task write(s) in cluster ${cluster} failed (first: ${first}); the pass is retried with backoff`);
  }
}

export async function applyPlan(plan: SchedulingPlan, ctx: ApplyContext): Promise<ApplyOutcome> {
  const outcome: ApplyOutcome = { bound: 0, statusWritten: 0, conflicts: 0, gone: 0, errors: [] };
  const { client, assumed, now } = ctx;

  const skipped = async (err: unknown, task: Task, reread: boolean): Promise<void> => {
    if (err instanceof ConflictError) {
      outcome.conflicts++;
      if (!reread) return;
      try {
        const fresh = await client.get('Task', { cluster: task.metadata.cluster, name: task.metadata.name });
        if (fresh) assumed.assume(fresh, now());
      } catch (readErr) {
        ctx.log.debug({ err: readErr, task: task.metadata.name }, 'could not re-read a task after a conflict; the cache will catch up');
      }
    } else if (err instanceof NotFoundError) outcome.gone++;
    else outcome.errors.push(err);
  };

  await forEachBounded(
    plan.binds,
    ctx.concurrency,
    async ({ task, instance }) => {
      // Bound and its pendingReason cleared in one compare-and-swap over the cached copy (no read):
      // the pendingReason is the scheduler's to clear once the task is bound, before the agent owns status.
      // Shallow copies of the parts that change: updateFrom never changes what it is given.
      const next: Task = { ...task, spec: { ...task.spec, containerInstance: instance } };
      if (task.status?.pendingReason !== undefined) {
        const { pendingReason: _cleared, ...status } = task.status;
        next.status = status;
      }
      try {
        const written = await client.updateFrom(task, next);
        // Assumed at once: the next pass must count this task on its instance even if what follows fails.
        assumed.assume(written, now());
        outcome.bound++;
      } catch (err) {
        await skipped(err, task, true);
      }
    },
    ctx.signal,
  );

  await forEachBounded(
    plan.statusWrites,
    ctx.concurrency,
    async ({ task, status }) => {
      try {
        const written = await client.updateFrom(task, Object.assign({ ...task }, { status }));
        outcome.statusWritten++;
        assumed.assume(written, now());
      } catch (err) {
        await skipped(err, task, false);
      }
    },
    ctx.signal,
  );
  return outcome;
}
