/**
 * TaskDefinition revisions, as ECS numbers them: registering family `web` stores the next revision
 * `web:N`. A per-family counter key and the new revision are written in one transaction, so two
 * concurrent registrations get distinct, consecutive numbers, and numbers are never reused (the
 * counter outlives deregistered and deleted revisions). Families belong to the account, as in ECS:
 * `web:7` is one object that every cluster runs.
 */
import { ACCOUNT_CLUSTER, familyRevisionsPrefix, objectKey, sysKeys } from '../../keys.js';
import type { Store } from '../../store/types.js';
import { decodeObject, encodeObject, type ObjectOf } from './codec.js';
import { InvalidError } from './errors.js';
import { cleanTaskDefinitionSpec } from '../../v1/ecs-input.js';
import { parseTaskDefinitionRef } from '../../v1/task-definition-ref.js';

type TaskDefinition = ObjectOf<'TaskDefinition'>;

export const TASK_DEFINITION_IMMUTABLE =
  'task definition revisions are immutable; apply the changed definition under its family name to register a new revision';

const MAX_ATTEMPTS = 50;

/**
 * A TaskDefinition about to be registered, its spec cleaned as ECS users write it (ecs-input.ts:
 * read-only fields, nulls, empty lists), so a client that posts a console export stores a clean
 * revision just as `berth apply` does. Anything else is returned as it is.
 */
export function asRegistered(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || !('kind' in raw) || raw.kind !== 'TaskDefinition' || !('spec' in raw)) return raw;
  return { ...raw, spec: cleanTaskDefinitionSpec(raw.spec).spec };
}

export async function registerRevision(store: Store, td: TaskDefinition, options: { now: () => Date; dryRun?: boolean }): Promise<TaskDefinition> {
  const cluster = ACCOUNT_CLUSTER;
  const ref = parseTaskDefinitionRef(td.metadata.name);
  if (ref?.revision !== undefined)
    throw new InvalidError({ kind: 'TaskDefinition', cluster, name: td.metadata.name }, [
      { path: ['metadata', 'name'], message: `register task definitions by family ("${ref.family}"); berth numbers the revisions` },
    ]);
  const family = td.spec.family;
  const counterKey = sysKeys.familyCounter(family);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const counter = await store.get(counterKey);
    const revision = counter ? Number(counter.value) + 1 : 1;
    const name = `${family}:${revision}`;
    const stored: TaskDefinition = {
      ...td,
      metadata: { ...td.metadata, cluster, name },
      status: { status: 'ACTIVE', revision, registeredAt: options.now().toISOString() },
    };
    if (options.dryRun) return stored;
    const key = objectKey({ kind: 'TaskDefinition', cluster, name });
    const result = await store.txn({
      compare: [
        { key: counterKey, modRevision: counter?.modRevision ?? 0 },
        { key, modRevision: 0 },
      ],
      success: [
        { type: 'put', key: counterKey, value: String(revision) },
        { type: 'put', key, value: encodeObject(stored) },
      ],
    });
    if (result.succeeded) return { ...stored, metadata: { ...stored.metadata, resourceVersion: String(result.revision) } };
  }
  throw new Error(`could not register a revision of ${family} after ${MAX_ATTEMPTS} attempts (heavy contention); try again`);
}

/** Every stored revision of a family, oldest first. */
export async function listRevisions(store: Store, family: string): Promise<TaskDefinition[]> {
  const { items } = await store.range(familyRevisionsPrefix(family));
  return items.map((kv) => decodeObject('TaskDefinition', kv)).sort((a, b) => (a.status?.revision ?? 0) - (b.status?.revision ?? 0));
}

/** The newest ACTIVE revision of a family (what a service on `web` runs), if any. */
export async function newestActiveRevision(store: Store, family: string): Promise<TaskDefinition | undefined> {
  const revisions = await listRevisions(store, family);
  return revisions.filter((td) => td.status?.status !== 'INACTIVE').at(-1);
}
