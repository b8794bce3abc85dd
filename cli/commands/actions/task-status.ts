/**
 * `berth get tasks --status`: which tasks a list shows. By default the live ones (not yet STOPPED),
 * as ECS's list-tasks shows RUNNING by default: stopped tasks are kept for a while for their exit
 * codes and reasons, and listing every one of them by default buried the live ones.
 */
import type { KindName } from '../../../api/keys.js';
import type { BerthObject } from '../../../api/v1/index.js';
import { UsageError } from './apply.js';

export const TASK_STATUS_CHOICES = ['RUNNING', 'STOPPED', 'all'] as const;
export type TaskStatusChoice = (typeof TASK_STATUS_CHOICES)[number];

/** The filter for `--status` (undefined: the default); throws UsageError for another value or kind. */
export function taskStatusFilter(kind: KindName, status: string | undefined): (obj: BerthObject) => boolean {
  if (status !== undefined && kind !== 'Task') throw new UsageError(`--status applies to tasks only, not ${kind}`);
  const choice = TASK_STATUS_CHOICES.find((c) => c.toLowerCase() === (status ?? 'RUNNING').toLowerCase());
  if (!choice) throw new UsageError(`--status must be RUNNING, STOPPED or all, not "${status}"`);
  if (kind !== 'Task' || choice === 'all') return () => true;
  const wantStopped = choice === 'STOPPED';
  return (obj) => obj.kind !== 'Task' || (obj.status?.lastStatus === 'STOPPED') === wantStopped;
}
