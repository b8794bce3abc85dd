/**
 * `berth up`: everything for one machine in one process — API server, controllers and an agent for
 * the local Docker engine — over the embedded store, or etcd with --etcd. It writes the server
 * address and admin token to ~/.berth/config so `berth …` on this machine needs no flags.
 */
import { hostname } from 'node:os';
import { Command } from 'commander';
import Docker from 'dockerode';
import { LocalClient } from '../../api/client/local-client.js';
import { rootLogger } from '../../api/log.js';
import { DEFAULT_CLUSTER } from '../../api/v1/meta.js';
import { Agent } from '../../controllers/agent/agent.js';
import { DockerRuntime } from '../../controllers/agent/runtime/docker.js';
import { builtinControllers } from '../../controllers/builtin.js';
import { configPath, writeConfigFile } from '../config.js';
import { startControlPlane } from '../process/control-plane.js';
import { stopOnSignal } from '../process/until-signal.js';
import { dockerConnection, parseAttribute } from './agent.js';
import { addServeOptions, toControlPlaneOptions, type ServeFlags } from './serve-options.js';

interface UpFlags extends ServeFlags {
  agent: boolean;
  dockerHost?: string;
  instanceName?: string;
  attribute: string[];
}

export function upCommand(): Command {
  return addServeOptions(new Command('up').description('Run berth on this machine: API server, controllers and the local agent'))
    .option('--no-agent', 'do not run an agent for the local Docker engine')
    .option('--docker-host <url>', 'Docker engine of the local agent (default: DOCKER_HOST or /var/run/docker.sock)')
    .option('--instance-name <name>', 'the local container instance name (default: this hostname)')
    .option('--attribute <name=value>', 'a custom attribute of the local instance (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .action(async (flags: UpFlags) => {
      const log = rootLogger;
      const attributes = Object.fromEntries(flags.attribute.map(parseAttribute));
      const plane = await startControlPlane({ ...toControlPlaneOptions(flags), controllers: builtinControllers(), log });
      let agent: Agent | undefined;
      if (flags.agent) {
        const docker = dockerConnection(flags.dockerHost);
        agent = new Agent({
          // In-process: the agent uses the API in-process, as controllers do; remote agents use HTTP.
          client: new LocalClient(plane.resources),
          runtime: new DockerRuntime({ ...(docker ? { docker: new Docker(docker) } : {}), log }),
          cluster: DEFAULT_CLUSTER,
          instanceName: flags.instanceName ?? hostname(),
          attributes,
          log,
        });
        // Not awaited: the agent waits for a Docker engine that is not up yet, and the API should
        // serve meanwhile (`berth get ci` shows the instance once it registers).
        agent.start().catch((err: unknown) => log.error({ err }, 'local agent failed to start'));
      }
      const file = configPath();
      writeConfigFile(file, { server: plane.url, token: plane.adminToken });
      const agentNote = agent ? `; local agent: instance ${agent.instanceName}` : '';
      process.stdout.write(`berth is up at ${plane.url} (store: ${plane.storeDescription}${agentNote}); CLI config written to ${file}\n`);
      await stopOnSignal(async () => {
        await agent?.stop();
        await plane.stop();
      }, log);
    });
}
