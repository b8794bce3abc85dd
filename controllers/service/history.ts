/**
 * The service's deployment history (status.history), the record `berth rollout history`, `undo`
 * and `status` read. status.deployments forgets a deployment once its tasks drain and events are
 * trimmed, so the controller keeps this short list as the plan's notes say what happened. Pure.
 *
 * A rollback is a new record (the same deployment id, started again), so the list reads as what
 * the service ran, in order. A deployment superseded while still in progress ends STOPPED.
 */
import { MAX_DEPLOYMENT_HISTORY, type DeploymentRecord } from '../../api/v1/service.js';
import type { DeploymentNote } from './deployments.js';
import { recordStarted } from '../../api/v1/service-deployment-start.js';

export type { DeploymentRecord };

/** `previous` (newest first) with this reconcile's notes applied, at most `max` long. */
export function nextHistory(
  previous: readonly DeploymentRecord[],
  notes: readonly DeploymentNote[],
  now: string,
  max = MAX_DEPLOYMENT_HISTORY,
): DeploymentRecord[] {
  let history = previous.map((r) => ({ ...r }));
  const finish = (id: string, state: DeploymentRecord['state'], reason: string) => {
    // Only the newest record of a deployment can still be open.
    const open = history.find((r) => r.id === id && r.state === 'IN_PROGRESS');
    if (open) history = history.map((r) => (r === open ? { ...r, state, finishedAt: now, reason } : r));
  };
  for (const note of notes) {
    switch (note.type) {
      case 'created':
        history = recordStarted(history, note.id, note.taskDefinition, now);
        break;
      case 'rolledBack':
        history = recordStarted(history, note.to, note.taskDefinition, now, {
          reason: `rollback after deployment ${note.from} failed`,
          rollbackFrom: note.from,
        });
        break;
      case 'completed':
        finish(note.id, 'COMPLETED', history.find((r) => r.id === note.id && r.state === 'IN_PROGRESS')?.reason ?? 'deployment completed');
        break;
      case 'failed':
        finish(note.id, 'FAILED', note.reason);
        break;
    }
  }
  return history.slice(0, max);
}
