/**
 * The traffic bench's two faults on berth's side, each run under steady load by hack/bench-lb.ts:
 * - a kill -9 of one task's container (`docker kill -s KILL` on the bench's engine: the real
 *   process dies, no stop, no deregistration first), until berth has replaced it and the target
 *   group has its full count of healthy targets again;
 * - the drain of a container instance (spec.status DRAINING, as `berth drain` or ECS's
 *   UpdateContainerInstancesState set it), until the service's tasks run healthy elsewhere and none
 *   is left on the drained instance.
 */
import type { LocalClient } from '../api/client/local-client.js';
import type { Target } from '../api/v1/target-group.js';
import { isLive } from '../controllers/conventions.js';
import { docker, lines, until } from './bench-docker-support.js';

export interface FaultScene {
  client: LocalClient;
  cluster: string;
  /** The service under load, its target group, and its count of tasks. */
  service: string;
  group: string;
  replicas: number;
}

/** How long berth may take to recover from one fault before the run fails. */
const RECOVERY_MS = 180_000;

async function healthy(s: FaultScene): Promise<Target[]> {
  const g = await s.client.get('TargetGroup', { cluster: s.cluster, name: s.group });
  return (g?.status?.targets ?? []).filter((t) => t.health === 'healthy');
}

async function liveTasks(s: FaultScene) {
  return (await s.client.list('Task', { cluster: s.cluster, labelSelector: `berth.dev/service=${s.service}` })).items.filter(isLive);
}

/** Kills one healthy target's container with SIGKILL; resolves once berth serves the full count from others. */
export async function killOneTask(s: FaultScene): Promise<void> {
  const victim = (await healthy(s))[0];
  if (!victim) throw new Error(`bench-lb: no healthy target of ${s.group} to kill`);
  const ids = lines(
    await docker(
      'ps',
      '-q',
      '--filter',
      `label=berth.cluster=${s.cluster}`,
      '--filter',
      `label=berth.task=${victim.task}`,
      '--filter',
      `label=berth.container=${victim.containerName}`,
    ),
  );
  const id = ids[0];
  if (id === undefined || ids.length !== 1) throw new Error(`bench-lb: expected one container of task ${victim.task}, found ${ids.length}`);
  await docker('kill', '-s', 'KILL', id);
  await until(
    `berth replaced killed task ${victim.task}`,
    async () => {
      const now = await healthy(s);
      return now.length === s.replicas && now.every((t) => t.task !== victim.task);
    },
    RECOVERY_MS,
  );
}

/** The instance running most of the service's live tasks, and how many it runs. */
export async function busiestInstance(s: FaultScene): Promise<{ name: string; tasks: number }> {
  const counts = new Map<string, number>();
  for (const t of await liveTasks(s)) if (t.spec.containerInstance) counts.set(t.spec.containerInstance, (counts.get(t.spec.containerInstance) ?? 0) + 1);
  const [name, tasks] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
  if (name === undefined || tasks === undefined) throw new Error(`bench-lb: service ${s.service} has no live task bound to an instance`);
  return { name, tasks };
}

/** Sets `instance` DRAINING; resolves once the full count is healthy and none of the service's live tasks is left on it. */
export async function drainInstance(s: FaultScene, instance: string): Promise<void> {
  await s.client.patch('ContainerInstance', { cluster: s.cluster, name: instance }, { spec: { status: 'DRAINING' } });
  await until(
    `the drain of ${instance}`,
    async () => (await healthy(s)).length === s.replicas && (await liveTasks(s)).every((t) => t.spec.containerInstance !== instance),
    RECOVERY_MS,
  );
}
