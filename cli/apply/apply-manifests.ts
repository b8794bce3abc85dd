/**
 * The apply engine: `applyManifests(client, manifests, options)`, used by `berth apply`, `berth diff`
 * and GitOps. Every manifest is prepared (and must be valid) before anything is written; objects are
 * applied in APPLY_ORDER; then, with `prune`, managed objects missing from the set are removed.
 */
import { ApiUnreachableError, ApiError } from '../../api/client/errors.js';
import type { BerthClient } from '../../api/client/types.js';
import type { KindName } from '../../api/keys.js';
import { DEFAULT_CLUSTER, isKindName } from '../../api/v1/index.js';
import { applyObject } from './apply-object.js';
import { applyRank, DEFAULT_FIELD_MANAGER } from './constants.js';
import { prepareManifest, type ApplyInput, type PreparedManifest } from './prepare.js';
import { appliedKey, prune } from './prune.js';
import { applyTaskDefinition, RevisionCache } from './task-definition.js';
import type { ApplyOptions, ApplyOutcome, ApplyResult } from './types.js';

export async function applyManifests(client: BerthClient, inputs: readonly ApplyInput[], options: ApplyOptions = {}): Promise<ApplyOutcome> {
  const fieldManager = options.fieldManager ?? DEFAULT_FIELD_MANAGER;
  const defaultCluster = options.defaultCluster ?? DEFAULT_CLUSTER;
  const prepared: PreparedManifest[] = [];
  const invalid: ApplyResult[] = [];
  for (const input of inputs) {
    try {
      prepared.push(prepareManifest(input, { fieldManager, defaultCluster }));
    } catch (err) {
      invalid.push({ kind: kindOf(input.raw), cluster: defaultCluster, name: '', action: 'failed', source: input.source, error: asError(err) });
    }
  }
  // One bad manifest stops the whole set before any write: nothing is left half-applied.
  if (invalid.length > 0) return { results: invalid, ok: false };

  const ordered = prepared.map((m, i) => ({ m, i })).sort((a, b) => applyRank(a.m.kind) - applyRank(b.m.kind) || a.i - b.i);
  const cache = new RevisionCache(client);
  const results: ApplyResult[] = [];
  for (const { m } of ordered) {
    try {
      results.push(m.kind === 'TaskDefinition' ? await applyTaskDefinition(client, cache, m, options.dryRun) : await applyObject(client, m, options.dryRun));
    } catch (err) {
      if (isFatal(err)) throw err;
      results.push({ kind: m.kind, cluster: m.cluster, name: m.name, action: 'failed', source: m.source, error: asError(err) });
    }
  }
  const ok = results.every((r) => r.action !== 'failed');
  // Pruning after a failure could delete what the failed object was meant to replace.
  if (options.prune && ok) {
    const clusters = options.pruneClusters ?? [...new Set([defaultCluster, ...prepared.filter((m) => m.kind !== 'Cluster').map((m) => m.cluster)])];
    const applied = new Set(prepared.map((m) => appliedKey(m.kind, m.cluster, m.name)));
    results.push(...(await prune(client, { fieldManager, selector: options.selector, clusters, applied, dryRun: options.dryRun })));
  }
  return { results, ok };
}

/** Errors no other object would escape either: stop at once rather than fail each in turn. */
function isFatal(err: unknown): boolean {
  return err instanceof ApiUnreachableError || (err instanceof ApiError && (err.code === 401 || err.code === 403));
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function kindOf(raw: unknown): KindName {
  // Documents without a kind are ECS task definitions (see api/manifests/ecs-task-definition.ts).
  const kind = typeof raw === 'object' && raw !== null && 'kind' in raw && typeof raw.kind === 'string' ? raw.kind : 'TaskDefinition';
  return isKindName(kind) ? kind : 'TaskDefinition';
}
