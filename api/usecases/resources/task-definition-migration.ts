/**
 * Moves task definitions stored per cluster (`/berth/v1/taskdefinitions/<cluster>/<family:N>`, as
 * berth kept them before they belonged to the account) to the account (`…/taskdefinitions/<family:N>`),
 * run by every control plane on start, before it serves.
 *
 * Nothing is lost when clusters disagree: a revision number whose content is the same in every
 * cluster becomes one revision; where it differs, the earliest registered keeps the number and each
 * other content gets a new revision above every counter of the family, and the services and tasks
 * of the cluster that used it are repointed to the new name (an event on each service says so). A
 * service that followed the family (`web`) and would now resolve to another cluster's newer
 * revision is pinned to the revision it ran, with an event, so that the move starts no rollout.
 *
 * Crash-safe and idempotent: the whole plan (every move, new number and pin) is written to a
 * journal key, together with the account counters it reserves, in one transaction before anything
 * moves; each move then writes the account revision (if absent), repoints, and deletes its old key,
 * so a migration interrupted anywhere resumes the same plan on the next start. Concurrent starts
 * (several servers) race safely: every write is a compare-and-swap, and a lost race re-reads.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../../log.js';
import { ACCOUNT_CLUSTER, kindPrefix, legacyTaskDefinitionKeys, objectKey, sysKeys } from '../../keys.js';
import { ConflictError } from '../../store/errors.js';
import type { KeyValue, Store } from '../../store/types.js';
import { parseTaskDefinitionRef } from '../../v1/task-definition-ref.js';
import { MAX_SERVICE_EVENTS } from '../../v1/service.js';
import { decodeObject, encodeObject, type ObjectOf } from './codec.js';

type TaskDefinition = ObjectOf<'TaskDefinition'>;
type Service = ObjectOf<'Service'>;

const Move = z.object({
  cluster: z.string(),
  from: z.string(),
  to: z.string(),
  /** The one move of its content that writes the account revision; the others only repoint and delete. */
  writer: z.boolean(),
  status: z.enum(['ACTIVE', 'INACTIVE']),
});
type Move = z.infer<typeof Move>;
const Pin = z.object({ cluster: z.string(), service: z.string(), family: z.string(), to: z.string() });
type Pin = z.infer<typeof Pin>;
const Journal = z.object({ state: z.enum(['planned', 'done']), moves: z.array(Move), pins: z.array(Pin) });
type Journal = z.infer<typeof Journal>;

export interface MigrationReport {
  moved: number;
  /** Old `cluster/family:N` → new `family:M`, for every revision that had to be renumbered. */
  renumbered: Record<string, string>;
  pinned: string[];
}

/** Move every per-cluster task definition to the account (see the header). Safe to call on every start. */
export async function migrateTaskDefinitionsToAccount(store: Store, log: Logger, now: () => Date = () => new Date()): Promise<MigrationReport> {
  const report: MigrationReport = { moved: 0, renumbered: {}, pinned: [] };
  for (let round = 0; round < 10; round++) {
    const journalKv = await store.get(sysKeys.taskDefinitionMigration());
    const journal = journalKv ? Journal.parse(JSON.parse(journalKv.value)) : undefined;
    if (journal?.state === 'planned' && journalKv) {
      await execute(store, journal, log, now, report);
      await store
        .put(sysKeys.taskDefinitionMigration(), JSON.stringify({ ...journal, state: 'done' }), { ifModRevision: journalKv.modRevision })
        .catch(ignoreConflict);
      continue;
    }
    const legacy = await legacyDefinitions(store);
    const counters = (await store.range(legacyTaskDefinitionKeys.familyCountersPrefix())).items;
    if (legacy.length === 0) {
      // Counters of clusters whose revisions were all deleted: the account counter already covers them.
      for (const c of counters) await store.delete(c.key, { ifModRevision: c.modRevision }).catch(ignoreConflict);
      return report;
    }
    const { plan, accountCounters } = await makePlan(store, legacy, counters);
    for (const m of plan.moves)
      if (m.from !== m.to)
        log.warn(
          { cluster: m.cluster, from: m.from, to: m.to },
          'task definition renumbered while moving to the account: another cluster holds a different one under the same revision',
        );
    const written = await store.txn({
      compare: [{ key: sysKeys.taskDefinitionMigration(), modRevision: journalKv?.modRevision ?? 0 }],
      success: [
        { type: 'put', key: sysKeys.taskDefinitionMigration(), value: JSON.stringify(plan) },
        ...[...accountCounters].map(([family, n]) => ({ type: 'put' as const, key: sysKeys.familyCounter(family), value: String(n) })),
      ],
    });
    if (!written.succeeded) continue; // another server planned first: resume its plan
  }
  throw new Error('task definition migration did not settle after 10 rounds; is an older berth still writing per-cluster task definitions?');
}

interface Legacy {
  kv: KeyValue;
  cluster: string;
  td: TaskDefinition;
}

async function legacyDefinitions(store: Store): Promise<Legacy[]> {
  const { items } = await store.range(legacyTaskDefinitionKeys.prefix());
  return items.flatMap((kv) => {
    const where = legacyTaskDefinitionKeys.parse(kv.key);
    return where ? [{ kv, cluster: where.cluster, td: decodeObject('TaskDefinition', kv) }] : [];
  });
}

const contentOf = (td: TaskDefinition) => JSON.stringify(td.spec);
const revisionOf = (td: TaskDefinition) => td.status?.revision ?? parseTaskDefinitionRef(td.metadata.name)?.revision ?? 0;

async function makePlan(store: Store, legacy: Legacy[], counters: KeyValue[]): Promise<{ plan: Journal; accountCounters: Map<string, number> }> {
  const moves: Move[] = [];
  const accountCounters = new Map<string, number>();
  const byFamily = groupBy(legacy, (l) => l.td.spec.family);
  for (const [family, entries] of [...byFamily].sort(([a], [b]) => a.localeCompare(b))) {
    const taken = new Map<number, string>();
    for (const kv of (await store.range(`${kindPrefix('TaskDefinition')}${family}:`)).items) {
      const td = decodeObject('TaskDefinition', kv);
      taken.set(revisionOf(td), contentOf(td));
    }
    const counterKeys = [sysKeys.familyCounter(family), ...counters.filter((c) => c.key.endsWith(`/${family}`)).map((c) => c.key)];
    const counterValues = counters.filter((c) => counterKeys.includes(c.key)).map((c) => Number(c.value));
    const account = await store.get(sysKeys.familyCounter(family));
    let next = Math.max(0, Number(account?.value ?? 0), ...counterValues, ...entries.map((e) => revisionOf(e.td)), ...taken.keys()) + 1;
    for (const [n, sameNumber] of [...groupBy(entries, (e) => revisionOf(e.td))].sort(([a], [b]) => a - b)) {
      const ordered = [...sameNumber].sort(
        (a, b) => (a.td.status?.registeredAt ?? '').localeCompare(b.td.status?.registeredAt ?? '') || a.cluster.localeCompare(b.cluster),
      );
      for (const [content, group] of groupBy(ordered, (e) => contentOf(e.td))) {
        const keeps = !taken.has(n) || taken.get(n) === content;
        const writes = !taken.has(n);
        const to = keeps ? `${family}:${n}` : `${family}:${next++}`;
        taken.set(n, taken.get(n) ?? content);
        const status = group.some((g) => g.td.status?.status !== 'INACTIVE') ? 'ACTIVE' : 'INACTIVE';
        group.forEach((g, i) => moves.push({ cluster: g.cluster, from: g.td.metadata.name, to, writer: i === 0 && (writes || !keeps), status }));
      }
    }
    accountCounters.set(family, next - 1);
  }
  return { plan: { state: 'planned', moves, pins: await pinsFor(store, legacy, moves) }, accountCounters };
}

/**
 * Services following a family that would resolve to another revision after the move than the one
 * their cluster's newest ACTIVE revision becomes: pinned to the latter.
 */
async function pinsFor(store: Store, legacy: Legacy[], moves: Move[]): Promise<Pin[]> {
  const renamed = new Map(moves.map((m) => [`${m.cluster}/${m.from}`, m.to]));
  const newestAfter = new Map<string, number>();
  for (const m of moves) {
    const ref = parseTaskDefinitionRef(m.to);
    if (ref?.revision !== undefined && m.status === 'ACTIVE') newestAfter.set(ref.family, Math.max(newestAfter.get(ref.family) ?? 0, ref.revision));
  }
  const pins: Pin[] = [];
  for (const kv of (await store.range(kindPrefix('Service'))).items) {
    const service = decodeObject('Service', kv);
    const ref = parseTaskDefinitionRef(service.spec.taskDefinition);
    if (!ref || ref.revision !== undefined) continue;
    const own = legacy.filter((l) => l.cluster === service.metadata.cluster && l.td.spec.family === ref.family && l.td.status?.status !== 'INACTIVE');
    const newestOwn = own.sort((a, b) => revisionOf(a.td) - revisionOf(b.td)).at(-1);
    const to = newestOwn && renamed.get(`${service.metadata.cluster}/${newestOwn.td.metadata.name}`);
    if (to !== undefined && to !== `${ref.family}:${newestAfter.get(ref.family)}`)
      pins.push({ cluster: service.metadata.cluster, service: service.metadata.name, family: ref.family, to });
  }
  return pins;
}

async function execute(store: Store, journal: Journal, log: Logger, now: () => Date, report: MigrationReport): Promise<void> {
  for (const move of journal.moves) {
    const legacyKey = `${legacyTaskDefinitionKeys.prefix()}${move.cluster}/${move.from}`;
    const kv = await store.get(legacyKey);
    if (!kv) continue; // done by an earlier (interrupted) run or another server
    if (move.writer) await writeAccountRevision(store, kv, move);
    if (move.from !== move.to) {
      report.renumbered[`${move.cluster}/${move.from}`] = move.to;
      await repoint(store, move, now);
    }
    await store.delete(legacyKey, { ifModRevision: kv.modRevision }).catch(ignoreConflict);
    report.moved++;
  }
  for (const pin of journal.pins) {
    const changed = await rewrite(store, objectKey({ kind: 'Service', cluster: pin.cluster, name: pin.service }), 'Service', (s) => {
      if (s.spec.taskDefinition !== pin.family) return false;
      s.spec.taskDefinition = pin.to;
      s.metadata.generation = (s.metadata.generation ?? 1) + 1;
      addEvent(
        s,
        now,
        `pinned to task definition ${pin.to} when task definitions moved to the account: following ${pin.family} would have rolled out another cluster's newer revision; set taskDefinition: ${pin.family} to follow the family again`,
      );
      return true;
    });
    if (changed) {
      report.pinned.push(`${pin.cluster}/${pin.service}`);
      log.warn(
        { cluster: pin.cluster, service: pin.service, taskDefinition: pin.to },
        'service pinned to its revision while task definitions moved to the account',
      );
    }
  }
}

async function writeAccountRevision(store: Store, kv: KeyValue, move: Move): Promise<void> {
  const td = decodeObject('TaskDefinition', kv);
  const revision = parseTaskDefinitionRef(move.to)?.revision;
  const moved: TaskDefinition = {
    ...td,
    metadata: { ...td.metadata, cluster: ACCOUNT_CLUSTER, name: move.to },
    status: { ...td.status, status: move.status, revision },
  };
  // Absent: write it; present: an earlier run (or another server) did.
  await store.txn({
    compare: [{ key: objectKey({ kind: 'TaskDefinition', cluster: ACCOUNT_CLUSTER, name: move.to }), modRevision: 0 }],
    success: [{ type: 'put', key: objectKey({ kind: 'TaskDefinition', cluster: ACCOUNT_CLUSTER, name: move.to }), value: encodeObject(moved) }],
  });
}

/** Every service and task of the move's cluster that names `from` names `to` instead. */
async function repoint(store: Store, move: Move, now: () => Date): Promise<void> {
  const swap = (name: string | undefined) => (name === move.from ? move.to : name);
  for (const kv of (await store.range(kindPrefix('Service', move.cluster))).items) {
    await rewrite(store, kv.key, 'Service', (s) => {
      const before = JSON.stringify([s.spec.taskDefinition, s.status]);
      if (s.spec.taskDefinition === move.from) {
        s.spec.taskDefinition = move.to;
        s.metadata.generation = (s.metadata.generation ?? 1) + 1;
      }
      if (s.status) {
        s.status.taskDefinition = swap(s.status.taskDefinition);
        s.status.resolvedTaskDefinition = swap(s.status.resolvedTaskDefinition);
        for (const d of s.status.deployments) d.taskDefinition = swap(d.taskDefinition) ?? d.taskDefinition;
        for (const h of s.status.history) h.taskDefinition = swap(h.taskDefinition) ?? h.taskDefinition;
      }
      if (JSON.stringify([s.spec.taskDefinition, s.status]) === before) return false;
      addEvent(
        s,
        now,
        `task definition ${move.from} of cluster ${move.cluster} is now ${move.to}: task definitions moved to the account, and another cluster held a different ${move.from}`,
      );
      return true;
    });
  }
  for (const kv of (await store.range(kindPrefix('Task', move.cluster))).items) {
    await rewrite(store, kv.key, 'Task', (t) => {
      if (t.spec.taskDefinition !== move.from) return false;
      t.spec.taskDefinition = move.to;
      return true;
    });
  }
}

/** Read, change, compare-and-swap; again on a conflict. False when `change` left it as it was (or it is gone). */
async function rewrite<K extends 'Service' | 'Task'>(store: Store, key: string, kind: K, change: (obj: ObjectOf<K>) => boolean): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const kv = await store.get(key);
    if (!kv) return false;
    const obj = decodeObject(kind, kv);
    if (!change(obj)) return false;
    const result = await store.txn({ compare: [{ key, modRevision: kv.modRevision }], success: [{ type: 'put', key, value: encodeObject(obj) }] });
    if (result.succeeded) return true;
  }
  throw new Error(`could not repoint ${key} after 20 conflicting writes`);
}

function addEvent(service: Service, now: () => Date, message: string): void {
  const status = service.status ?? { runningCount: 0, pendingCount: 0, desiredCount: 0, deployments: [], history: [], events: [] };
  status.events = [{ id: randomUUID(), createdAt: now().toISOString(), message }, ...status.events].slice(0, MAX_SERVICE_EVENTS);
  service.status = status;
}

/** Another server (or an earlier run) got there first: what it wrote is what this would have. */
function ignoreConflict(err: unknown): undefined {
  if (err instanceof ConflictError) return undefined;
  throw err;
}

function groupBy<T, K>(items: readonly T[], keyOf: (t: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
