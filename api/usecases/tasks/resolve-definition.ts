/**
 * `web` → the family's newest ACTIVE revision; `web:3` → that revision, which must be ACTIVE (ECS
 * runs no new tasks from an INACTIVE revision, though tasks already running keep running).
 */
import type { BerthClient, ObjectOf } from '../../client/types.js';
import { parseTaskDefinitionRef } from '../../v1/task-definition-ref.js';
import { TaskRequestError } from './errors.js';

type TaskDefinition = ObjectOf<'TaskDefinition'>;

export async function lookUpTaskDefinition(client: BerthClient, cluster: string, ref: string): Promise<TaskDefinition> {
  const parsed = parseTaskDefinitionRef(ref);
  if (!parsed) throw new TaskRequestError('taskDefinition', `"${ref}" is not a task definition reference; use a family ("web") or family:revision ("web:3")`);
  if (parsed.revision !== undefined) {
    const td = await client.get('TaskDefinition', { cluster, name: ref });
    if (!td)
      throw new TaskRequestError('taskDefinition', `task definition ${ref} not found in cluster ${cluster}; register it with berth apply`, 'ClientException');
    if (td.status?.status === 'INACTIVE')
      throw new TaskRequestError(
        'taskDefinition',
        `task definition ${ref} is INACTIVE (deregistered); run an ACTIVE revision, or name the family "${parsed.family}" for the newest`,
        'ClientException',
      );
    return td;
  }
  const revisions = (await listAll(client, cluster)).filter((td) => td.spec.family === parsed.family);
  const active = revisions.filter((td) => td.status?.status !== 'INACTIVE').sort((a, b) => (a.status?.revision ?? 0) - (b.status?.revision ?? 0));
  const newest = active.at(-1);
  if (newest) return newest;
  throw new TaskRequestError(
    'taskDefinition',
    revisions.length === 0
      ? `task definition family ${parsed.family} not found in cluster ${cluster}; register it with berth apply`
      : `task definition family ${parsed.family} has no ACTIVE revision (all ${revisions.length} are INACTIVE); register a new one`,
    'ClientException',
  );
}

/** Every task definition of the cluster, page by page (the API pages large lists). */
async function listAll(client: BerthClient, cluster: string): Promise<TaskDefinition[]> {
  const items: TaskDefinition[] = [];
  let next: string | undefined;
  do {
    const page = await client.list('TaskDefinition', { cluster, continue: next });
    items.push(...page.items);
    next = page.continue;
  } while (next !== undefined);
  return items;
}
