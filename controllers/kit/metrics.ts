/**
 * Prometheus metrics of the kit's controllers, under controller-runtime's and client-go's names so
 * that dashboards and alerts written for Kubernetes controllers read berth's unchanged:
 *
 *   controller_runtime_reconcile_total{controller,result}   result: success | requeue_after | error
 *   controller_runtime_reconcile_errors_total{controller}
 *   controller_runtime_terminal_reconcile_errors_total{controller}
 *   controller_runtime_reconcile_time_seconds{controller}
 *   controller_runtime_active_workers{controller}, controller_runtime_max_concurrent_reconciles{controller}
 *   workqueue_depth{name}, workqueue_adds_total{name}, workqueue_retries_total{name},
 *   workqueue_queue_duration_seconds{name}, workqueue_work_duration_seconds{name}
 *   leader_election_master_status{name}                     1 while this process leads
 *
 * They live in a registry the caller owns (never prom-client's global one): two managers in one
 * process, as in tests, would otherwise collide on the names. The manager makes one when given none.
 * Gauges are read when scraped, from the queues of the controllers running now, so a controller
 * that stopped (leadership lost) drops out instead of reporting its last depth for ever.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The outcome of one reconcile, as controller-runtime labels it. */
export type ReconcileOutcome = 'success' | 'requeue_after' | 'error' | 'terminal_error';

/** What one controller's worker loop reports; `runController` calls it. */
export interface ControllerMetrics {
  reconciled(outcome: ReconcileOutcome, seconds: number): void;
  /** A key waited this long in the queue before a worker took it. */
  waited(seconds: number): void;
  added(): void;
  retried(): void;
  /** Workers inside a reconcile now: +1 when one starts, -1 when it ends. */
  active(delta: 1 | -1): void;
}

/** What a running controller shows to scrapes. */
export interface QueueSource {
  len(): number;
}

const RECONCILE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 10, 30, 60];
// client-go's workqueue buckets: 10^-8 s to 10^1 s.
const QUEUE_BUCKETS = Array.from({ length: 10 }, (_, i) => 10 ** (i - 8));

export class KitMetrics {
  private readonly queues = new Map<string, QueueSource>();
  private readonly workers = new Map<string, number>();
  private readonly maxWorkers = new Map<string, number>();
  private readonly reconcileTotal: Counter<'controller' | 'result'>;
  private readonly reconcileErrors: Counter<'controller'>;
  private readonly terminalErrors: Counter<'controller'>;
  private readonly reconcileTime: Histogram<'controller'>;
  private readonly activeWorkers: Gauge<'controller'>;
  private readonly adds: Counter<'name'>;
  private readonly retries: Counter<'name'>;
  private readonly queueDuration: Histogram<'name'>;
  private readonly workDuration: Histogram<'name'>;
  private readonly leader: Gauge<'name'>;

  constructor(readonly registry: Registry = new Registry()) {
    const registers = [registry];
    this.reconcileTotal = new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
      registers,
    });
    this.reconcileErrors = new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames: ['controller'],
      registers,
    });
    this.terminalErrors = new Counter({
      name: 'controller_runtime_terminal_reconcile_errors_total',
      help: 'Total number of terminal reconciliation errors per controller (not retried)',
      labelNames: ['controller'],
      registers,
    });
    this.reconcileTime = new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'],
      buckets: RECONCILE_BUCKETS,
      registers,
    });
    const workers = this.workers;
    this.activeWorkers = new Gauge({
      name: 'controller_runtime_active_workers',
      help: 'Number of currently used workers per controller',
      labelNames: ['controller'],
      registers,
      collect() {
        this.reset();
        for (const [controller, n] of workers) this.set({ controller }, n);
      },
    });
    const maxWorkers = this.maxWorkers;
    new Gauge({
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Maximum number of concurrent reconciles per controller',
      labelNames: ['controller'],
      registers,
      collect() {
        this.reset();
        for (const [controller, n] of maxWorkers) this.set({ controller }, n);
      },
    });
    const queues = this.queues;
    new Gauge({
      name: 'workqueue_depth',
      help: 'Current depth of workqueue',
      labelNames: ['name'],
      registers,
      collect() {
        this.reset();
        for (const [name, queue] of queues) this.set({ name }, queue.len());
      },
    });
    this.adds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: ['name'], registers });
    this.retries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: ['name'], registers });
    this.queueDuration = new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in workqueue before being requested',
      labelNames: ['name'],
      buckets: QUEUE_BUCKETS,
      registers,
    });
    this.workDuration = new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long in seconds processing an item from workqueue takes',
      labelNames: ['name'],
      buckets: QUEUE_BUCKETS,
      registers,
    });
    this.leader = new Gauge({
      name: 'leader_election_master_status',
      help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
      labelNames: ['name'],
      registers,
    });
  }

  /** The hooks of one controller's loop; `queue` is read at scrape time until `stop()`. */
  controller(name: string, queue: QueueSource, workers: number): ControllerMetrics & { stop(): void } {
    this.queues.set(name, queue);
    this.workers.set(name, 0);
    this.maxWorkers.set(name, workers);
    // Zero series from the start: a rate() over a counter that appears at its first error misses it.
    for (const result of ['success', 'requeue_after', 'error'] as const) this.reconcileTotal.inc({ controller: name, result }, 0);
    this.reconcileErrors.inc({ controller: name }, 0);
    this.retries.inc({ name }, 0);
    return {
      reconciled: (outcome, seconds) => {
        this.reconcileTotal.inc({ controller: name, result: outcome === 'terminal_error' ? 'error' : outcome });
        if (outcome === 'error' || outcome === 'terminal_error') this.reconcileErrors.inc({ controller: name });
        if (outcome === 'terminal_error') this.terminalErrors.inc({ controller: name });
        this.reconcileTime.observe({ controller: name }, seconds);
        this.workDuration.observe({ name }, seconds);
      },
      waited: (seconds) => this.queueDuration.observe({ name }, seconds),
      added: () => this.adds.inc({ name }),
      retried: () => this.retries.inc({ name }),
      active: (delta) => this.workers.set(name, (this.workers.get(name) ?? 0) + delta),
      stop: () => {
        if (this.queues.get(name) !== queue) return;
        this.queues.delete(name);
        this.workers.delete(name);
        this.maxWorkers.delete(name);
      },
    };
  }

  /** Whether this process holds the lease `name` (1) or stands by (0). */
  leading(name: string, leading: boolean): void {
    this.leader.set({ name }, leading ? 1 : 0);
  }
}
