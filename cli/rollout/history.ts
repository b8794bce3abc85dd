/**
 * The revisions a service ran and when, oldest first (as `kubectl rollout history` lists), from
 * status.history; a service whose status predates the history gets its current deployments.
 * And which revision `rollout undo` returns to. Pure.
 */
import type { ObjectOf } from '../../api/client/types.js';
import type { DeploymentRecord } from '../../api/v1/service.js';
import { parseTaskDefinitionRef } from '../../api/v1/task-definition-ref-text.js';
import { humanDuration } from '../output/age.js';

type Service = ObjectOf<'Service'>;
type TaskDefinition = ObjectOf<'TaskDefinition'>;

/** Oldest first. */
export function historyOf(service: Service): DeploymentRecord[] {
  const status = service.status;
  if (status && status.history.length > 0) return [...status.history].reverse();
  return (status?.deployments ?? [])
    .flatMap((d): DeploymentRecord[] =>
      d.createdAt === undefined
        ? []
        : [{ id: d.id, taskDefinition: d.taskDefinition, state: d.rolloutState, startedAt: d.createdAt, reason: d.rolloutStateReason }],
    )
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

export const HISTORY_HEADERS = ['REVISION', 'TASK DEFINITION', 'DEPLOYMENT', 'STATE', 'STARTED', 'DURATION', 'REASON'];

export function historyRows(records: readonly DeploymentRecord[], now: Date): string[][] {
  return records.map((r) => [
    String(parseTaskDefinitionRef(r.taskDefinition)?.revision ?? ''),
    r.taskDefinition,
    r.id,
    r.state,
    r.startedAt,
    humanDuration((r.finishedAt ? Date.parse(r.finishedAt) : now.getTime()) - Date.parse(r.startedAt)),
    r.reason ?? '',
  ]);
}

/** Why `rollout undo` cannot go anywhere. */
export class NoUndoTargetError extends Error {
  override readonly name = 'NoUndoTarget';
  readonly retriable = false;
}

/**
 * The revision `rollout undo` sets (`family:N`): with `toRevision`, that revision of the service's
 * family (it must exist and be ACTIVE); else the newest revision in the history that COMPLETED and
 * is not the one the spec resolves to now — after an automatic rollback, that is the revision the
 * breaker returned to, so undo makes the spec say what runs.
 */
export function undoTarget(service: Service, revisions: readonly TaskDefinition[], toRevision?: number): string {
  const name = service.metadata.name;
  // What the spec resolves to now (after an automatic rollback, not what runs).
  const current = service.status?.resolvedTaskDefinition ?? service.status?.taskDefinition;
  const family = parseTaskDefinitionRef(current ?? service.spec.taskDefinition)?.family ?? service.spec.taskDefinition;
  const active = (ref: string) => revisions.find((td) => td.metadata.name === ref && td.status?.status !== 'INACTIVE') !== undefined;
  if (toRevision !== undefined) {
    const ref = `${family}:${toRevision}`;
    const td = revisions.find((t) => t.metadata.name === ref);
    if (!td) throw new NoUndoTargetError(`task definition ${ref} does not exist; see \`berth rollout history service ${name}\` for the revisions it ran`);
    if (td.status?.status === 'INACTIVE') throw new NoUndoTargetError(`task definition ${ref} is INACTIVE (deregistered); a service cannot be moved onto it`);
    return ref;
  }
  const newestFirst = [...historyOf(service)].reverse();
  const target = newestFirst.find((r) => r.state === 'COMPLETED' && r.taskDefinition !== current && active(r.taskDefinition));
  if (!target)
    throw new NoUndoTargetError(
      `service ${name} has no earlier revision that completed a rollout and is still ACTIVE (it runs ${current ?? 'nothing yet'}); give one with --to-revision N`,
    );
  return target.taskDefinition;
}
