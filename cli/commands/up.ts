/**
 * `berth up`: everything for one machine in one process — API server, controllers and an agent for
 * the local Docker engine — over the embedded store, or etcd with --etcd. It writes the server
 * address and admin token to ~/.berth/config so `berth …` on this machine needs no flags.
 */
import { Command } from 'commander';
import { runLazy } from './global-options.js';
import { addServeOptions, type ServeFlags } from './serve-options.js';

export interface UpFlags extends ServeFlags {
  agent: boolean;
  dockerHost?: string;
  instanceName?: string;
  attribute: string[];
  /** Run `berth lb` in process when haproxy is installed (--no-lb: not). */
  lb: boolean;
}

export function upCommand(): Command {
  return addServeOptions(new Command('up').description('Run berth on this machine: API server, controllers and the local agent'))
    .option('--no-agent', 'do not run an agent for the local Docker engine')
    .option('--docker-host <url>', 'Docker engine of the local agent (default: DOCKER_HOST or /var/run/docker.sock)')
    .option('--instance-name <name>', 'the local container instance name (default: this hostname)')
    .option('--attribute <name=value>', 'a custom attribute of the local instance (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .option('--no-lb', "do not serve the cluster's load balancers through HAProxy (started when haproxy is installed)")
    .action((flags: UpFlags) => runLazy(() => import('./actions/up.js'), flags));
}
