/** `berth up`: control plane + local agent in one process until SIGINT/SIGTERM. */
import { isIPv4 } from 'node:net';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import Docker from 'dockerode';
import { LocalClient } from '../api/client/local-client.js';
import { rootLogger } from '../api/log.js';
import { DEFAULT_CLUSTER } from '../api/v1/meta.js';
import { Agent } from '../controllers/agent/agent.js';
import { DockerRuntime } from '../controllers/agent/runtime/docker.js';
import { builtinControllers } from '../controllers/builtin.js';
import { adminTokenPath } from '../api/auth/admin-token.js';
import { configPath, installationContextName, readConfigForEdit, writeConfigFile } from '../cli/config.js';
import { addInstallation } from '../cli/contexts.js';
import { parseDuration } from '../cli/duration.js';
import { startControlPlane } from './control-plane.js';
import { applyHeapGrowth } from './heap-growth.js';
import { stopOnSignal } from './until-signal.js';
import { AgentFlagError, discoverySettings, dockerConnection, parseAttribute } from '../cli/commands/agent-flags.js';
import { parseDnsAddress } from '../controllers/agent/options.js';
import { toControlPlaneOptions } from '../cli/commands/serve-options.js';
import type { UpFlags } from '../cli/commands/up.js';
import { startLocalLb } from './up-lb.js';

export default async function runUp(flags: UpFlags): Promise<number> {
  applyHeapGrowth();
  const log = rootLogger;
  const attributes = Object.fromEntries(flags.attribute.map(parseAttribute));
  const discovery = discoverySettings(flags);
  // Checked before anything starts: the agent itself checks them only once the control plane runs.
  if (discovery.dnsAddress !== undefined) parseDnsAddress(discovery.dnsAddress);
  if (discovery.hostAddress !== undefined && !isIPv4(discovery.hostAddress))
    throw new AgentFlagError(`--host-address "${discovery.hostAddress}" is not an IPv4 address; give the address other instances reach this one at`);
  // Read before anything starts: a broken config file is reported with nothing left running.
  const file = configPath();
  const config = readConfigForEdit(file);
  const plane = await startControlPlane({ ...toControlPlaneOptions(flags), controllers: builtinControllers(), log });
  let agent: Agent | undefined;
  if (flags.agent) {
    const docker = dockerConnection(flags.dockerHost);
    agent = new Agent({
      // In-process: the agent uses the API in-process, as controllers do; remote agents use HTTP.
      client: new LocalClient(plane.resources),
      runtime: new DockerRuntime({ ...(docker?.socketPath ? { socketPath: docker.socketPath } : docker ? { docker: new Docker(docker) } : {}), log }),
      cluster: DEFAULT_CLUSTER,
      instanceName: flags.instanceName ?? hostname(),
      attributes,
      // Logs are read by the API server in this same process: loopback, a free port; tokens are
      // checked against the server's own registry.
      logsListen: '127.0.0.1:0',
      identifyCaller: (token) => plane.tokens.authenticate(token),
      // The process's registry: /metrics shows the agent's container starts with the rest.
      registry: plane.registry,
      ...discovery,
      ...(flags.statsInterval !== undefined ? { statsIntervalMs: parseDuration(flags.statsInterval, '--stats-interval') } : {}),
      log,
    });
    // Not awaited: the agent waits for a Docker engine that is not up yet, and the API should
    // serve meanwhile (`berth get ci` shows the instance once it registers).
    agent.start().catch((err: unknown) => log.error({ err }, 'local agent failed to start'));
  }
  const lb = flags.lb ? await startLocalLb(plane.resources, log) : undefined;
  // Its own context only: another installation's context, current or not, is left as it is.
  const added = addInstallation(
    config,
    {
      name: flags.contextName ?? installationContextName(flags.dataDir),
      server: plane.url,
      ...(plane.caFile ? { caFile: plane.caFile } : {}),
      tokenFile: resolve(adminTokenPath(flags.dataDir)),
      token: plane.adminToken,
    },
    flags.useContext ?? false,
  );
  writeConfigFile(file, added.file);
  const agentNote = agent ? `; local agent: instance ${agent.instanceName}` : '';
  const contextNote = added.current
    ? `context "${added.name}" (current)`
    : `context "${added.name}" (not current: \`berth config use-context ${added.name}\` or --context ${added.name})`;
  process.stdout.write(`berth is up at ${plane.url} (store: ${plane.storeDescription}${agentNote}); CLI config written to ${file}, ${contextNote}\n`);
  if (plane.caFile)
    process.stdout.write(`serving https with a certificate signed by berth's CA ${plane.caFile}: clients elsewhere trust it with --ca-file or BERTH_CA\n`);
  await stopOnSignal(async () => {
    await lb?.stop();
    await agent?.stop();
    await plane.stop();
  }, log);
  return 0;
}
