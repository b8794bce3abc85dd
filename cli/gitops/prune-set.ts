/**
 * Prune for a GitOps set: the apply engine's prune (managed-by label + selector, task definitions
 * deregistered, dependents first), scoped to this set's label, in every cluster where the set has
 * objects, and keeping what the skipped (broken) files applied before: an object is kept when its
 * source annotation names a broken file or a broken file still names it.
 */
import type { BerthClient } from '../../api/client/types.js';
import { APPLY_ORDER, SOURCE_ANNOTATION } from '../apply/constants.js';
import { prune } from '../apply/prune.js';
import type { ApplyResult } from '../apply/types.js';
import { GITOPS_SET_LABEL } from './constants.js';
import { keyOfObject } from './plan.js';

export interface PruneSetOptions {
  set: string;
  fieldManager: string;
  /** The user's -l, if any. */
  selector?: string;
  /** `Kind/cluster/name` of everything applied this sync. */
  applied: Set<string>;
  protectedFiles: Set<string>;
  protectedKeys: Set<string>;
}

export function setSelector(set: string, selector: string | undefined): string {
  const own = `${GITOPS_SET_LABEL}=${set}`;
  return selector && selector.trim() !== '' ? `${selector},${own}` : own;
}

export async function pruneSet(client: BerthClient, options: PruneSetOptions): Promise<ApplyResult[]> {
  const selector = setSelector(options.set, options.selector);
  const keep = new Set([...options.applied, ...options.protectedKeys]);
  const clusters = new Set<string>();
  for (const kind of APPLY_ORDER) {
    const { items } = await client.list(kind, { labelSelector: selector });
    for (const obj of items) {
      if (obj.kind !== 'Cluster') clusters.add(obj.metadata.cluster);
      const file = sourceFile(obj.metadata.annotations?.[SOURCE_ANNOTATION]);
      if (file !== undefined && options.protectedFiles.has(file)) keep.add(keyOfObject(obj));
    }
  }
  return prune(client, { fieldManager: options.fieldManager, selector, clusters: [...clusters].sort(), applied: keep, dryRun: undefined });
}

/** `FILE:LINE` → FILE. */
export function sourceFile(annotation: string | undefined): string | undefined {
  if (annotation === undefined) return undefined;
  const m = /^(.*):\d+$/.exec(annotation);
  return m ? m[1] : annotation;
}
