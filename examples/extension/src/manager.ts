/** Both controllers under one Manager, electing a leader on the Lease `example-extension` through the API. */
import { Manager, type BerthClient, type Clock } from 'berth/kit';
import { failedTasks } from './failed-tasks.js';
import { minReplicas } from './min-replicas.js';

export interface ExtensionOptions {
  /** This replica's name in the Lease (default host:pid). */
  identity?: string;
  /** How long a silent leader keeps the Lease (default 15 s). */
  ttlSeconds?: number;
  clock?: Clock;
}

export function extensionManager(client: BerthClient, options: ExtensionOptions = {}): Manager {
  return new Manager({
    client,
    ...(options.clock ? { clock: options.clock } : {}),
    election: { name: 'example-extension', identity: options.identity, ttlSeconds: options.ttlSeconds },
  })
    .add(minReplicas)
    .add(failedTasks);
}
