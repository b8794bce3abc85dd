/**
 * The arithmetic of one rolling step, ECS's rules as numbers (which tasks is plan.ts's business):
 *
 * - never more than floor(maximumPercent × desired / 100) tasks RUNNING or PENDING — tasks still
 *   stopping count too, so the bound holds for anyone watching the containers;
 * - never stop an old task if that leaves fewer than ceil(minimumHealthyPercent × desired / 100)
 *   healthy tasks (tasks that crash on their own can of course take the service below it);
 * - old tasks that are not healthy serve nothing and go at once; surplus PRIMARY tasks (a scale-in)
 *   go regardless of the minimum, least healthy first.
 */

export interface RollingCounts {
  desired: number;
  minimumHealthyPercent: number;
  maximumPercent: number;
  /** Every task not yet STOPPED, of every deployment, including those already asked to stop. */
  occupying: number;
  /** Live tasks of the PRIMARY deployment (not asked to stop), and how many of them are healthy. */
  primaryLive: number;
  primaryHealthy: number;
  /** Live tasks of older deployments (ACTIVE, or no deployment we know), and how many are healthy. */
  oldLive: number;
  oldHealthy: number;
  /** False when the PRIMARY deployment may not start tasks (failed without rollback, unresolvable). */
  mayStart: boolean;
  /** False when old tasks must be kept (the deployment stopped progressing). */
  mayReplace: boolean;
}

export interface RollingStep {
  /** New PRIMARY tasks to create. */
  start: number;
  /** PRIMARY tasks above desired to stop (least healthy first). */
  stopPrimarySurplus: number;
  /** Old tasks that are not healthy: all of them. */
  stopOldUnhealthy: number;
  /** Old healthy tasks the minimum allows stopping now. */
  stopOldHealthy: number;
  maxTotal: number;
  minHealthy: number;
}

export function maxTasks(desired: number, maximumPercent: number): number {
  return Math.floor((maximumPercent * desired) / 100);
}

export function minHealthyTasks(desired: number, minimumHealthyPercent: number): number {
  return Math.ceil((minimumHealthyPercent * desired) / 100);
}

export function rollingStep(c: RollingCounts): RollingStep {
  const maxTotal = maxTasks(c.desired, c.maximumPercent);
  const minHealthy = minHealthyTasks(c.desired, c.minimumHealthyPercent);
  const stopPrimarySurplus = Math.max(0, c.primaryLive - c.desired);
  // Surplus goes least healthy first, so healthy tasks are lost only when the surplus needs them.
  const healthyLostToSurplus = Math.max(0, stopPrimarySurplus - (c.primaryLive - c.primaryHealthy));
  const primaryKept = c.primaryLive - stopPrimarySurplus;

  const start = c.mayStart ? Math.max(0, Math.min(c.desired - primaryKept, maxTotal - c.occupying)) : 0;
  if (!c.mayReplace) return { start, stopPrimarySurplus, stopOldUnhealthy: 0, stopOldHealthy: 0, maxTotal, minHealthy };

  const stopOldUnhealthy = c.oldLive - c.oldHealthy;
  const healthyAfter = c.primaryHealthy - healthyLostToSurplus + c.oldHealthy;
  const stopOldHealthy = Math.min(c.oldHealthy, Math.max(0, healthyAfter - minHealthy));
  return { start, stopPrimarySurplus, stopOldUnhealthy, stopOldHealthy, maxTotal, minHealthy };
}
