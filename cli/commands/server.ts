/**
 * `berth server --etcd URL`: an API server and controller manager over a shared etcd. Run several
 * for high availability: every replica serves the API, and leader election lets exactly one run
 * the controllers at a time.
 */
import { Command } from 'commander';
import { rootLogger } from '../../api/log.js';
import { builtinControllers } from '../../controllers/builtin.js';
import { startControlPlane } from '../process/control-plane.js';
import { stopOnSignal } from '../process/until-signal.js';
import { addServeOptions, toControlPlaneOptions, type ServeFlags } from './serve-options.js';

export function serverCommand(): Command {
  return addServeOptions(new Command('server').description('Run an API server + controller replica against etcd (several for HA)')).action(
    async (flags: ServeFlags) => {
      const options = toControlPlaneOptions(flags);
      if (options.etcdEndpoints.length === 0) throw new Error('berth server needs --etcd URL[,URL…]; for a single machine use `berth up`');
      const plane = await startControlPlane({ ...options, controllers: builtinControllers(), log: rootLogger });
      process.stdout.write(`berth server is up at ${plane.url} (store: ${plane.storeDescription})\n`);
      await stopOnSignal(() => plane.stop(), rootLogger);
    },
  );
}
