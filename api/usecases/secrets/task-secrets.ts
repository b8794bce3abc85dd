/**
 * The secrets of one task, resolved from the store for the agent that runs it. Who may ask is
 * decided here too, by the stored task, as for the task's definition (auth-hooks.ts): only the
 * agent of the instance the task is bound to. Users — admins included — never read values back.
 */
import { ForbiddenError } from '../../auth/errors.js';
import type { Principal } from '../../auth/principal.js';
import { NotFoundError } from '../resources/errors.js';
import type { ResourceStore } from '../resources/resource-store.js';
import { resolveTaskSecrets, type TaskSecrets } from './resolve.js';
import { openSecret } from './seal.js';

/** Throws ForbiddenError unless `principal` is the agent of an instance in `cluster` (the task's binding is checked on read). */
export function secretsCaller(principal: Principal | undefined, cluster: string): string {
  if (principal?.role !== 'agent')
    throw new ForbiddenError(
      `${principal?.name ?? 'this caller'} may not read secret values: only the agent running a task reads its secrets; users see names and sizes (berth describe secret)`,
    );
  if (principal.cluster !== cluster)
    throw new ForbiddenError(`the agent token of instance ${principal.cluster}/${principal.instance} may not read secrets in cluster ${cluster}`);
  return principal.instance;
}

/**
 * Every secret value task `cluster/name` needs, or which references cannot be resolved. With
 * `instance`, the task must be bound to it (ForbiddenError otherwise); without, the caller is the
 * server's own in-process agent.
 */
export async function secretsOfTask(resources: ResourceStore, cluster: string, name: string, instance?: string): Promise<TaskSecrets> {
  const task = await resources.get('Task', { cluster, name });
  if (!task) throw new NotFoundError({ kind: 'Task', cluster, name });
  if (instance !== undefined && task.spec.containerInstance !== instance)
    throw new ForbiddenError(
      `task ${cluster}/${name} is ${task.spec.containerInstance ? `bound to instance ${task.spec.containerInstance}` : 'not bound to any instance'}; ` +
        `the agent of instance ${instance} may only read the secrets of its own tasks`,
    );
  const td = await resources.get('TaskDefinition', { cluster, name: task.spec.taskDefinition });
  if (!td) throw new NotFoundError({ kind: 'TaskDefinition', cluster, name: task.spec.taskDefinition });
  return resolveTaskSecrets(td.spec, async (secret) => {
    const found = await resources.get('Secret', { cluster, name: secret });
    return found && openSecret(found, resources.secretKeys);
  });
}
