/**
 * Applies one prepared manifest: create it when absent, otherwise send the three-way merge patch
 * (pinned to the resourceVersion it was computed from, recomputed on a conflict). Task definitions
 * go through task-definition.ts instead: they are registered, never patched.
 */
import { isDeepStrictEqual } from 'node:util';
import type { BerthClient } from '../../api/client/types.js';
import { applyMergePatch, isPlainObject } from '../../api/merge-patch.js';
import { ConflictError, InvalidError } from '../../api/usecases/resources/errors.js';
import { validateObject, type BerthObject } from '../../api/v1/index.js';
import { lastApplied, type PreparedManifest } from './prepare.js';
import { isEmptyPatch, threeWayMergePatch, type JsonObject } from './three-way-merge.js';
import type { ApplyResult, DryRunMode } from './types.js';

const MAX_CONFLICT_RETRIES = 10;

export async function applyObject(client: BerthClient, m: PreparedManifest, dryRun: DryRunMode): Promise<ApplyResult> {
  const base = { kind: m.kind, cluster: m.cluster, name: m.name, source: m.source };
  const ref = { cluster: m.cluster, name: m.name };
  for (let attempt = 0; ; attempt++) {
    const live = await client.get(m.kind, ref);
    if (!live) {
      if (dryRun === 'client') return { ...base, action: 'created', after: m.object };
      const created = await client.create({ ...m.applied, kind: m.kind }, { dryRun: dryRun === 'server' });
      return { ...base, action: 'created', after: created };
    }
    const plan = planUpdate(m, live);
    if (plan.kind === 'unchanged') return { ...base, action: 'unchanged', before: live, after: live };
    if (dryRun === 'client') return { ...base, action: 'configured', before: live, after: plan.merged };
    const pinned = {
      ...plan.patch,
      metadata: { ...(isPlainObject(plan.patch.metadata) ? plan.patch.metadata : {}), resourceVersion: live.metadata.resourceVersion },
    };
    try {
      const written = await client.patch(m.kind, ref, pinned, { dryRun: dryRun === 'server' });
      // A Secret's values are sent on every apply (no client can read them to compare): the server
      // says whether they changed anything by writing, or not.
      const same = m.kind === 'Secret' && dryRun === undefined && written.metadata.resourceVersion === live.metadata.resourceVersion;
      return { ...base, action: same ? 'unchanged' : 'configured', before: live, after: written };
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw err;
    }
  }
}

export type UpdatePlan = { kind: 'unchanged' } | { kind: 'patch'; patch: JsonObject; merged: BerthObject };

/**
 * What applying `m` over `live` changes. The patch is checked by its effect, through the schema: a
 * manifest writing `memory: "0.5 GB"` over a stored 512 is no change, although the texts differ.
 */
export function planUpdate(m: PreparedManifest, live: BerthObject): UpdatePlan {
  // Only metadata and spec are applied: kind and apiVersion identify, status is observed.
  const original = lastApplied(live);
  const patch = threeWayMergePatch(
    original && { metadata: original.metadata, spec: original.spec },
    { metadata: m.applied.metadata, spec: m.applied.spec },
    { metadata: live.metadata, spec: live.spec },
  );
  if (isEmptyPatch(patch)) return { kind: 'unchanged' };
  const result = validateObject(applyMergePatch(live, patch));
  if (!result.ok) throw new InvalidError({ kind: m.kind, cluster: m.cluster, name: m.name }, result.issues);
  const merged = result.object;
  const same = isDeepStrictEqual(merged.spec, live.spec) && isDeepStrictEqual(userMetadata(merged), userMetadata(live));
  return same ? { kind: 'unchanged' } : { kind: 'patch', patch, merged };
}

function userMetadata(o: BerthObject) {
  const { labels, annotations, finalizers, ownerReferences } = o.metadata;
  return { labels: labels ?? {}, annotations: annotations ?? {}, finalizers, ownerReferences };
}
