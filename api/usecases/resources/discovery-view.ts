/**
 * The `discovery` view of tasks: every task of a cluster as service discovery reads it, without
 * spec.overrides. An agent may read the tasks of other instances only through it (auth/authorize.ts):
 * its DNS server needs where and how healthy each task is, never a task's command or environment,
 * which overrides may carry in plain text.
 */
import type { BerthObject } from '../../v1/index.js';

export const TASK_VIEWS = ['discovery'] as const;
export type TaskView = (typeof TASK_VIEWS)[number];

export function discoveryView(obj: BerthObject): BerthObject {
  if (obj.kind !== 'Task' || obj.spec.overrides === undefined) return obj;
  const { overrides: _overrides, ...spec } = obj.spec;
  return { ...obj, spec };
}
