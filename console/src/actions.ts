/**
 * What the console's buttons do, each the API call its CLI command makes, so both act alike:
 * scale (`berth scale`: a merge patch of spec.desiredCount), roll back (`berth rollout undo`: the
 * revision cli/rollout/history.ts undoTarget picks, written only if spec.taskDefinition did not
 * change meanwhile), stop a task (`berth stop-task`: desiredStatus STOPPED with a reason) and drain
 * an instance (`berth drain`: a merge patch of spec.status).
 */
import { resourcePath } from '../../api/paths.js';
import { parseTaskDefinitionRef } from '../../api/v1/task-definition-ref-text.js';
import { undoTarget } from '../../cli/rollout/history.js';
import { ApiError, getJson, mergePatch, putJson } from './api.js';
import type { Service, TaskDefinition } from './types.js';

/** ECS's stoppedReason for a user's stop, as api/usecases/tasks/stop-task.ts USER_STOP_REASON words it, saying where it came from. */
export const CONSOLE_STOP_REASON = 'Task stopped by the user (web console)';
const UPDATE_ATTEMPTS = 3;

export function scaleService(cluster: string, name: string, desiredCount: number): Promise<unknown> {
  return mergePatch(resourcePath({ kind: 'Service', cluster, name }), { spec: { desiredCount } });
}

export function stopTask(cluster: string, name: string): Promise<unknown> {
  return mergePatch(resourcePath({ kind: 'Task', cluster, name }), { spec: { desiredStatus: 'STOPPED', stopReason: CONSOLE_STOP_REASON } });
}

export function setInstanceStatus(cluster: string, name: string, status: 'ACTIVE' | 'DRAINING'): Promise<unknown> {
  return mergePatch(resourcePath({ kind: 'ContainerInstance', cluster, name }), { spec: { status } });
}

/** Rolls the service back as `berth rollout undo` does; resolves to the revision it now runs toward. */
export async function rollBack(cluster: string, name: string): Promise<string> {
  const path = resourcePath({ kind: 'Service', cluster, name });
  const seen = (await getJson(path)) as Service;
  const family = parseTaskDefinitionRef(seen.status?.taskDefinition ?? seen.spec.taskDefinition)?.family;
  const list = (await getJson(resourcePath({ kind: 'TaskDefinition' }))) as { items: TaskDefinition[] };
  const target = undoTarget(
    seen,
    list.items.filter((td) => td.spec.family === family),
  );
  if (seen.spec.taskDefinition === target) return target;
  // Read-modify-write with the object's resourceVersion; the controller's status writes during a
  // rollout move it, so a conflict re-reads, and gives up only if the task definition itself moved.
  let current = seen;
  for (let attempt = 1; ; attempt++) {
    if (current.spec.taskDefinition !== seen.spec.taskDefinition)
      throw new Error(`spec.taskDefinition of service ${name} changed to ${current.spec.taskDefinition} meanwhile; look again and retry`);
    try {
      await putJson(path, { ...current, spec: { ...current.spec, taskDefinition: target } });
      return target;
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409) || attempt >= UPDATE_ATTEMPTS) throw err;
      current = (await getJson(path)) as Service;
    }
  }
}
