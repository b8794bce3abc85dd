/**
 * `berth up`: everything for one machine in one process — API server, controllers and (soon) an
 * agent for the local Docker engine — over the embedded store, or etcd with --etcd. It writes the
 * server address and admin token to ~/.berth/config so `berth …` on this machine needs no flags.
 */
import { Command } from 'commander';
import { rootLogger } from '../../api/log.js';
import { builtinControllers } from '../../controllers/builtin.js';
import { configPath, writeConfigFile } from '../config.js';
import { startControlPlane } from '../process/control-plane.js';
import { stopOnSignal } from '../process/until-signal.js';
import { addServeOptions, toControlPlaneOptions, type ServeFlags } from './serve-options.js';

export function upCommand(): Command {
  return addServeOptions(new Command('up').description('Run berth on this machine: API server, controllers and the local agent')).action(
    async (flags: ServeFlags) => {
      const log = rootLogger;
      const plane = await startControlPlane({ ...toControlPlaneOptions(flags), controllers: builtinControllers(), log });
      const file = configPath();
      writeConfigFile(file, { server: plane.url, token: plane.adminToken });
      process.stdout.write(`berth is up at ${plane.url} (store: ${plane.storeDescription}); CLI config written to ${file}\n`);
      await stopOnSignal(() => plane.stop(), log);
    },
  );
}
