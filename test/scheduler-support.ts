/** Builders for scheduler tests against a real store: instances with a connected agent, tasks, sums. */
import type { BerthClient } from '../api/client/types.js';
import type { ObjectOf } from '../controllers/kit/types.js';

export async function addInstance(client: BerthClient, cluster: string, name: string, memory: number, cpu = 4096): Promise<void> {
  await client.create({
    apiVersion: 'berth.dev/v1',
    kind: 'ContainerInstance',
    metadata: { name, cluster },
    spec: { registeredResources: { cpu, memory } },
  });
  // The agent's part: a heartbeat that says it is connected.
  await client.mutate(
    'ContainerInstance',
    { cluster, name },
    (ci) => {
      ci.status = { agentConnected: true, lastHeartbeat: new Date().toISOString(), runningTasksCount: 0, pendingTasksCount: 0 };
    },
    { subresource: 'status' },
  );
}

export async function addDefinition(client: BerthClient, cluster: string, family: string, memory: number): Promise<string> {
  const td = await client.create({
    apiVersion: 'berth.dev/v1',
    kind: 'TaskDefinition',
    metadata: { name: family, cluster },
    spec: { containerDefinitions: [{ name: 'app', image: 'berth.local/busybox:1', memory }] },
  });
  return td.metadata.name;
}

export async function addTask(
  client: BerthClient,
  cluster: string,
  name: string,
  taskDefinition: string,
  desiredStatus: 'RUNNING' | 'STOPPED' = 'RUNNING',
): Promise<void> {
  await client.create({
    apiVersion: 'berth.dev/v1',
    kind: 'Task',
    metadata: { name, cluster },
    spec: { taskDefinition, desiredStatus },
    status: { lastStatus: 'PENDING', createdAt: new Date().toISOString() },
  });
}

export async function tasksOf(client: BerthClient, cluster: string): Promise<ObjectOf<'Task'>[]> {
  return (await client.list('Task', { cluster })).items;
}

/** MiB bound per instance, given every task takes `memoryPerTask`. */
export function memoryByInstance(tasks: readonly ObjectOf<'Task'>[], memoryPerTask: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of tasks) if (t.spec.containerInstance) out[t.spec.containerInstance] = (out[t.spec.containerInstance] ?? 0) + memoryPerTask;
  return out;
}
