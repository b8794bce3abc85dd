/**
 * Whether tasks about to be created could be placed now: the scheduler's own plan (planScheduling)
 * run over the cluster as it is, plus the drafts, so run-task answers what the scheduler would do
 * (ECS's RunTask `failures[]`) instead of creating tasks that then wait PENDING forever. Tasks
 * already waiting go first, as they would in the scheduler.
 */
import type { BerthClient, ObjectOf } from '../../api/client/types.js';
import type { KindName } from '../../api/keys.js';
import type { PlacementCheck } from '../../api/usecases/tasks/create-tasks.js';
import { planScheduling } from './plan.js';
import { seededRng } from './placement/index.js';

const PAGE = 500;

async function listAll<K extends KindName>(client: BerthClient, kind: K, cluster: string): Promise<ObjectOf<K>[]> {
  const items: ObjectOf<K>[] = [];
  let token: string | undefined;
  do {
    const page = await client.list(kind, { cluster, limit: PAGE, continue: token });
    items.push(...page.items);
    token = page.continue;
  } while (token);
  return items;
}

/** A PlacementCheck for api/usecases/tasks' runTask, reading the cluster through `client`. */
export function placementCheck(client: BerthClient, now: () => number = Date.now): PlacementCheck {
  return async (cluster, drafts) => {
    const [tasks, instances, definitions, services] = await Promise.all([
      listAll(client, 'Task', cluster),
      listAll(client, 'ContainerInstance', cluster),
      listAll(client, 'TaskDefinition', cluster),
      listAll(client, 'Service', cluster),
    ]);
    const definition = new Map(definitions.map((d) => [d.metadata.name, d]));
    const service = new Map(services.map((s) => [s.metadata.name, s]));
    const plan = planScheduling({
      tasks: [...tasks, ...drafts],
      instances,
      taskDefinition: (name) => definition.get(name),
      service: (name) => service.get(name),
      now: now(),
      rng: seededRng(1),
    });
    const draftNames = new Set(drafts.map((d) => d.metadata.name));
    return new Map(plan.unplaceable.filter((u) => draftNames.has(u.task.metadata.name)).map((u) => [u.task.metadata.name, u.reason]));
  };
}
