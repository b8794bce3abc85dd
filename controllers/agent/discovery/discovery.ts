/**
 * Service discovery on one instance: informers on the cluster's Services and Tasks (the tasks in the
 * API's `discovery` view) feed the DNS server's records. Watch-driven: an event marks the records
 * stale and the next question rebuilds them (buildRecords is pure and cheap), so a burst of task
 * updates costs one rebuild, and nothing polls.
 */
import type { BerthClient } from '../../../api/client/types.js';
import type { Logger } from '../../../api/log.js';
import type { Service } from '../../../api/v1/service.js';
import type { Task } from '../../../api/v1/task.js';
import type { Clock } from '../../kit/clock.js';
import { clientListWatch } from '../../kit/client-list-watch.js';
import { Informer } from '../../kit/informer.js';
import { DnsServer } from './dns-server.js';
import { buildRecords, type DiscoveryRecords } from './records.js';

export interface DiscoveryOptions {
  client: Pick<BerthClient, 'list' | 'watch'>;
  cluster: string;
  address: string;
  port: number;
  upstreams?: string[];
  clock: Clock;
  log: Logger;
}

export class ServiceDiscovery {
  private readonly services: Informer<Service>;
  private readonly tasks: Informer<Task>;
  private readonly server: DnsServer;
  private records: DiscoveryRecords | undefined;
  /** Problems already logged, so a broken registry is reported once, not at every rebuild. */
  private readonly reported = new Set<string>();

  constructor(private readonly options: DiscoveryOptions) {
    const { client, cluster, clock, log } = options;
    this.services = new Informer<Service>({ source: clientListWatch(client, 'Service', { cluster }), clock, log: log.child({ informer: 'Service' }) });
    this.tasks = new Informer<Task>({ source: clientListWatch(discoveryView(client), 'Task', { cluster }), clock, log: log.child({ informer: 'Task' }) });
    const stale = () => void (this.records = undefined);
    for (const informer of [this.services, this.tasks] as const) informer.addEventHandler({ onAdd: stale, onUpdate: stale, onDelete: stale });
    this.server = new DnsServer({
      address: options.address,
      port: options.port,
      records: () => this.current(),
      ...(options.upstreams ? { upstreams: options.upstreams } : {}),
      log,
    });
  }

  /** Binds the DNS server first (a taken address fails the agent's start at once), then syncs the informers. */
  async start(signal: AbortSignal): Promise<{ address: string; port: number }> {
    const bound = await this.server.start();
    this.services.start();
    this.tasks.start();
    await Promise.all([this.services.waitForSync(signal), this.tasks.waitForSync(signal)]);
    return bound;
  }

  async stop(): Promise<void> {
    this.services.stop();
    this.tasks.stop();
    await this.server.stop();
  }

  /** The records as of the informers' caches now. */
  current(): DiscoveryRecords {
    if (this.records) return this.records;
    const records = buildRecords(this.services.list(), this.tasks.list());
    for (const p of records.problems) {
      const key = `${p.service}: ${p.message}`;
      if (this.reported.has(key)) continue;
      this.reported.add(key);
      this.options.log.warn({ service: p.service }, `service discovery: ${p.message}`);
    }
    this.records = records;
    return records;
  }
}

/** The client, reading tasks in the `discovery` view (what an agent token may read of other instances' tasks). */
function discoveryView(client: Pick<BerthClient, 'list' | 'watch'>): Pick<BerthClient, 'list' | 'watch'> {
  return {
    list: (kind, options) => client.list(kind, { ...options, view: 'discovery' }),
    watch: (kind, options) => client.watch(kind, { ...options, view: 'discovery' }),
  };
}
