/**
 * A child process of the scale benchmark, so the control plane's memory is its own:
 *
 *   BENCH_NODE='{"role":"server",...}' node dist/hack/bench-node.js   the control plane (API server
 *       + built-in controllers) on etcd or the embedded store; with `fleet` > 0 the simulated
 *       agents run on a worker thread of this process, over a PortStore (the embedded store cannot
 *       be shared between processes);
 *   BENCH_NODE='{"role":"fleet",...}'  node dist/hack/bench-node.js   simulated agents only, on
 *       their own client of the same etcd (LocalClient over a ResourceStore).
 *
 * Prints one line `READY {json}` when up and stops gracefully on SIGTERM.
 */
import { z } from 'zod';
import { pino } from 'pino';
import { LocalClient } from '../api/client/local-client.js';
import { ResourceStore } from '../api/usecases/resources/resource-store.js';
import { EtcdStore } from '../api/store/etcd.js';
import { namespaced } from '../api/store/namespaced.js';
import { builtinControllers } from '../controllers/builtin.js';
import { startControlPlane } from '../cmd/control-plane.js';
import { applyHeapGrowth } from '../cmd/heap-growth.js';
import { stopOnSignal } from '../cmd/until-signal.js';
import { startFleet } from './bench-fleet.js';
import { startFleetThread } from './bench-fleet-thread.js';

// The bench holds this process's stdin open: when the bench dies (killed, timed out), stdin ends
// and this process goes too, instead of burning both cores under the next run.
process.stdin.on('end', () => process.exit(1));
process.stdin.resume();

export const NodeConfig = z.object({
  role: z.enum(['server', 'fleet']),
  /** Absent: the embedded store in dataDir. */
  etcdEndpoint: z.string().optional(),
  etcdPrefix: z.string().default(''),
  dataDir: z.string(),
  cluster: z.string(),
  fleet: z.number().int().min(0).default(0),
});
export type NodeConfig = z.infer<typeof NodeConfig>;

const log = pino({ name: 'berth-bench', level: process.env.BERTH_LOG_LEVEL ?? 'warn' });

async function main(): Promise<void> {
  const config = NodeConfig.parse(JSON.parse(process.env.BENCH_NODE ?? '{}'));
  if (config.role === 'server') {
    // As `berth server` does. Not when this process also hosts the 1,000 simulated agents (the
    // embedded store's run): that is a harness standing in for 1,000 agent processes, not a shape any
    // berth process has, so it keeps V8's default like the separate fleet process.
    if (config.fleet === 0) applyHeapGrowth();
    const plane = await startControlPlane({
      dataDir: config.dataDir,
      host: '127.0.0.1',
      port: 0,
      etcdEndpoints: config.etcdEndpoint ? [config.etcdEndpoint] : [],
      etcdPrefix: config.etcdPrefix,
      controllers: builtinControllers(),
      log,
    });
    await plane.resources.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: config.cluster }, spec: {} }).catch(() => undefined); // already there
    // The embedded store cannot be shared with a fleet process: the fleet gets a thread of this one.
    const fleet = config.fleet > 0 ? await startFleetThread(plane.store, { cluster: config.cluster, instances: config.fleet }) : undefined;
    process.stdout.write(`READY ${JSON.stringify({ url: plane.url, token: plane.adminToken })}\n`);
    await stopOnSignal(async () => {
      await fleet?.stop();
      await plane.stop();
    }, log);
    return;
  }
  if (!config.etcdEndpoint) throw new Error('bench-node: a separate fleet process needs etcd (the embedded store is not shared between processes)');
  const etcd = new EtcdStore({ endpoints: [config.etcdEndpoint], log });
  const store = namespaced(etcd, config.etcdPrefix);
  const fleet = await startFleet({ client: new LocalClient(new ResourceStore(store)), cluster: config.cluster, instances: config.fleet, log });
  process.stdout.write(`READY ${JSON.stringify({ instances: fleet.agents.length })}\n`);
  await stopOnSignal(async () => {
    await fleet.stop();
    await store.close();
  }, log);
}

await main();
process.exit(0);
