/**
 * Shared parts of the deployment-strategy end-to-end tests (test/rollout-*.test.ts): one cluster
 * (`rollout-…`) on the real engine, services of busybox tasks without health checks (a task counts
 * healthy after the controller's short settle time), and the real `berth` binary.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ObjectOf } from '../api/client/types.js';
import { BERTH_BIN, berthEnv, tempDir } from './support/berth-process.js';
import { eventually, FAST, startTestCluster, TEST_IMAGE, type TestCluster } from './support/cluster.js';

type Service = ObjectOf<'Service'>;
type Task = ObjectOf<'Task'>;

export { eventually };

export async function startRolloutCluster(): Promise<TestCluster> {
  const cluster = await startTestCluster({ prefix: 'rollout', controllers: { ...FAST, service: { settings: { settleMs: 1_000 } } } });
  await cluster.startAgent('i-1');
  return cluster;
}

/** A revision of `family`: a process that runs until stopped (or `command`); `variant` makes each revision distinct. */
export function revision(cluster: TestCluster, family: string, variant: string, command = 'exec sleep 3600') {
  return {
    apiVersion: 'berth.dev/v1',
    kind: 'TaskDefinition' as const,
    metadata: { name: family, cluster: cluster.name },
    spec: {
      containerDefinitions: [
        {
          name: 'app',
          image: TEST_IMAGE,
          memory: 8,
          command: ['sh', '-c', command],
          environment: [{ name: 'VARIANT', value: variant }],
          linuxParameters: { initProcessEnabled: true },
          stopTimeout: 2,
        },
      ],
    },
  };
}

export async function register(cluster: TestCluster, family: string, variant: string, command?: string): Promise<string> {
  return (await cluster.client.create(revision(cluster, family, variant, command))).metadata.name;
}

/** A service on `family`'s newest revision, `desired` tasks, with this deploymentConfiguration; resolves once its first rollout completed. */
export async function createService(cluster: TestCluster, name: string, desired: number, deploymentConfiguration: Record<string, unknown>): Promise<Service> {
  await cluster.client.create({
    apiVersion: 'berth.dev/v1',
    kind: 'Service',
    metadata: { name, cluster: cluster.name },
    spec: { taskDefinition: name, desiredCount: desired, deploymentConfiguration },
  });
  return serviceWhen(cluster, name, (s) => primary(s)?.rolloutState === 'COMPLETED', 'the first deployment completed');
}

export const primary = (s: Service) => s.status?.deployments.find((d) => d.status === 'PRIMARY');

export function serviceWhen(cluster: TestCluster, name: string, check: (s: Service) => boolean, what: string, timeoutMs = 45_000): Promise<Service> {
  return eventually(
    async () => {
      const s = await cluster.client.get('Service', { cluster: cluster.name, name });
      return s && check(s) ? s : undefined;
    },
    timeoutMs,
    `service ${name}: ${what}`,
  );
}

/** The service's live tasks (desired RUNNING and not STOPPED), by revision. */
export async function liveByRevision(cluster: TestCluster, name: string): Promise<Record<string, number>> {
  const { items } = await cluster.client.list('Task', { cluster: cluster.name, labelSelector: `berth.dev/service=${name}` });
  const live = items.filter((t: Task) => t.spec.desiredStatus === 'RUNNING' && t.status?.lastStatus !== 'STOPPED');
  const out: Record<string, number> = {};
  for (const t of live) out[t.spec.taskDefinition] = (out[t.spec.taskDefinition] ?? 0) + 1;
  return out;
}

export async function serviceTasks(cluster: TestCluster, name: string): Promise<Task[]> {
  return (await cluster.client.list('Task', { cluster: cluster.name, labelSelector: `berth.dev/service=${name}` })).items;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real binary against the in-process cluster's API. */
export function berth(cluster: TestCluster, args: string[], timeoutMs = 60_000): Promise<Run> {
  const env = {
    ...berthEnv(join(tempDir('berth-rollout-'), 'config')),
    BERTH_SERVER: cluster.plane.url,
    BERTH_TOKEN: cluster.plane.adminToken,
    BERTH_CLUSTER: cluster.name,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BERTH_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
