/**
 * The admission checks a write through the API passes, run on the exact object about to be stored
 * (ResourceStore WriteOptions.admit): what the caller's authorization asks (an agent's own
 * instance), and for every caller that an object is created only in a cluster that exists.
 */
import { NotFoundError } from '../resources/errors.js';
import type { ResourceStore } from '../resources/resource-store.js';
import type { ApiCall } from './api-call.js';
import type { Admit } from './auth-hooks.js';

export function admissionFor(resources: ResourceStore, call: ApiCall, fromAuth: Admit | undefined): Admit | undefined {
  const checks: Admit[] = [];
  if (fromAuth) checks.push(fromAuth);
  if (call.verb === 'create' && call.path.kind !== 'Cluster') checks.push(clusterMustExist(resources));
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
