/**
 * `berth agent --server URL --token T --cluster C [--name N] [--attribute k=v …] [--cpu N --memory MiB]
 * [--docker-host unix:///…] [--logs-listen HOST:PORT] [--advertise-address URL] [--metrics-listen HOST:PORT]`: the agent of one
 * container instance. It talks to the API only (with an agent token from
 * `POST …/containerinstances/{name}/token`), runs that instance's tasks on the local Docker engine,
 * and serves their logs to the API server (`berth logs`). SIGINT/SIGTERM stop it gracefully and
 * leave the containers running: a restarted agent adopts them.
 */
import { Command } from 'commander';
import { runLazy } from './global-options.js';
import { DEFAULT_LOGS_LISTEN } from '../../controllers/agent/log-address.js';
import { DNS_ADDRESS_HELP, DNS_UPSTREAM_HELP, HOST_ADDRESS_HELP, STATS_INTERVAL_HELP, type AgentFlags } from './agent-flags.js';
import { agentTokenCommand } from './agent-token.js';

export { AgentFlagError, agentSettings, dockerConnection, parseAttribute, type AgentFlags } from './agent-flags.js';

export function agentCommand(): Command {
  return new Command('agent')
    .description('Run the agent of one container instance: registers it, then runs its tasks on the local Docker engine')
    .option('--server <url>', 'API server URL (or BERTH_SERVER)')
    .option('--token <token>', 'agent token of this instance (or BERTH_TOKEN)')
    .option('--ca-file <file>', 'PEM CA of the server certificate (or BERTH_CA)')
    .option('--cluster <name>', 'the cluster to join (default: the config file\'s, else "default")')
    .option('--name <name>', 'the container instance name (default: this hostname)')
    .option('--attribute <name=value>', 'a custom attribute (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .option('--cpu <units>', 'CPU units offered to tasks (default: CPUs × 1024)')
    .option('--memory <MiB>', "memory offered to tasks, in MiB (default: the engine's total)")
    .option('--gpus <n>', 'GPUs offered to tasks that ask for them (default: none)')
    .option('--sandbox-image <image>', "the image that holds an awsvpc task's network namespace; must be on the engine (default: berth.local/busybox:1)")
    .option('--local-log-driver <driver>', 'json-file or local: what containers asking for awslogs, splunk, … log to (default: json-file)')
    .option('--docker-host <url>', 'Docker engine, unix:///path or tcp://host:port (default: DOCKER_HOST or /var/run/docker.sock)')
    .option('--logs-listen <host:port>', 'where the agent serves container logs to the API server (`berth logs`)', DEFAULT_LOGS_LISTEN)
    .option('--advertise-address <url|host>', "the log address to register for the API server to call (default: this machine's address toward the server)")
    .option('--no-logs', 'serve no container logs (`berth logs` will not work for this instance)')
    .option('--dns-address <ip[:port]>', DNS_ADDRESS_HELP)
    .option('--host-address <ip>', HOST_ADDRESS_HELP)
    .option('--dns-upstream <ip[:port]>', DNS_UPSTREAM_HELP, (v: string, all: string[]) => [...all, v], [])
    .option('--stats-interval <duration>', STATS_INTERVAL_HELP)
    .option('--metrics-listen <host:port>', "serve the agent's Prometheus /metrics here, to a scrape token (berth token create --role scrape) or an admin")
    .addCommand(agentTokenCommand())
    .action((flags: AgentFlags) => runLazy(() => import('./actions/agent.js'), flags));
}
