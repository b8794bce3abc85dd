/**
 * `berth lb --server URL --token-file F [--cluster C] [--bind ADDR] [--dir D] [--haproxy PATH]`:
 * runs HAProxy as the data plane of a cluster's LoadBalancers, on any host that reaches the API and
 * the instances' host ports (controllers/lb/proxy). SIGINT/SIGTERM stop HAProxy.
 */
import { Command } from 'commander';
import { runLazy } from './global-options.js';

export interface LbFlags {
  server?: string;
  token?: string;
  tokenFile?: string;
  caFile?: string;
  cluster?: string;
  bind: string;
  dir?: string;
  haproxy: string;
  name?: string;
}

export function lbCommand(): Command {
  return new Command('lb')
    .description("Run HAProxy as the data plane of a cluster's load balancers (listeners, target groups, health checks, draining)")
    .option('--server <url>', 'API server URL (or BERTH_SERVER)')
    .option('--token <token>', 'API token (or BERTH_TOKEN); prefer --token-file')
    .option('--token-file <file>', 'a file holding the API token')
    .option('--ca-file <file>', 'PEM CA of the server certificate (or BERTH_CA)')
    .option('--cluster <name>', 'the cluster whose load balancers to serve (default: the config file\'s, else "default")')
    .option('--bind <address>', 'the address listeners bind to', '0.0.0.0')
    .option('--dir <dir>', 'where the HAProxy config, sockets and state live (default: a new temporary directory)')
    .option('--haproxy <path>', 'the haproxy binary (2.6 or newer)', 'haproxy')
    .option('--name <name>', "this proxy's name in target health reports (default: this hostname)")
    .action((flags: LbFlags) => runLazy(() => import('./actions/lb.js'), flags));
}
