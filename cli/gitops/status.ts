/**
 * The status of a GitOps set, as `berth gitops status` shows it from any machine: a small JSON
 * document in the annotation `gitops.berth.dev/status.<set>` of a Cluster object (the watcher's
 * --cluster). An annotation rather than a new kind: it needs no schema change, survives server
 * restarts with the store, and the three-way merge of apply never removes what it did not apply.
 */
import { relative } from 'node:path';
import { z } from 'zod';
import type { BerthClient } from '../../api/client/types.js';
import { formatManifestError } from '../../api/usecases/manifests/index.js';
import type { BerthObject } from '../../api/v1/index.js';
import { formatApplyFailure } from '../output/apply-results.js';
import { statusAnnotation, STATUS_ANNOTATION_PREFIX } from './constants.js';
import type { SyncReport } from './sync.js';

/** Enough errors to act on; the watcher's log has all of them. */
export const MAX_STATUS_ERRORS = 20;
const MAX_ERROR_LENGTH = 300;

export const SyncResult = z.enum(['Synced', 'Degraded', 'Failed']);
export type SyncResult = z.infer<typeof SyncResult>;

const Counts = z.object({
  created: z.number().int(),
  configured: z.number().int(),
  unchanged: z.number().int(),
  pruned: z.number().int(),
  failed: z.number().int(),
  skippedFiles: z.number().int(),
});
export type SyncCounts = z.infer<typeof Counts>;

export const GitOpsStatus = z.object({
  set: z.string(),
  dir: z.string(),
  /** Where the watcher runs. */
  host: z.string(),
  prune: z.boolean(),
  lastSyncAt: z.string(),
  /** The last sync that reached the API and applied every valid file. */
  lastSuccessAt: z.string().optional(),
  reason: z.string(),
  result: SyncResult,
  revision: z.string().optional(),
  durationMs: z.number(),
  counts: Counts.optional(),
  /** `FILE:LINE:COL: PATH: MESSAGE`, files relative to dir; at most MAX_STATUS_ERRORS. */
  errors: z.array(z.string()),
  /** Syncs that failed in a row before this one (e.g. while the server was down). */
  failedAttempts: z.number().int().optional(),
});
export type GitOpsStatus = z.infer<typeof GitOpsStatus>;

export interface StatusContext {
  set: string;
  dir: string;
  host: string;
  prune: boolean;
  reason: string;
  lastSuccessAt?: string;
  failedAttempts: number;
}

export function countResults(report: SyncReport): SyncCounts {
  const count = (...actions: string[]) => report.results.filter((r) => actions.includes(r.action)).length;
  return {
    created: count('created'),
    configured: count('configured'),
    unchanged: count('unchanged'),
    pruned: count('pruned', 'deregistered'),
    failed: count('failed'),
    skippedFiles: report.skipped.length,
  };
}

export function statusFromReport(report: SyncReport, ctx: StatusContext): GitOpsStatus {
  const counts = countResults(report);
  const rel = (file: string) => relative(ctx.dir, file) || file;
  const errors = [
    ...report.skipped.flatMap((s) =>
      s.errors.map((e) => formatManifestError({ file: rel(e.file), line: e.line, column: e.column, path: e.path, message: e.message })),
    ),
    ...report.results
      .filter((r) => r.action === 'failed')
      .map((r) => formatApplyFailure({ ...r, source: r.source && { ...r.source, file: rel(r.source.file) } })),
    ...(report.pruneSkipped ? [`prune skipped: ${report.pruneSkipped}`] : []),
  ];
  const clean = counts.failed === 0 && counts.skippedFiles === 0 && !report.pruneSkipped;
  return {
    ...base(ctx),
    lastSyncAt: report.startedAt.toISOString(),
    lastSuccessAt: counts.failed === 0 ? report.startedAt.toISOString() : ctx.lastSuccessAt,
    result: clean ? 'Synced' : 'Degraded',
    revision: report.revision,
    durationMs: report.durationMs,
    counts,
    errors: cap(errors),
  };
}

export function statusFromFailure(err: unknown, at: Date, durationMs: number, ctx: StatusContext): GitOpsStatus {
  return {
    ...base(ctx),
    lastSyncAt: at.toISOString(),
    lastSuccessAt: ctx.lastSuccessAt,
    result: 'Failed',
    durationMs,
    errors: cap([err instanceof Error ? err.message : String(err)]),
  };
}

function base(ctx: StatusContext) {
  return {
    set: ctx.set,
    dir: ctx.dir,
    host: ctx.host,
    prune: ctx.prune,
    reason: ctx.reason,
    failedAttempts: ctx.failedAttempts > 0 ? ctx.failedAttempts : undefined,
  };
}

function cap(errors: string[]): string[] {
  const kept = errors.slice(0, MAX_STATUS_ERRORS).map((e) => (e.length > MAX_ERROR_LENGTH ? `${e.slice(0, MAX_ERROR_LENGTH - 1)}…` : e));
  if (errors.length > MAX_STATUS_ERRORS) kept.push(`… and ${errors.length - MAX_STATUS_ERRORS} more (see the watcher's log)`);
  return kept;
}

/** One merge patch of one annotation: nothing else of the Cluster is touched. */
export async function writeStatus(client: BerthClient, cluster: string, status: GitOpsStatus): Promise<void> {
  await client.patch('Cluster', { name: cluster }, { metadata: { annotations: { [statusAnnotation(status.set)]: JSON.stringify(status) } } });
}

export type StoredStatus = { cluster: string; set: string; status: GitOpsStatus } | { cluster: string; set: string; unreadable: string };

/** Every GitOps status recorded on these Cluster objects, by set name. */
export function readStatuses(clusters: readonly BerthObject[]): StoredStatus[] {
  const found: StoredStatus[] = [];
  for (const c of clusters) {
    for (const [key, value] of Object.entries(c.metadata.annotations ?? {})) {
      if (!key.startsWith(STATUS_ANNOTATION_PREFIX)) continue;
      const set = key.slice(STATUS_ANNOTATION_PREFIX.length);
      const parsed = GitOpsStatus.safeParse(safeJson(value));
      found.push(parsed.success ? { cluster: c.metadata.name, set, status: parsed.data } : { cluster: c.metadata.name, set, unreadable: parsed.error.message });
    }
  }
  return found.sort((a, b) => (a.set < b.set ? -1 : a.set > b.set ? 1 : 0));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
