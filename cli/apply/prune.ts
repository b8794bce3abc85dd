/**
 * Prune: objects that carry this field manager's managed-by label, match the selector, and were not
 * in the applied set are deleted, newest-dependent kinds first (tasks, services, …, clusters). Task
 * definition revisions are deregistered (status INACTIVE), as ECS does, never deleted: tasks that
 * still run them keep a definition to read. Nothing without the label is ever touched.
 */
import type { BerthClient } from '../../api/client/types.js';
import { ACCOUNT_CLUSTER, isAccountScoped, type KindName } from '../../api/keys.js';
import type { BerthObject } from '../../api/v1/index.js';
import { APPLY_ORDER, MANAGED_BY_LABEL } from './constants.js';
import type { ApplyResult, DryRunMode } from './types.js';

export interface PruneScope {
  fieldManager: string;
  selector?: string;
  clusters: string[];
  /** `Kind/cluster/name` of everything applied; task definitions as `TaskDefinition/cluster/family`. */
  applied: Set<string>;
  dryRun: DryRunMode;
  now?: () => Date;
}

export function appliedKey(kind: KindName, cluster: string, name: string): string {
  // A task definition belongs to the account: the same family applied from any cluster is one object.
  return `${kind}/${kind === 'TaskDefinition' ? ACCOUNT_CLUSTER : cluster}/${name}`;
}

export function pruneSelector(fieldManager: string, selector: string | undefined): string {
  const managed = `${MANAGED_BY_LABEL}=${fieldManager}`;
  return selector && selector.trim() !== '' ? `${selector},${managed}` : managed;
}

export async function prune(client: BerthClient, scope: PruneScope): Promise<ApplyResult[]> {
  const results: ApplyResult[] = [];
  const labelSelector = pruneSelector(scope.fieldManager, scope.selector);
  for (const kind of [...APPLY_ORDER].reverse()) {
    const clusters: (string | undefined)[] = isAccountScoped(kind) ? [undefined] : scope.clusters;
    for (const cluster of clusters) {
      const { items } = await client.list(kind, { cluster, labelSelector });
      for (const obj of items) {
        if (scope.applied.has(keyOf(obj))) continue;
        const result = await pruneOne(client, obj, scope);
        if (result) results.push(result);
      }
    }
  }
  return results;
}

function keyOf(obj: BerthObject): string {
  if (obj.kind === 'TaskDefinition') return appliedKey(obj.kind, obj.metadata.cluster, obj.spec.family);
  return appliedKey(obj.kind, obj.kind === 'Cluster' ? obj.metadata.name : obj.metadata.cluster, obj.metadata.name);
}

async function pruneOne(client: BerthClient, obj: BerthObject, scope: PruneScope): Promise<ApplyResult | undefined> {
  const ref = { cluster: obj.metadata.cluster, name: obj.metadata.name };
  const base = { kind: obj.kind, cluster: obj.metadata.cluster, name: obj.metadata.name, before: obj };
  if (obj.kind === 'TaskDefinition') {
    if (obj.status?.status === 'INACTIVE') return undefined;
    if (scope.dryRun === 'client') return { ...base, action: 'deregistered' };
    const now = (scope.now ?? (() => new Date()))().toISOString();
    const { object: after } = await client.mutate(
      'TaskDefinition',
      ref,
      (td) => {
        td.status = { ...td.status, status: 'INACTIVE', deregisteredAt: now };
      },
      { subresource: 'status', dryRun: scope.dryRun === 'server' },
    );
    return { ...base, action: 'deregistered', after };
  }
  if (obj.metadata.deletionTimestamp) return undefined;
  if (scope.dryRun !== 'client') await client.delete(obj.kind, ref, { dryRun: scope.dryRun === 'server' });
  return { ...base, action: 'pruned' };
}
