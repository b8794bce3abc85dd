/**
 * When GitOps syncs: on file changes under the directory (chokidar, debounced so an editor's
 * save-as-rename or a `git checkout` touching fifty files is one sync, not fifty), on an interval
 * (to undo drift made by hand), and once at start. Syncs never overlap: a change during a sync
 * schedules exactly one more. A sync that throws (server unreachable) is retried with exponential
 * backoff; changes and interval ticks meanwhile wait for that retry instead of hammering the server.
 */
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from '../../api/log.js';

export interface SyncTriggerOptions {
  dir: string;
  /** Wait this long after the last change before syncing (default 300 ms). */
  debounceMs?: number;
  /** Re-sync this often even without changes (0: never). */
  intervalMs: number;
  sync: (reason: string) => Promise<void>;
  log: Logger;
  /** Retry delays after failed syncs: initialMs, doubling, at most maxMs (default 1 s … 30 s). */
  backoff?: { initialMs: number; maxMs: number };
}

const MANIFEST = /\.(ya?ml|json)$/i;

export class SyncTrigger {
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private interval: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again: string | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(private readonly options: SyncTriggerOptions) {}

  async start(): Promise<void> {
    // `atomic` folds an editor's write-to-temp-then-rename into one change of the file itself.
    this.watcher = watch(this.options.dir, {
      ignoreInitial: true,
      atomic: true,
      ignored: (path, stats) => (stats?.isFile() ?? false) && !MANIFEST.test(path),
    });
    this.watcher.on('all', (event, path) => this.changed(`${event} ${path}`));
    this.watcher.on('error', (err) => this.options.log.warn({ err }, 'file watcher error'));
    await new Promise<void>((resolve) => this.watcher?.once('ready', () => resolve()));
    if (this.options.intervalMs > 0) this.interval = setInterval(() => this.request('interval'), this.options.intervalMs);
    this.request('start');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.debounce);
    clearInterval(this.interval);
    clearTimeout(this.retry);
    await this.watcher?.close();
    await this.running;
  }

  /** Resolves when no sync is running or pending (for tests and orderly shutdown); a backoff retry does not count. */
  async idle(): Promise<void> {
    while (this.running || this.debounce) await (this.running ?? new Promise((r) => setTimeout(r, 20)));
  }

  private changed(what: string): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.request(what);
    }, this.options.debounceMs ?? 300);
  }

  private request(reason: string): void {
    if (this.stopped) return;
    // Every sync reads the whole directory: the retry will include whatever this request was for.
    if (this.retry) return;
    if (this.running) {
      this.again = reason;
      return;
    }
    this.running = this.options
      .sync(reason)
      .then(
        () => {
          this.failures = 0;
        },
        (err: unknown) => this.failed(err),
      )
      .finally(() => {
        this.running = undefined;
        const next = this.again;
        this.again = undefined;
        if (next !== undefined) this.request(next);
      });
  }

  private failed(err: unknown): void {
    this.failures++;
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 1000, maxMs: 30_000 };
    const delayMs = Math.min(maxMs, initialMs * 2 ** (this.failures - 1));
    this.options.log.warn({ err, failures: this.failures, retryInMs: delayMs }, `sync failed; retrying in ${delayMs} ms`);
    // A pending change is folded into the retry rather than run at once against a failing server.
    this.again = undefined;
    if (this.stopped) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.request('retry');
    }, delayMs);
  }
}
