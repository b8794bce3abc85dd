/**
 * A whole berth for end-to-end tests: the control plane in-process (real store, real API server,
 * the built-in controllers with short timings) and agents driving the REAL Docker engine, each
 * talking to the API over HTTP with its own agent token — as remote agents do. Every cluster gets
 * a unique name, so its containers never meet another test's.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { HttpClient } from '../../api/client/http-client.js';
import { identifyViaApi } from '../../api/client/identify.js';
import { rootLogger } from '../../api/log.js';
import { Agent, type AgentOptions } from '../../controllers/agent/index.js';
import { DockerRuntime } from '../../controllers/agent/runtime/docker.js';
import { DOCKER_LABELS } from '../../controllers/agent/runtime/names.js';
import { builtinControllers, type BuiltinControllerOptions } from '../../controllers/builtin.js';
import { startControlPlane, type ControlPlane } from '../../cmd/control-plane.js';
import { eventually } from '../../controllers/kit/test-env.js';
import { tempDir } from './berth-process.js';
import { sweepEngine } from './sweep-engine.js';
import { etcdEndpoint } from './stores.js';

export const TEST_IMAGE = process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1';

/** Timings short enough for tests, long enough not to flap on 2 busy cores. */
export const FAST: BuiltinControllerOptions = {
  instance: { heartbeatExpireMs: 3_000 },
  service: { settings: { settleMs: 1_000 } },
  task: { stoppedTaskRetentionMs: 10 * 60_000 },
};

export interface TestCluster {
  name: string;
  plane: ControlPlane;
  /** Admin client over HTTP. */
  client: HttpClient;
  agents: Map<string, Agent>;
  /** Start an agent for instance `name` of this cluster (the same engine; distinct attributes allowed). */
  startAgent(name: string, options?: Partial<AgentOptions>): Promise<Agent>;
  /** Stop an agent as if its process died: no more heartbeats, containers left as they are. */
  killAgent(name: string): Promise<void>;
  /**
   * Stop the control plane (API, controllers, store) as `berth up` stops, leave it down for
   * `downMs` while the agents keep running, and start it again on the same data and address.
   */
  restartControlPlane(downMs: number): Promise<void>;
  /** Stop everything and remove every container and network of this cluster. */
  dispose(): Promise<void>;
}

export async function startTestCluster(
  options: { store?: 'sqlite' | 'etcd'; controllers?: BuiltinControllerOptions; /** The cluster name's prefix (default e2e). */ prefix?: string } = {},
): Promise<TestCluster> {
  const name = `${options.prefix ?? 'e2e'}-${randomUUID().slice(0, 8)}`;
  const dir = tempDir('berth-cluster-');
  const startPlane = (port: number) =>
    startControlPlane({
      dataDir: join(dir, 'data'),
      host: '127.0.0.1',
      port,
      etcdEndpoints: options.store === 'etcd' ? [etcdEndpoint] : [],
      etcdPrefix: `/test/${name}`,
      controllers: builtinControllers(options.controllers ?? FAST),
      leaderTtlSeconds: 2,
      log: rootLogger,
    });
  const plane = await startPlane(0);
  const client = new HttpClient({ server: plane.url, token: plane.adminToken });
  await client.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name }, spec: {} });
  const agents = new Map<string, Agent>();
  const runtime = new DockerRuntime({});

  const cluster: TestCluster = {
    name,
    plane,
    client,
    agents,
    async startAgent(instance, agentOptions = {}) {
      const token = await client.issueAgentToken(name, instance);
      const agent = new Agent({
        client: new HttpClient({ server: plane.url, token }),
        runtime,
        cluster: name,
        instanceName: instance,
        heartbeatIntervalMs: 500,
        steadyStateIntervalMs: 2_000,
        stoppedContainerRetentionMs: 60_000,
        logsListen: '127.0.0.1:0',
        identifyCaller: identifyViaApi({ server: plane.url }),
        ...agentOptions,
      });
      await agent.start();
      agents.set(instance, agent);
      return agent;
    },
    async restartControlPlane(downMs) {
      const port = Number(new URL(cluster.plane.url).port);
      await cluster.plane.stop();
      await new Promise((r) => setTimeout(r, downMs));
      cluster.plane = await startPlane(port);
    },
    async killAgent(instance) {
      await agents.get(instance)?.stop();
      agents.delete(instance);
    },
    async dispose() {
      for (const agent of agents.values()) await agent.stop().catch(() => undefined);
      await cluster.plane.stop().catch(() => undefined);
      // Best effort, as before: a cluster's leftovers never fail the test that made them.
      await sweepEngine(runtime, { [DOCKER_LABELS.cluster]: name }, 10_000).catch(() => undefined);
    },
  };
  return cluster;
}

/** The tasks of a service, by lastStatus. */
export async function serviceTasks(cluster: TestCluster, service: string) {
  const { items } = await cluster.client.list('Task', { cluster: cluster.name, labelSelector: `berth.dev/service=${service}` });
  return items;
}

export async function runningTasks(cluster: TestCluster, service: string) {
  return (await serviceTasks(cluster, service)).filter((t) => t.status?.lastStatus === 'RUNNING' && t.spec.desiredStatus === 'RUNNING');
}

export { eventually };
