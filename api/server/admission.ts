/**
 * The admission checks a write through the API passes, run on the exact object about to be stored
 * (ResourceStore WriteOptions.admit): what the caller's authorization asks (an agent's own
 * instance); for every caller, that an object is created only in a cluster that exists, and that
 * a task definition, when written or used by a task or service, keeps its cluster's task policy.
 */
import { ForbiddenError } from '../auth/errors.js';
import { policyRefusals, usedFeatures } from '../auth/task-policy-check.js';
import { isOfKind } from '../usecases/resources/codec.js';
import { NotFoundError } from '../usecases/resources/errors.js';
import type { TaskDefinitionSpec } from '../v1/task-definition.js';
import { parseTaskDefinitionRef } from '../v1/task-definition-ref.js';
import type { ResourceStore } from '../usecases/resources/resource-store.js';
import type { ApiCall } from './api-call.js';
import type { Admit } from './auth-hooks.js';

export function admissionFor(resources: ResourceStore, call: ApiCall, fromAuth: Admit | undefined): Admit | undefined {
  const checks: Admit[] = [];
  if (fromAuth) checks.push(fromAuth);
  if (call.verb === 'create' && call.path.kind !== 'Cluster' && (call.path.kind !== 'TaskDefinition' || call.path.cluster !== undefined))
    checks.push(clusterMustExist(resources, call.path.kind === 'TaskDefinition' ? call.path.cluster : undefined));
  if (call.path.subresource === undefined && ['TaskDefinition', 'Task', 'Service'].includes(call.path.kind))
    checks.push(taskPolicy(resources, call.path.cluster));
  if (checks.length === 0) return undefined;
  return async (next, current) => {
    for (const check of checks) await check(next, current);
  };
}

/** `fromPath`: a task definition's (account-wide) cluster is the one its URL names, if any. */
function clusterMustExist(resources: ResourceStore, fromPath?: string): Admit {
  return async (next) => {
    const cluster = fromPath ?? next.metadata.cluster;
    // A typo in --cluster would otherwise make a cluster no controller, agent or policy knows.
    if (!(await resources.get('Cluster', { name: cluster }))) throw new NotFoundError({ kind: 'Cluster', cluster, name: cluster });
  };
}

/**
 * The task definition written, or the one a task or service uses (`web:3`, or `web`: its newest
 * ACTIVE revision), must keep the cluster's task policy. A definition that cannot be resolved is
 * left to the rest of validation (a service may name a family before its first revision).
 *
 * A task definition belongs to the account, so its registration is checked against the policy of
 * the cluster its URL names (if any) and of every cluster with a service that follows its family:
 * such a service rolls a new revision out without a write through the API, and must never get
 * one its cluster refuses.
 */
function taskPolicy(resources: ResourceStore, pathCluster: string | undefined): Admit {
  return async (next) => {
    let spec: TaskDefinitionSpec | undefined;
    let what: string;
    if (isOfKind(next, 'TaskDefinition')) {
      spec = next.spec;
      what = `task definition ${next.metadata.name}`;
    } else if (isOfKind(next, 'Task') || isOfKind(next, 'Service')) {
      const ref = next.spec.taskDefinition;
      const definition = await resources.taskDefinitionOf(ref);
      spec = definition?.status?.status === 'INACTIVE' ? undefined : definition?.spec;
      what = `${next.kind.toLowerCase()} ${next.metadata.name} (task definition ${ref})`;
    } else return;
    // No policy refuses a definition that uses no gated feature: then no cluster needs looking up
    // (every write of a task, service or definition would otherwise read them, and a registration
    // every service).
    if (!spec || usedFeatures(spec).length === 0) return;
    const clusters = isOfKind(next, 'TaskDefinition') ? await clustersFollowing(resources, next.spec.family, pathCluster) : [next.metadata.cluster];
    for (const cluster of clusters) {
      const policy = (await resources.get('Cluster', { name: cluster }))?.spec.taskPolicy;
      const refusals = policyRefusals(spec, policy, cluster);
      if (refusals.length > 0)
        throw new ForbiddenError(`${what} is refused by the task policy of cluster ${cluster}: ${refusals.map((r) => r.message).join('; ')}`);
    }
  };
}

/** `pathCluster` (if any) and every cluster with a service on `family`'s newest revision, sorted. */
async function clustersFollowing(resources: ResourceStore, family: string, pathCluster: string | undefined): Promise<string[]> {
  const clusters = new Set(pathCluster === undefined ? [] : [pathCluster]);
  let token: string | undefined;
  do {
    const page = await resources.list('Service', { limit: 500, continue: token });
    for (const s of page.items) {
      const ref = parseTaskDefinitionRef(s.spec.taskDefinition);
      if (ref?.family === family && ref.revision === undefined) clusters.add(s.metadata.cluster);
    }
    token = page.continue;
  } while (token);
  return [...clusters].sort();
}
