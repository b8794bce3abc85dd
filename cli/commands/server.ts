/**
 * `berth server --etcd URL`: an API server and controller manager over a shared etcd. Run several
 * for high availability: every replica serves the API, and leader election lets exactly one run
 * the controllers at a time.
 */
import { Command } from 'commander';
import { runLazy } from './global-options.js';
import { addServeOptions, type ServeFlags } from './serve-options.js';

export function serverCommand(): Command {
  return addServeOptions(new Command('server').description('Run an API server + controller replica against etcd (several for HA)')).action(
    (flags: ServeFlags) => runLazy(() => import('../../cmd/server.js'), flags),
  );
}
