/**
 * `berth agent --server URL --token T --cluster C [--name N] [--attribute k=v …] [--cpu N --memory MiB]
 * [--docker-host unix:///…]`: the agent of one container instance. It talks to the API only (with an
 * agent token from `POST …/containerinstances/{name}/token`) and runs that instance's tasks on the
 * local Docker engine. SIGINT/SIGTERM stop it gracefully and leave the containers running: a
 * restarted agent adopts them.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { Command } from 'commander';
import Docker from 'dockerode';
import { HttpClient } from '../../api/client/http-client.js';
import { rootLogger } from '../../api/log.js';
import { Name } from '../../api/v1/meta.js';
import { Agent } from '../../controllers/agent/agent.js';
import type { AgentOptions } from '../../controllers/agent/options.js';
import { DockerRuntime } from '../../controllers/agent/runtime/docker.js';
import { resolveConnection, type ConnectionFlags } from '../config.js';
import { stopOnSignal } from '../process/until-signal.js';

export interface AgentFlags extends ConnectionFlags {
  cluster?: string;
  name?: string;
  attribute: string[];
  cpu?: string;
  memory?: string;
  dockerHost?: string;
}

export class AgentFlagError extends Error {
  override readonly name = 'AgentFlagError';
  readonly retriable = false;
}

/** `k=v` → [k, v]; the value may itself hold "=". */
export function parseAttribute(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new AgentFlagError(`--attribute "${text}" is not NAME=VALUE; e.g. --attribute stack=prod`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new AgentFlagError(`--${flag} "${text}" must be a whole number >= 1`);
  return n;
}

/** `unix:///var/run/docker.sock` or `tcp://host:2375` → dockerode's connection options. */
export function dockerConnection(dockerHost: string | undefined): Docker.DockerOptions | undefined {
  if (dockerHost === undefined || dockerHost === '') return undefined;
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  if (dockerHost.startsWith('tcp://')) {
    const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
    return { host: url.hostname, port: Number(url.port || 2375), protocol: 'http' };
  }
  if (dockerHost.startsWith('/')) return { socketPath: dockerHost };
  throw new AgentFlagError(`--docker-host "${dockerHost}" must be unix:///path/to/docker.sock or tcp://host:port`);
}

/** The agent's options from the flags, without the client and runtime (pure, for tests). */
export function agentSettings(flags: AgentFlags, defaultCluster: string | undefined): Omit<AgentOptions, 'client' | 'runtime'> {
  const cluster = flags.cluster ?? defaultCluster ?? 'default';
  const name = flags.name ?? hostname();
  for (const [flag, value] of [['cluster', cluster], ['name', name]] as const)
    if (!Name.safeParse(value).success) throw new AgentFlagError(`--${flag} "${value}" is not a valid name (letters, digits, "-", "_", ".", ":")`);
  const cpu = positiveInt('cpu', flags.cpu);
  const memory = positiveInt('memory', flags.memory);
  return {
    cluster,
    instanceName: name,
    attributes: Object.fromEntries(flags.attribute.map(parseAttribute)),
    ...(cpu !== undefined || memory !== undefined ? { resources: { ...(cpu !== undefined ? { cpu } : {}), ...(memory !== undefined ? { memory } : {}) } } : {}),
  };
}

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
    .option('--memory <MiB>', 'memory offered to tasks, in MiB (default: the engine\'s total)')
    .option('--docker-host <url>', 'Docker engine, unix:///path or tcp://host:port (default: DOCKER_HOST or /var/run/docker.sock)')
    .action(async (flags: AgentFlags) => {
      const connection = resolveConnection(flags);
      const settings = agentSettings(flags, connection.cluster);
      const log = rootLogger;
      const client = new HttpClient({
        server: connection.server,
        ...(connection.token ? { token: connection.token } : {}),
        ...(connection.caFile ? { ca: readFileSync(connection.caFile) } : {}),
        log,
      });
      const docker = dockerConnection(flags.dockerHost);
      const runtime = new DockerRuntime({ ...(docker ? { docker: new Docker(docker) } : {}), log });
      const agent = new Agent({ ...settings, client, runtime, log });
      await agent.start();
      process.stdout.write(`berth agent of ${agent.cluster}/${agent.instanceName} is running against ${connection.server}\n`);
      await stopOnSignal(async () => {
        await agent.stop();
        client.close();
      }, log);
    });
}
