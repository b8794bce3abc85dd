/**
 * failed-tasks: tells a service's events when its tasks keep failing (stopped with a non-zero exit
 * code), e.g. "3 tasks of web stopped with a failure in the last 10 minutes". The condition is said
 * at most once per `repeatMs`.
 *
 * It owns Tasks (a task change wakes the service that started it) and keeps its own cache index of
 * failed tasks by service, so a reconcile reads only that service's failures.
 */
import { defineController, done, requeueAfter, type ObjectOf } from 'berth/kit';

type Task = ObjectOf<'Task'>;
export const FAILED_BY_SERVICE = 'example-failed-by-service';
const WINDOW_MS = 10 * 60_000;

/** Stopped with an essential container's non-zero exit code. */
export const failed = (task: Task): boolean =>
  task.status?.lastStatus === 'STOPPED' && (task.status.containers ?? []).some((c) => c.exitCode !== undefined && c.exitCode !== 0);

/** The service that started a task (its group is `service:NAME`). */
const serviceOf = (task: Task): string | undefined => (task.spec.group?.startsWith('service:') ? task.spec.group.slice('service:'.length) : undefined);

/** How many of `tasks` stopped within the window before `now` (pure). */
export function recentFailures(tasks: readonly Task[], now: number, windowMs = WINDOW_MS): number {
  return tasks.filter((t) => Date.parse(t.status?.stoppedAt ?? '') > now - windowMs).length;
}

export const failedTasks = defineController({
  name: 'failed-tasks',
  for: 'Service',
  owns: ['Task'],
  indexes: [
    {
      kind: 'Task',
      name: FAILED_BY_SERVICE,
      fn: (task) => {
        const service = serviceOf(task);
        return service !== undefined && failed(task) ? [`${task.metadata.cluster}/${service}`] : [];
      },
    },
  ],
  async reconcile({ key }, { cache, clock, events }) {
    const failures = recentFailures(cache.byIndex('Task', FAILED_BY_SERVICE, `${key.cluster}/${key.name}`), clock.now());
    if (failures === 0 || !cache.get('Service', key)) return done();
    const message = `${failures} tasks of ${key.name} stopped with a failure in the last ${WINDOW_MS / 60_000} minutes`;
    await events.record({ kind: 'Service', cluster: key.cluster, name: key.name }, message, { repeatMs: WINDOW_MS });
    return requeueAfter(WINDOW_MS);
  },
});
