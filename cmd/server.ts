/** `berth server`: an API server + controller replica over etcd until SIGINT/SIGTERM. */
import { rootLogger } from '../api/log.js';
import { builtinControllers } from '../controllers/builtin.js';
import { startControlPlane } from './control-plane.js';
import { applyHeapGrowth } from './heap-growth.js';
import { stopOnSignal } from './until-signal.js';
import { toControlPlaneOptions, type ServeFlags } from '../cli/commands/serve-options.js';

export default async function runServer(flags: ServeFlags): Promise<number> {
  applyHeapGrowth();
  const options = toControlPlaneOptions(flags);
  if (options.etcdEndpoints.length === 0) throw new Error('berth server needs --etcd URL[,URL…]; for a single machine use `berth up`');
  const plane = await startControlPlane({ ...options, controllers: builtinControllers(), log: rootLogger });
  process.stdout.write(`berth server is up at ${plane.url} (store: ${plane.storeDescription})\n`);
  if (plane.caFile)
    process.stdout.write(`serving https with a certificate signed by berth's CA ${plane.caFile}: clients trust it with --ca-file or BERTH_CA\n`);
  await stopOnSignal(() => plane.stop(), rootLogger);
  return 0;
}
