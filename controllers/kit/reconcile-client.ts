/**
 * The client one reconcile gets when its controller declares rate control (`pacing`,
 * `statusWrites`): berth's client, watched by the runner. It measures how long the reconcile waited
 * for the API (so pacing counts only the reconcile's own time: its observe and plan), notes whether
 * it wrote, and holds back a status write of the request's own object that the controller lets wait
 * (the runner then looks at the key again when the interval is up, so the last write always lands).
 */
import type { Clock } from './clock.js';
import type { WriteIntervals } from './pacing.js';
import type { KitClient, KitObject, KitRef, ObjectRef } from './types.js';

/** How a controller's status writes are coalesced, as its checked definition holds it. */
export interface StatusCoalescing {
  readonly intervals: WriteIntervals;
  /** True when the change from `current` to `next` (statuses) may wait for the interval. */
  readonly when: (current: unknown, next: unknown) => boolean;
}

/** What the runner learns of one reconcile's calls. */
export interface ReconcileTrace {
  /** Milliseconds during which at least one call was waiting for the API. */
  readonly ioMs: number;
  /** True once a write went through (a create, update, delete, or a mutate that changed something). */
  readonly wrote: boolean;
  /** Set when a status write was held back: look again in this many ms. */
  readonly statusHeldMs: number | undefined;
}

/** Thrown inside `mutate`'s change to leave the object as stored; never escapes `tracedClient`. */
class HeldBack extends Error {
  override readonly name = 'HeldBack';
}

function isOwnObject(kind: string, ref: KitRef, own: ObjectRef): boolean {
  if (kind !== own.kind || ref.name !== own.name) return false;
  return kind === 'Cluster' || (ref.cluster ?? 'default') === own.cluster;
}

/** `inner`, timed and traced for one reconcile of `own` (its request). */
export function tracedClient(
  inner: KitClient,
  clock: Clock,
  own: ObjectRef,
  ownKey: string,
  coalescing: StatusCoalescing | undefined,
): { client: KitClient; trace: () => ReconcileTrace } {
  let inFlight = 0;
  let since = 0;
  let ioMs = 0;
  let wrote = false;
  let statusHeldMs: number | undefined;

  // The union of the calls' waits: overlapping calls (a pool of creates) count once.
  const io = async <T>(call: () => Promise<T>): Promise<T> => {
    if (inFlight++ === 0) since = clock.now();
    try {
      return await call();
    } finally {
      if (--inFlight === 0) ioMs += clock.now() - since;
    }
  };
  const write = async <T>(call: () => Promise<T>): Promise<T> => {
    const result = await io(call);
    wrote = true;
    return result;
  };

  // The request's own object as this reconcile last read or wrote it: whether a status change may
  // wait is decided on it without another read (its status has one writer: this controller, and a
  // key is never reconciled twice at once).
  let ownSeen: KitObject | undefined;
  const see = <T>(kind: string, ref: KitRef, object: T): T => {
    if (coalescing && isOwnObject(kind, ref, own)) ownSeen = object as KitObject | undefined;
    return object;
  };
  const hold = (waitMs: number): void => {
    statusHeldMs = Math.min(statusHeldMs ?? Infinity, waitMs);
  };

  const client: KitClient = {
    get: async (kind, ref) => see(kind, ref, await io(() => inner.get(kind, ref))),
    list: (kind, options) => io(() => inner.list(kind, options)),
    create: (object) => write(() => inner.create(object)),
    update: (object) => write(() => inner.update(object)),
    updateStatus: async (object) => {
      const written = await write(() => inner.updateStatus(object));
      if (coalescing && isOwnObject(written.kind, written.metadata, own)) coalescing.intervals.record(ownKey, clock.now());
      return see(written.kind, written.metadata, written);
    },
    updateFrom: (current, next) => write(() => inner.updateFrom(current, next)),
    delete: (kind, ref) => write(() => inner.delete(kind, ref)),
    deleteMany: (kind, refs) => write(() => inner.deleteMany(kind, refs)),
    async mutate(kind, ref, change, options) {
      const coalesce = coalescing !== undefined && options?.subresource === 'status' && isOwnObject(kind, ref, own) ? coalescing : undefined;
      if (!coalesce) return noteWrite(await io(() => inner.mutate(kind, ref, change, options)));
      const waitMs = coalesce.intervals.waitFor(ownKey, clock.now());
      const seen = ownSeen as Parameters<typeof change>[0] | undefined;
      if (waitMs > 0 && seen !== undefined && mayWait(seen, change, coalesce)) {
        hold(waitMs);
        return { object: seen, changed: false };
      }
      // Not read in this reconcile: decided on the object as stored, inside the write.
      let heldObject: typeof seen;
      const guarded: typeof change = (obj) => {
        const before = waitMs > 0 ? structuredClone(obj) : undefined;
        change(obj);
        if (before !== undefined && coalesce.when(before.status, obj.status)) {
          heldObject = before;
          throw new HeldBack('status write held back for the interval');
        }
      };
      try {
        const result = noteWrite(await io(() => inner.mutate(kind, ref, guarded, options)));
        if (result.changed) coalesce.intervals.record(ownKey, clock.now());
        see(kind, ref, result.object);
        return result;
      } catch (err) {
        if (!(err instanceof HeldBack) || heldObject === undefined) throw err;
        hold(waitMs);
        return { object: heldObject, changed: false };
      }
    },
  };
  const noteWrite = <R extends { changed: boolean }>(result: R): R => {
    if (result.changed) wrote = true;
    return result;
  };
  return { client, trace: () => ({ ioMs, wrote, statusHeldMs }) };
}

/** True when `change` applied to a copy of `seen` makes a status change that may wait; false when the change fails on it. */
function mayWait<T extends { status?: unknown }>(seen: T, change: (obj: T) => void, coalesce: StatusCoalescing): boolean {
  const copy = structuredClone(seen);
  try {
    change(copy);
  } catch {
    return false; // let the write itself, on the stored object, say what is wrong
  }
  return coalesce.when(seen.status, copy.status);
}
