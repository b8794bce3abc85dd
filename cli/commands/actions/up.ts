/** `berth up`: control plane + local agent in one process until SIGINT/SIGTERM. */
import { hostname } from 'node:os';
import Docker from 'dockerode';
import { LocalClient } from '../../../api/client/local-client.js';
import { rootLogger } from '../../../api/log.js';
import { DEFAULT_CLUSTER } from '../../../api/v1/meta.js';
import { Agent } from '../../../controllers/agent/agent.js';
import { DockerRuntime } from '../../../controllers/agent/runtime/docker.js';
import { builtinControllers } from '../../../controllers/builtin.js';
import { configPath, writeConfigFile } from '../../config.js';
import { startControlPlane } from '../../process/control-plane.js';
import { applyHeapGrowth } from '../../process/heap-growth.js';
import { stopOnSignal } from '../../process/until-signal.js';
import { dockerConnection, parseAttribute } from '../agent-flags.js';
import { toControlPlaneOptions } from '../serve-options.js';
import type { UpFlags } from '../up.js';
import { startLocalLb } from './up-lb.js';

export default async function runUp(flags: UpFlags): Promise<number> {
  applyHeapGrowth();
  const log = rootLogger;
  const attributes = Object.fromEntries(flags.attribute.map(parseAttribute));
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
      log,
    });
    // Not awaited: the agent waits for a Docker engine that is not up yet, and the API should
    // serve meanwhile (`berth get ci` shows the instance once it registers).
    agent.start().catch((err: unknown) => log.error({ err }, 'local agent failed to start'));
  }
  const lb = flags.lb ? await startLocalLb(plane.resources, log) : undefined;
  const file = configPath();
  writeConfigFile(file, { server: plane.url, token: plane.adminToken, ...(plane.caFile ? { caFile: plane.caFile } : {}) });
  const agentNote = agent ? `; local agent: instance ${agent.instanceName}` : '';
  process.stdout.write(`berth is up at ${plane.url} (store: ${plane.storeDescription}${agentNote}); CLI config written to ${file}\n`);
  if (plane.caFile)
    process.stdout.write(`serving https with a certificate signed by berth's CA ${plane.caFile}: clients elsewhere trust it with --ca-file or BERTH_CA\n`);
  await stopOnSignal(async () => {
    await lb?.stop();
    await agent?.stop();
    await plane.stop();
  }, log);
  return 0;
}
