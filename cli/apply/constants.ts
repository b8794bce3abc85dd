/** The label and annotations apply writes, and the order kinds are applied in. */
import type { KindName } from '../../api/keys.js';

/** Who applies an object: `berth-apply` by default, GitOps its own name. Prune only touches its own. */
export const MANAGED_BY_LABEL = 'berth.dev/managed-by';
export const DEFAULT_FIELD_MANAGER = 'berth-apply';
/** The file (and document line) an object was applied from. */
export const SOURCE_ANNOTATION = 'berth.dev/source';
/** The manifest as last applied, for the three-way merge that removes fields deleted from a file. */
export const LAST_APPLIED_ANNOTATION = 'berth.dev/last-applied-configuration';

/** Clusters first, then task definitions, so a service's family exists when the service is created. */
export const APPLY_ORDER: readonly KindName[] = ['Cluster', 'TaskDefinition', 'ContainerInstance', 'Service', 'Task', 'Lease'];

export function applyRank(kind: KindName): number {
  return APPLY_ORDER.indexOf(kind);
}
