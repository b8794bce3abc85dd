/**
 * `berth gitops watch` without the command line: a SyncTrigger decides when, syncOnce does the
 * work, and every sync is logged (each change, each error with FILE:LINE:COL, a summary) and
 * recorded as the set's status on a Cluster object. A sync that cannot reach the API throws, so the
 * trigger retries it with backoff; the status records it once the API answers again.
 */
import { hostname } from 'node:os';
import { formatManifestError, formatManifestWarning } from '../../api/usecases/manifests/index.js';
import type { BerthClient } from '../../api/client/types.js';
import type { Logger } from '../../api/log.js';
import { NotFoundError } from '../../api/usecases/resources/errors.js';
import { formatApplyFailure, formatApplyResult } from '../output/apply-results.js';
import { countResults, statusFromFailure, statusFromReport, writeStatus, type GitOpsStatus, type StatusContext } from './status.js';
import { syncOnce, type SyncOptions, type SyncReport } from './sync.js';
import { SyncTrigger } from './trigger.js';

export interface GitOpsWatcherOptions extends SyncOptions {
  client: BerthClient;
  /** The Cluster object that carries the status annotation. */
  statusCluster: string;
  intervalMs: number;
  debounceMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  log: Logger;
  now?: () => Date;
}

export class GitOpsWatcher {
  private readonly trigger: SyncTrigger;
  private readonly log: Logger;
  private lastSuccessAt: string | undefined;
  private failedAttempts = 0;
  private statusClusterMissing = false;
  private lastRevision: string | undefined;

  constructor(private readonly options: GitOpsWatcherOptions) {
    this.log = options.log.child({ gitopsSet: options.set });
    this.trigger = new SyncTrigger({
      dir: options.dir,
      intervalMs: options.intervalMs,
      debounceMs: options.debounceMs,
      backoff: options.backoff ?? { initialMs: 1000, maxMs: Math.min(30_000, options.intervalMs > 0 ? options.intervalMs : 30_000) },
      log: this.log,
      sync: (reason) => this.sync(reason),
    });
  }

  start(): Promise<void> {
    this.log.info({ dir: this.options.dir, prune: this.options.prune, intervalMs: this.options.intervalMs }, 'watching');
    return this.trigger.start();
  }

  stop(): Promise<void> {
    return this.trigger.stop();
  }

  private async sync(reason: string): Promise<void> {
    const now = this.options.now ?? (() => new Date());
    const started = now();
    const ctx = (): StatusContext => ({
      set: this.options.set,
      dir: this.options.dir,
      host: hostname(),
      prune: this.options.prune,
      reason,
      lastSuccessAt: this.lastSuccessAt,
      failedAttempts: this.failedAttempts,
    });
    let report: SyncReport;
    try {
      report = await syncOnce(this.options.client, this.options, now);
    } catch (err) {
      this.failedAttempts++;
      // Best effort: the API may be the thing that failed, and then this fails too.
      await this.record(statusFromFailure(err, started, now().getTime() - started.getTime(), ctx())).catch(() => undefined);
      throw err;
    }
    const status = statusFromReport(report, ctx());
    this.logReport(reason, report);
    this.failedAttempts = 0;
    if (status.lastSuccessAt) this.lastSuccessAt = status.lastSuccessAt;
    await this.record(status).catch((err: unknown) => {
      // The sync itself happened; a lost status write is reported, not retried with backoff.
      this.log.warn({ err }, 'could not record the sync status');
    });
  }

  private async record(status: GitOpsStatus): Promise<void> {
    try {
      await writeStatus(this.options.client, this.options.statusCluster, status);
      this.statusClusterMissing = false;
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      if (!this.statusClusterMissing)
        this.log.warn(
          { cluster: this.options.statusCluster },
          `cannot record the sync status: cluster "${this.options.statusCluster}" does not exist; create it or pass --cluster`,
        );
      this.statusClusterMissing = true;
    }
  }

  private logReport(reason: string, report: SyncReport): void {
    for (const r of report.results) {
      const fields = { kind: r.kind, cluster: r.cluster, name: r.name, action: r.action, source: r.source };
      if (r.action === 'failed') this.log.warn({ ...fields, err: r.error }, formatApplyFailure(r));
      else if (r.action === 'unchanged') this.log.debug(fields, formatApplyResult(r, undefined));
      else this.log.info(fields, formatApplyResult(r, undefined));
    }
    // The same broken file is reported at every interval; say it loudly only when the files changed.
    const level = report.revision === this.lastRevision ? 'debug' : 'warn';
    this.lastRevision = report.revision;
    for (const skipped of report.skipped) {
      for (const e of skipped.errors) this.log[level]({ file: e.file, line: e.line, column: e.column, path: e.path }, formatManifestError(e));
      this.log[level]({ file: skipped.file }, `skipped ${skipped.file}: fix the errors above; its objects keep their last applied state`);
    }
    for (const w of report.warnings) this.log[level]({ file: w.file, line: w.line, column: w.column, path: w.path }, formatManifestWarning(w));
    if (report.pruneSkipped) this.log.warn(`prune skipped: ${report.pruneSkipped}`);
    const counts = countResults(report);
    const summary = { reason, revision: report.revision, files: report.files, durationMs: report.durationMs, ...counts };
    const clean = counts.failed === 0 && counts.skippedFiles === 0;
    if (clean) this.log.info(summary, 'sync done');
    else this.log.warn(summary, 'sync done with errors');
  }
}
