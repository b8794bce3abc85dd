/**
 * The simulated fleet on a worker thread of the process that owns the embedded store: the 1,000
 * agents reach the store through a PortStore (hack/store-over-port.ts), as the etcd run's fleet
 * process reaches etcd through its client. The control plane keeps its thread to itself in both
 * runs, which is what the comparison of the two stores needs.
 *
 *   const fleet = await startFleetThread(store, { cluster, instances }); … await fleet.stop();
 */
import { MessageChannel, MessagePort, Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { z } from 'zod';
import { LocalClient } from '../api/client/local-client.js';
import { ResourceStore } from '../api/usecases/resources/resource-store.js';
import type { Store } from '../api/store/types.js';
import { startFleet } from './bench-fleet.js';
import { PortStore, serveStore } from './store-over-port.js';

const FleetThreadConfig = z.object({ cluster: z.string(), instances: z.number().int().positive() });
type FleetThreadConfig = z.infer<typeof FleetThreadConfig>;

/** Parent ↔ worker control messages (the store has a port of its own). */
const Control = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), instances: z.number() }),
  z.object({ type: z.literal('stopped') }),
  z.object({ type: z.literal('failed'), message: z.string() }),
]);

export interface FleetThread {
  instances: number;
  stop(): Promise<void>;
}

/** Start the fleet on a worker thread, answering its store calls with `store` on this thread. */
export async function startFleetThread(store: Store, config: FleetThreadConfig): Promise<FleetThread> {
  const { port1, port2 } = new MessageChannel();
  serveStore(store, port1);
  const worker = new Worker(new URL(import.meta.url), { workerData: { config, store: port2 }, transferList: [port2] });
  const next = () =>
    new Promise<z.infer<typeof Control>>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the fleet thread exited with ${code} before answering`));
      worker.once('exit', onExit);
      worker.once('error', reject);
      worker.once('message', (m: unknown) => {
        worker.off('exit', onExit);
        worker.off('error', reject);
        resolve(Control.parse(m));
      });
    });
  const ready = await next();
  if (ready.type !== 'ready') throw new Error(`the fleet thread did not start: ${ready.type === 'failed' ? ready.message : ready.type}`);
  return {
    instances: ready.instances,
    async stop() {
      const stopped = next();
      worker.postMessage('stop');
      await stopped.catch(() => undefined);
      await worker.terminate();
      port1.close();
    },
  };
}

async function runInWorker(port: MessagePort, config: FleetThreadConfig, parent: MessagePort): Promise<void> {
  const log = pino({ name: 'berth-bench-fleet', level: process.env.BERTH_LOG_LEVEL ?? 'warn' });
  const store = new PortStore(port);
  const fleet = await startFleet({ client: new LocalClient(new ResourceStore(store)), cluster: config.cluster, instances: config.instances, log });
  parent.once('message', () => {
    void (async () => {
      await fleet.stop();
      await store.close();
      parent.postMessage({ type: 'stopped' });
    })();
  });
  parent.postMessage({ type: 'ready', instances: fleet.agents.length });
}

if (!isMainThread && parentPort) {
  const parent = parentPort;
  const data = z.object({ config: FleetThreadConfig, store: z.instanceof(MessagePort) }).parse(workerData);
  runInWorker(data.store, data.config, parent).catch((e: unknown) =>
    parent.postMessage({ type: 'failed', message: e instanceof Error ? e.message : String(e) }),
  );
}
