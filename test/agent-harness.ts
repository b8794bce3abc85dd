/**
 * Fixtures for the agent's end-to-end tests (test/agent-*.test.ts): a real store and client
 * (startTestEnv), the real Docker engine, a cluster of the test's own, and agents on it. The test
 * plays the scheduler: it creates tasks already bound to the agent's instance. `cleanup()` removes
 * every container, network and volume labelled with the cluster, even when a test failed.
 */
import { randomUUID } from 'node:crypto';
import { rawContainer } from '../api/v1/testing.js';
import type { BerthClient } from '../api/client/types.js';
import type { Task } from '../api/v1/task.js';
import { Agent } from '../controllers/agent/agent.js';
import type { AgentOptions } from '../controllers/agent/options.js';
import { DockerRuntime } from '../controllers/agent/runtime/docker.js';
import { DOCKER_LABELS } from '../controllers/agent/runtime/names.js';
import { eventually, startTestEnv, type TestEnv } from '../controllers/kit/test-env.js';
import { sweepEngine } from './support/sweep-engine.js';

export const IMAGE = process.env.BERTH_TEST_IMAGE ?? 'berth.local/busybox:1';
export const INSTANCE = 'i-1';

type Plain = Record<string, unknown>;

/** A busybox container that stops at once on SIGTERM (init as PID 1) and within 2 s at worst. */
export function container(name: string, extra: Plain = {}): Plain {
  return rawContainer(name, { image: IMAGE, stopTimeout: 2, linuxParameters: { initProcessEnabled: true }, ...extra });
}

export const sh = (script: string) => ({ command: ['sh', '-c', script] });

export interface AgentEnv {
  env: TestEnv;
  client: BerthClient;
  cluster: string;
  runtime: DockerRuntime;
  /** The uid of the env's installation (its store), which the agents label everything with. */
  installation(): Promise<string>;
  /** A started agent on the cluster (instance i-1 unless given). */
  startAgent(options?: Partial<AgentOptions>): Promise<Agent>;
  /** Registers family `family` (revision 1) and returns `family:1`. */
  taskDefinition(family: string, containers: Plain[], spec?: Plain): Promise<string>;
  /** Creates a task bound to the instance; returns the stored task. */
  runTask(name: string, taskDefinition: string, spec?: Plain): Promise<Task>;
  getTask(name: string): Promise<Task | undefined>;
  /** Waits until the task satisfies `ok`; returns it. */
  waitForTask(name: string, ok: (t: Task) => boolean, ms?: number, what?: string): Promise<Task>;
  /** Containers of this cluster on the engine. */
  containers(extraLabels?: Record<string, string>): ReturnType<DockerRuntime['listContainers']>;
  /** Stops the agents (containers stay): before cleaning up envs that share a cluster name. */
  stopAgents(): Promise<void>;
  cleanup(): Promise<void>;
}

/** `cluster`: a name of the test's own to use as is (two envs given one are two installations with one cluster name). */
export async function startAgentEnv(prefix: string, options: { cluster?: string } = {}): Promise<AgentEnv> {
  const env = await startTestEnv();
  const cluster = options.cluster ?? `${prefix}-${randomUUID().slice(0, 8)}`;
  await env.client.create({ apiVersion: 'berth.dev/v1', kind: 'Cluster', metadata: { name: cluster }, spec: {} });
  const runtime = new DockerRuntime();
  const agents: Agent[] = [];
  const mine = { [DOCKER_LABELS.cluster]: cluster };

  const getTask = (name: string) => env.client.get('Task', { cluster, name });
  return {
    env,
    client: env.client,
    cluster,
    runtime,
    installation: () => env.client.installation(),
    async startAgent(options = {}) {
      const agent = new Agent({
        client: env.client,
        runtime,
        cluster,
        instanceName: INSTANCE,
        heartbeatIntervalMs: 1000,
        steadyStateIntervalMs: 2000,
        stoppedContainerRetentionMs: 60_000,
        ...options,
      });
      agents.push(agent);
      await agent.start();
      return agent;
    },
    async taskDefinition(family, containers, spec = {}) {
      const td = await env.client.create({
        apiVersion: 'berth.dev/v1',
        kind: 'TaskDefinition',
        metadata: { name: family, cluster },
        spec: { containerDefinitions: containers, ...spec },
      });
      return td.metadata.name;
    },
    runTask(name, taskDefinition, spec = {}) {
      return env.client.create({
        apiVersion: 'berth.dev/v1',
        kind: 'Task',
        metadata: { name, cluster },
        spec: { taskDefinition, containerInstance: INSTANCE, ...spec },
      });
    },
    getTask,
    async waitForTask(name, ok, ms = 10_000, what = `task ${name}`) {
      return eventually(
        async () => {
          const t = await getTask(name);
          return t && ok(t) ? t : undefined;
        },
        ms,
        what,
      );
    },
    containers(extraLabels = {}) {
      return runtime.listContainers({ labels: { ...mine, ...extraLabels } });
    },
    async stopAgents() {
      await Promise.all(agents.map((a) => a.stop()));
    },
    async cleanup() {
      await Promise.all(agents.map((a) => a.stop()));
      try {
        await sweepEngine(runtime, mine);
      } finally {
        await env.stop();
      }
    },
  };
}
