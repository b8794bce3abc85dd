/**
 * The apply engine: `applyManifests(client, manifests, options)`, used by `berth apply`, `berth diff`
 * and GitOps. Every manifest is prepared (and must be valid) before anything is written; objects are
 * applied kind by kind in APPLY_ORDER, several objects of a kind at once; then, with `prune`, managed
 * objects missing from the set are removed.
 */
import { ApiUnreachableError, ApiError } from '../../api/client/errors.js';
import type { BerthClient } from '../../api/client/types.js';
import type { KindName } from '../../api/keys.js';
import { DEFAULT_CLUSTER, isKindName } from '../../api/v1/index.js';
import { applyObject } from './apply-object.js';
import { forEachBounded } from '../../controllers/kit/pool.js';
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

  const ordered = prepared
    .map((m, i) => ({ m, i }))
    .sort((a, b) => applyRank(a.m.kind) - applyRank(b.m.kind) || a.i - b.i)
    .map(({ m }) => m);
  const cache = new RevisionCache(client);
  const results = await applyInOrder(ordered, (m) =>
    m.kind === 'TaskDefinition' ? applyTaskDefinition(client, cache, m, options.dryRun) : applyObject(client, m, options.dryRun),
  );
  const ok = results.every((r) => r.action !== 'failed');
  // Pruning after a failure could delete what the failed object was meant to replace.
  if (options.prune && ok) {
    const clusters = options.pruneClusters ?? [...new Set([defaultCluster, ...prepared.filter((m) => m.kind !== 'Cluster').map((m) => m.cluster)])];
    const applied = new Set(prepared.map((m) => appliedKey(m.kind, m.cluster, m.name)));
    results.push(...(await prune(client, { fieldManager, selector: options.selector, clusters, applied, dryRun: options.dryRun })));
  }
  return { results, ok };
}

/**
 * Objects applied at once. Each costs a read and a write over HTTP: one by one, a directory of 100
 * objects took ~1 s; kubectl applies one by one too, but nothing orders two services among themselves.
 */
export const APPLY_CONCURRENCY = 8;

/**
 * Applies `ordered` kind by kind (every Cluster before any TaskDefinition, and so on), the objects
 * of one kind APPLY_CONCURRENCY at once, and the manifests of one object (a family's revisions) in
 * their order. Results come in the order of `ordered`. A fatal error stops it: no new object starts,
 * and it is thrown once those under way have finished.
 */
async function applyInOrder(ordered: readonly PreparedManifest[], applyOne: (m: PreparedManifest) => Promise<ApplyResult>): Promise<ApplyResult[]> {
  const results: (ApplyResult | undefined)[] = [];
  const stop = new AbortController();
  let fatal: Error | undefined;
  for (const wave of byKind(ordered)) {
    await forEachBounded(
      byObject(wave),
      APPLY_CONCURRENCY,
      async (chain) => {
        for (const { m, at } of chain) {
          if (stop.signal.aborted) return;
          try {
            results[at] = await applyOne(m);
          } catch (err) {
            if (isFatal(err)) {
              fatal ??= err;
              stop.abort();
              return;
            }
            results[at] = { kind: m.kind, cluster: m.cluster, name: m.name, action: 'failed', source: m.source, error: asError(err) };
          }
        }
      },
      stop.signal,
    );
    if (fatal) throw fatal;
  }
  return results.filter((r): r is ApplyResult => r !== undefined);
}

type Placed = { m: PreparedManifest; at: number };

/** Runs of consecutive manifests of one kind (`ordered` is sorted by kind). */
function byKind(ordered: readonly PreparedManifest[]): Placed[][] {
  const waves: Placed[][] = [];
  ordered.forEach((m, at) => {
    const last = waves.at(-1);
    if (last?.[0]?.m.kind === m.kind) last.push({ m, at });
    else waves.push([{ m, at }]);
  });
  return waves;
}

/** The manifests of each object, in order; objects in the order of their first manifest. */
function byObject(wave: readonly Placed[]): Placed[][] {
  const chains = new Map<string, Placed[]>();
  for (const p of wave) {
    const key = appliedKey(p.m.kind, p.m.cluster, p.m.name);
    const chain = chains.get(key);
    if (chain) chain.push(p);
    else chains.set(key, [p]);
  }
  return [...chains.values()];
}

/** Errors no other object would escape either: stop at once rather than fail each in turn. */
function isFatal(err: unknown): err is ApiUnreachableError | ApiError {
  return err instanceof ApiUnreachableError || (err instanceof ApiError && (err.code === 401 || err.code === 403));
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function kindOf(raw: unknown): KindName {
  // Documents without a kind are ECS task definitions (see api/usecases/manifests/ecs-task-definition.ts).
  const kind = typeof raw === 'object' && raw !== null && 'kind' in raw && typeof raw.kind === 'string' ? raw.kind : 'TaskDefinition';
  return isKindName(kind) ? kind : 'TaskDefinition';
}
