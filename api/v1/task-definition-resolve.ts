/**
 * Which revision a service runs: `web` follows the newest ACTIVE revision of the family, `web:3`
 * is pinned and must exist and be ACTIVE — unless it is the revision the service already runs
 * (`current`): as in ECS, deregistering a revision does not disrupt services on it; they keep
 * replacing crashed tasks and scaling with it, and only moving a service ONTO an INACTIVE revision
 * is refused. Likewise a service on `web` whose every revision was deregistered keeps `current`.
 * Shared by the service controller and ECS's CreateService/UpdateService, which start deployments.
 */
import { parseTaskDefinitionRef, revisionOf } from './task-definition-ref.js';
import type { TaskDefinition } from './task-definition.js';

export type Resolution = { ok: true; ref: string; taskDefinition: TaskDefinition } | { ok: false; problem: string };

/** Resolves `ref` (`web` or `web:3`) against the family's stored revisions. */
export function resolveTaskDefinition(ref: string, revisions: readonly TaskDefinition[], current?: string): Resolution {
  const parsed = parseTaskDefinitionRef(ref);
  if (!parsed) return { ok: false, problem: `taskDefinition "${ref}" is not a family ("web") or family:revision ("web:3")` };
  const ofFamily = revisions.filter((td) => td.spec.family === parsed.family);
  if (parsed.revision === undefined) {
    const newest = ofFamily
      .filter((td) => td.status?.status !== 'INACTIVE')
      .reduce<TaskDefinition | undefined>((best, td) => (best === undefined || revisionOf(td) > revisionOf(best) ? td : best), undefined);
    const kept = newest ? undefined : ofFamily.find((td) => td.metadata.name === current);
    if (kept) return { ok: true, ref: kept.metadata.name, taskDefinition: kept };
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
  if (pinned.status?.status === 'INACTIVE' && pinned.metadata.name !== current)
    return { ok: false, problem: `task definition ${ref} is INACTIVE; point the service at an ACTIVE revision` };
  return { ok: true, ref: pinned.metadata.name, taskDefinition: pinned };
}
