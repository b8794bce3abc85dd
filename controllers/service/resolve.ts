/**
 * Which revision a service runs: `web` follows the newest ACTIVE revision of the family, `web:3`
 * is pinned and must exist and be ACTIVE (ECS refuses to start tasks of an INACTIVE revision for a
 * service, though tasks already running keep it).
 */
import { parseTaskDefinitionRef } from '../../api/v1/task-definition-ref.js';
import type { ObjectOf } from '../kit/types.js';

type TaskDefinition = ObjectOf<'TaskDefinition'>;

export type Resolution =
  | { ok: true; ref: string; taskDefinition: TaskDefinition }
  | { ok: false; problem: string };

/** Resolves `ref` (`web` or `web:3`) against the family's stored revisions. */
export function resolveTaskDefinition(ref: string, revisions: readonly TaskDefinition[]): Resolution {
  const parsed = parseTaskDefinitionRef(ref);
  if (!parsed) return { ok: false, problem: `taskDefinition "${ref}" is not a family ("web") or family:revision ("web:3")` };
  const ofFamily = revisions.filter((td) => td.spec.family === parsed.family);
  if (parsed.revision === undefined) {
    const newest = ofFamily
      .filter((td) => td.status?.status !== 'INACTIVE')
      .reduce<TaskDefinition | undefined>((best, td) => (best === undefined || revisionOf(td) > revisionOf(best) ? td : best), undefined);
    if (!newest)
      return {
        ok: false,
        problem:
          ofFamily.length === 0
            ? `task definition family ${parsed.family} has no revisions; apply a TaskDefinition named ${parsed.family}`
            : `task definition family ${parsed.family} has no ACTIVE revision (all ${ofFamily.length} are INACTIVE); register a new one`,
      };
    return { ok: true, ref: newest.metadata.name, taskDefinition: newest };
  }
  const pinned = ofFamily.find((td) => revisionOf(td) === parsed.revision);
  if (!pinned) return { ok: false, problem: `task definition ${ref} does not exist; register it or point the service at an existing revision` };
  if (pinned.status?.status === 'INACTIVE')
    return { ok: false, problem: `task definition ${ref} is INACTIVE; point the service at an ACTIVE revision` };
  return { ok: true, ref: pinned.metadata.name, taskDefinition: pinned };
}

/** The revision number, from status or else from the `family:N` name. */
export function revisionOf(td: TaskDefinition): number {
  return td.status?.revision ?? parseTaskDefinitionRef(td.metadata.name)?.revision ?? 0;
}
