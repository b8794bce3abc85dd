/**
 * Task definitions are immutable revisions: applying one compares its spec (normalized through the
 * schema, so defaults and units do not count as changes) and labels with the family's newest ACTIVE
 * revision, and registers a new revision only when they differ.
 */
import { isDeepStrictEqual } from 'node:util';
import type { BerthClient, ObjectOf } from '../../api/client/types.js';
import type { PreparedManifest } from './prepare.js';
import type { ApplyResult, DryRunMode } from './types.js';
import { MANAGED_BY_LABEL } from './constants.js';
import { DEFAULT_CLUSTER } from '../../api/v1/meta.js';
import { revisionOf } from '../../api/v1/task-definition-ref.js';

type TaskDefinition = ObjectOf<'TaskDefinition'>;

/** Every revision (task definitions belong to the account), read once per apply and kept current as revisions are registered. */
export class RevisionCache {
  private all: Promise<TaskDefinition[]> | undefined;
  constructor(private readonly client: BerthClient) {}

  async family(family: string): Promise<TaskDefinition[]> {
    this.all ??= listAll(this.client);
    return (await this.all).filter((td) => td.spec.family === family).sort((a, b) => revisionOf(a) - revisionOf(b));
  }

  async add(td: TaskDefinition): Promise<void> {
    (await this.all)?.push(td);
  }
}

async function listAll(client: BerthClient): Promise<TaskDefinition[]> {
  const items: TaskDefinition[] = [];
  let token: string | undefined;
  do {
    const page = await client.list('TaskDefinition', { limit: 500, continue: token });
    items.push(...page.items);
    token = page.continue;
  } while (token);
  return items;
}

export async function applyTaskDefinition(client: BerthClient, cache: RevisionCache, m: PreparedManifest, dryRun: DryRunMode): Promise<ApplyResult> {
  if (m.object.kind !== 'TaskDefinition') throw new Error(`internal: ${m.kind} is not a TaskDefinition`);
  const wanted = m.object;
  const base = { kind: m.kind, cluster: m.cluster, source: m.source };
  const revisions = await cache.family(m.name);
  const newest = revisions.filter((td) => td.status?.status !== 'INACTIVE').at(-1);
  if (newest && sameDefinition(newest, wanted)) return { ...base, name: newest.metadata.name, action: 'unchanged', before: newest, after: newest };
  if (dryRun === 'client') {
    const last = revisions.at(-1);
    const next = (last ? revisionOf(last) : 0) + 1;
    const name = `${m.name}:${next}`;
    return { ...base, name, action: 'created', before: newest, after: { ...wanted, metadata: { ...wanted.metadata, name } } };
  }
  // Registered through the manifest's cluster: the server checks that cluster's task policy there.
  const created = await client.create({ ...m.applied, kind: 'TaskDefinition' }, { dryRun: dryRun === 'server' });
  if (!dryRun) await cache.add(created);
  return { ...base, name: created.metadata.name, action: 'created', before: newest, after: created, note: accountNote(m) };
}

/**
 * A manifest's metadata.cluster does not place a task definition (it belongs to the account and
 * runs in every cluster, as in ECS); said once where it names a cluster, so nobody expects two.
 */
function accountNote(m: PreparedManifest): string | undefined {
  const raw = m.applied.metadata;
  const named = typeof raw === 'object' && raw !== null && 'cluster' in raw && m.cluster !== DEFAULT_CLUSTER;
  return named
    ? `registered for every cluster (task definitions belong to the account; metadata.cluster "${m.cluster}" only chose whose task policy it was checked against)`
    : undefined;
}

/** The spec and the user's labels; annotations (the source file) do not make a new revision. */
function sameDefinition(live: TaskDefinition, wanted: TaskDefinition): boolean {
  return isDeepStrictEqual(live.spec, wanted.spec) && isDeepStrictEqual(userLabels(live), userLabels(wanted));
}

function userLabels(td: TaskDefinition): Record<string, string> {
  const { [MANAGED_BY_LABEL]: _managed, ...rest } = td.metadata.labels ?? {};
  return rest;
}
