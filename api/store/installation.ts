/**
 * The installation's identity: a UID made once, the first time a berth server opens its store, and
 * never changed. The agents put it on every container, network and volume they make (label
 * `berth.installation`) and touch nothing without it, so two installations that share one Docker
 * engine (same cluster and instance names or not) never list, adopt or remove each other's objects.
 *
 * It lives in the store, not in a file beside the server, so that every server of an etcd-backed
 * installation agrees on it, and an installation under another etcd prefix has another.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { sysKeys } from '../keys.js';
import { AlreadyExistsError, InstallationRecordError } from './errors.js';
import type { Store } from './types.js';

export const InstallationRecord = z.object({ uid: z.uuid(), createdAt: z.iso.datetime() });
export type InstallationRecord = z.infer<typeof InstallationRecord>;

/** The store's installation record, created on the first call (any number of servers may race: one create wins). */
export async function ensureInstallation(store: Store, now: () => number = Date.now): Promise<InstallationRecord> {
  const key = sysKeys.installation();
  const existing = await store.get(key);
  if (existing) return parseRecord(key, existing.value);
  const mine: InstallationRecord = { uid: randomUUID(), createdAt: new Date(now()).toISOString() };
  try {
    await store.create(key, JSON.stringify(mine));
    return mine;
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
  }
  const winner = await store.get(key);
  if (!winner) throw new InstallationRecordError(key, 'it was deleted while being created');
  return parseRecord(key, winner.value);
}

function parseRecord(key: string, value: string): InstallationRecord {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new InstallationRecordError(key, 'not JSON');
  }
  const parsed = InstallationRecord.safeParse(json);
  if (!parsed.success) throw new InstallationRecordError(key, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  return parsed.data;
}
