/**
 * `berth up`: everything for one machine in one process — API server, controllers and an agent for
 * the local Docker engine — over the embedded store, or etcd with --etcd. It adds its own context
 * (server, CA, admin token file) to ~/.berth/config, current when none is, so `berth …` on this
 * machine needs no flags; another installation's context is never overwritten. `--dns-address` makes
 * the local agent serve service discovery DNS, as `berth agent`'s does.
 */
import { Command } from 'commander';
import { DNS_ADDRESS_HELP, DNS_UPSTREAM_HELP, HOST_ADDRESS_HELP, STATS_INTERVAL_HELP, type DiscoveryFlags } from './agent-flags.js';
import { runLazy } from './global-options.js';
import { addServeOptions, type ServeFlags } from './serve-options.js';

export interface UpFlags extends ServeFlags, DiscoveryFlags {
  agent: boolean;
  dockerHost?: string;
  instanceName?: string;
  attribute: string[];
  contextName?: string;
  useContext?: boolean;
  statsInterval?: string;
  /** Run `berth lb` in process when haproxy is installed (--no-lb: not). */
  lb: boolean;
}

export function upCommand(): Command {
  // --dns-address has no default: the README's "Service discovery" says why.
  return addServeOptions(new Command('up').description('Run berth on this machine: API server, controllers and the local agent'))
    .option('--no-agent', 'do not run an agent for the local Docker engine')
    .option('--docker-host <url>', 'Docker engine of the local agent (default: DOCKER_HOST or /var/run/docker.sock)')
    .option('--instance-name <name>', 'the local container instance name (default: this hostname)')
    .option('--context-name <name>', "name of this installation's context in the CLI config (default: local for the default data dir, else its name)")
    .option('--use-context', 'make its context the current one even when another is (default: only when none is)')
    .option('--attribute <name=value>', 'a custom attribute of the local instance (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .option('--stats-interval <duration>', STATS_INTERVAL_HELP)
    .option('--dns-address <ip[:port]>', `local agent: ${DNS_ADDRESS_HELP}`)
    .option('--host-address <ip>', `local agent: ${HOST_ADDRESS_HELP}`)
    .option('--dns-upstream <ip[:port]>', `local agent: ${DNS_UPSTREAM_HELP}`, (v: string, all: string[]) => [...all, v], [])
    .option('--no-lb', "do not serve the cluster's load balancers through HAProxy (started when haproxy is installed)")
    .action((flags: UpFlags) => runLazy(() => import('../../cmd/up.js'), flags));
}
