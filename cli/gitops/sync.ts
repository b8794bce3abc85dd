/**
 * One GitOps sync: read the directory (recursively), plan (skip broken files, protect their
 * objects), apply the rest through the apply engine, and — with prune — remove this set's objects
 * whose documents are gone. Returns what happened; throws only when nothing could be synced at all
 * (directory unreadable, API unreachable or refusing the token), which the trigger retries with backoff.
 */
import { createHash } from 'node:crypto';
import type { BerthClient } from '../../api/client/types.js';
import { loadTexts, type ManifestErrorLocation, type ManifestText } from '../../api/usecases/manifests/index.js';
import { readManifestTexts } from '../../api/usecases/manifests/read-inputs.js';
import { parseLabelSelector } from '../../api/usecases/resources/label-selector.js';
import { applyManifests } from '../apply/apply-manifests.js';
import type { ApplyResult } from '../apply/types.js';
import { planSync, type SkippedFile } from './plan.js';
import { pruneSet } from './prune-set.js';

export interface SyncOptions {
  /** Absolute: source annotations and protection compare file paths. */
  dir: string;
  set: string;
  fieldManager: string;
  defaultCluster: string;
  prune: boolean;
  selector?: string;
}

export interface SyncReport {
  startedAt: Date;
  durationMs: number;
  /** A digest of every manifest file's path and content. */
  revision: string;
  files: number;
  results: ApplyResult[];
  skipped: SkippedFile[];
  ignored: number;
  /** ECS fields the files use that berth accepts but does not apply (api/v1/unapplied-fields.ts). */
  warnings: ManifestErrorLocation[];
  /** Why prune did not run although asked to. */
  pruneSkipped?: string;
}

export class DirectoryUnreadableError extends Error {
  override readonly name = 'DirectoryUnreadable';
  /** A directory being checked out or remounted is usually back soon. */
  readonly retriable = true;
}

export async function syncOnce(client: BerthClient, options: SyncOptions, now: () => Date = () => new Date()): Promise<SyncReport> {
  const startedAt = now();
  const { texts, errors } = await readManifestTexts([options.dir], { recursive: true });
  // A directory that cannot be read is not an empty one: pruning would delete the whole set.
  if (errors.length > 0) throw new DirectoryUnreadableError(`cannot read ${options.dir}: ${errors.map((e) => e.message).join('; ')}`);
  const loaded = loadTexts(texts);
  const plan = planSync(loaded, {
    set: options.set,
    fieldManager: options.fieldManager,
    defaultCluster: options.defaultCluster,
    selector: options.selector ? parseLabelSelector(options.selector) : undefined,
  });
  const outcome = await applyManifests(client, plan.inputs, { fieldManager: options.fieldManager, defaultCluster: options.defaultCluster });
  const results = [...outcome.results];
  let pruneSkipped: string | undefined;
  if (options.prune) {
    if (outcome.ok) {
      results.push(
        ...(await pruneSet(client, { ...options, applied: plan.appliedKeys, protectedFiles: plan.protectedFiles, protectedKeys: plan.protectedKeys })),
      );
    } else {
      // As `berth apply --prune`: a failed object may be the replacement of one prune would remove.
      pruneSkipped = 'not every object could be applied';
    }
  }
  return {
    startedAt,
    durationMs: now().getTime() - startedAt.getTime(),
    revision: digest(texts),
    files: texts.length,
    results,
    skipped: plan.skipped,
    ignored: plan.ignored,
    warnings: loaded.warnings,
    pruneSkipped,
  };
}

function digest(texts: readonly ManifestText[]): string {
  const hash = createHash('sha256');
  for (const { file, text } of texts) hash.update(file).update('\0').update(text).update('\0');
  return hash.digest('hex').slice(0, 12);
}
