/**
 * The admission checks a write through the API passes, run on the exact object about to be stored
 * (ResourceStore WriteOptions.admit): what the caller's authorization asks (an agent's own
 * instance); for every caller, that an object is created only in a cluster that exists, and that
 * a task definition, when written or used by a task or service, keeps its cluster's task policy.
 */
import { ForbiddenError } from '../auth/errors.js';
import { policyRefusals } from '../auth/task-policy-check.js';
import { LocalClient } from '../client/local-client.js';
import { isOfKind } from '../resources/codec.js';
import { NotFoundError } from '../resources/errors.js';
import { lookUpTaskDefinition } from '../tasks/resolve-definition.js';
import type { TaskDefinitionSpec } from '../v1/task-definition.js';
import type { ResourceStore } from '../resources/resource-store.js';
import type { ApiCall } from './api-call.js';
import type { Admit } from './auth-hooks.js';

export function admissionFor(resources: ResourceStore, call: ApiCall, fromAuth: Admit | undefined): Admit | undefined {
  const checks: Admit[] = [];
  if (fromAuth) checks.push(fromAuth);
  if (call.verb === 'create' && call.path.kind !== 'Cluster') checks.push(clusterMustExist(resources));
  if (call.path.subresource === undefined && ['TaskDefinition', 'Task', 'Service'].includes(call.path.kind)) checks.push(taskPolicy(resources));
  if (checks.length === 0) return undefined;
  return async (next, current) => {
    for (const check of checks) await check(next, current);
  };
}

function clusterMustExist(resources: ResourceStore): Admit {
  return async (next) => {
    const cluster = next.metadata.cluster;
    // A typo in --cluster would otherwise make a cluster no controller, agent or policy knows.
    if (!(await resources.get('Cluster', { name: cluster }))) throw new NotFoundError({ kind: 'Cluster', cluster, name: cluster });
  };
}

/**
 * The task definition written, or the one a task or service uses (`web:3`, or `web`: its newest
 * ACTIVE revision), must keep the cluster's task policy. A definition that cannot be resolved is
 * left to the rest of validation (a service may name a family before its first revision).
 */
function taskPolicy(resources: ResourceStore): Admit {
  return async (next) => {
    const cluster = next.metadata.cluster;
    let spec: TaskDefinitionSpec | undefined;
    let what: string;
    if (isOfKind(next, 'TaskDefinition')) {
      spec = next.spec;
      what = `task definition ${next.metadata.name}`;
    } else if (isOfKind(next, 'Task') || isOfKind(next, 'Service')) {
      const ref = next.spec.taskDefinition;
      spec = (await lookUpTaskDefinition(new LocalClient(resources), cluster, ref).catch(() => undefined))?.spec;
      what = `${next.kind.toLowerCase()} ${next.metadata.name} (task definition ${ref})`;
    } else return;
    if (!spec) return;
    const policy = (await resources.get('Cluster', { name: cluster }))?.spec.taskPolicy;
    const refusals = policyRefusals(spec, policy, cluster);
    if (refusals.length > 0) throw new ForbiddenError(`${what} is refused by the task policy of cluster ${cluster}: ${refusals.map((r) => r.message).join('; ')}`);
  };
}
