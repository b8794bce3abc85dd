/** `berth agent`: run the agent of one container instance until SIGINT/SIGTERM. */
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { HttpClient } from '../../../api/client/http-client.js';
import { identifyViaApi, metricsReaderViaApi } from '../../../api/client/identify.js';
import { rootLogger } from '../../../api/log.js';
import { Agent } from '../../../controllers/agent/agent.js';
import { DockerRuntime } from '../../../controllers/agent/runtime/docker.js';
import { MetricsServer } from '../../../controllers/agent/metrics-server.js';
import { Registry } from 'prom-client';
import { resolveConnection } from '../../config.js';
import { parseLogsListen } from '../../../controllers/agent/log-address.js';
import { localAddressToward } from '../../../cmd/route-address.js';
import { stopOnSignal } from '../../../cmd/until-signal.js';
import { agentSettings, dockerConnection, type AgentFlags } from '../agent-flags.js';

export default async function runAgent(flags: AgentFlags): Promise<number> {
  const connection = resolveConnection(flags);
  const settings = agentSettings(flags, connection.cluster);
  const log = rootLogger;
  const ca = connection.caFile ? readFileSync(connection.caFile) : undefined;
  const client = new HttpClient({
    server: connection.server,
    ...(connection.token ? { token: connection.token } : {}),
    ...(ca ? { ca } : {}),
    log,
  });
  if (settings.logsListen !== undefined) {
    // Log callers' tokens are judged by the API server; the address registered for it to call is
    // the one this machine reaches the server from, unless the operator says otherwise.
    settings.identifyCaller = identifyViaApi({ server: connection.server, ...(ca ? { ca } : {}) });
    const listenHost = parseLogsListen(settings.logsListen).host;
    if (settings.advertiseAddress === undefined && ['0.0.0.0', '::', ''].includes(listenHost)) {
      const local = await localAddressToward(connection.server);
      if (local !== undefined) settings.advertiseAddress = local;
    }
  }
  const docker = dockerConnection(flags.dockerHost);
  // A socket is this machine's engine, whose cgroups the agent can make task cgroups in (a TCP one's it cannot).
  const runtime = new DockerRuntime({ ...(docker?.socketPath ? { socketPath: docker.socketPath } : docker ? { docker: new Docker(docker) } : {}), log });
  // --metrics-listen: the agent counts its container starts in a registry of its own and serves it.
  const registry = flags.metricsListen !== undefined ? new Registry() : undefined;
  const metrics =
    registry && flags.metricsListen !== undefined
      ? new MetricsServer({
          listen: flags.metricsListen,
          registry,
          mayRead: metricsReaderViaApi({ server: connection.server, ...(ca ? { ca } : {}) }),
          log,
          now: () => Date.now(),
        })
      : undefined;
  const agent = new Agent({ ...settings, ...(registry ? { registry } : {}), client, runtime, log });
  await agent.start();
  const metricsAddress = await metrics?.start();
  if (metricsAddress !== undefined) process.stdout.write(`berth agent serves /metrics at http://${metricsAddress}\n`);
  process.stdout.write(`berth agent of ${agent.cluster}/${agent.instanceName} is running against ${connection.server}\n`);
  await stopOnSignal(async () => {
    await metrics?.stop();
    await agent.stop();
    client.close();
  }, log);
  return 0;
}
