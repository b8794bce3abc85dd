/**
 * What this controller just wrote and the shared cache has not shown yet (controller-runtime's
 * "expectations", as the ReplicaSet controller keeps them). Reconciles read tasks from the cache;
 * without this, a reconcile that ran before the cache saw the two tasks just created would create
 * two more. Until the cache shows every create and stop (or the timeout passes), the service waits.
 */
import type { ObjectOf } from '../kit/types.js';

type Task = ObjectOf<'Task'>;

interface Pending {
  creates: Set<string>;
  stops: Set<string>;
  since: number;
}

export class Expectations {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly timeoutMs: number) {}

  expectCreates(key: string, names: readonly string[], now: number): void {
    for (const name of names) this.entry(key, now).creates.add(name);
  }

  expectStops(key: string, names: readonly string[], now: number): void {
    for (const name of names) this.entry(key, now).stops.add(name);
  }

  /** A write that failed will never show up: stop waiting for it. */
  forgetTask(key: string, name: string): void {
    const p = this.pending.get(key);
    p?.creates.delete(name);
    p?.stops.delete(name);
  }

  forget(key: string): void {
    this.pending.delete(key);
  }

  /** True when the cached `tasks` show every expected write, or the wait timed out. */
  satisfied(key: string, tasks: readonly Task[], now: number): boolean {
    const p = this.pending.get(key);
    if (!p) return true;
    const byName = new Map(tasks.map((t) => [t.metadata.name, t]));
    for (const name of p.creates) if (byName.has(name)) p.creates.delete(name);
    for (const name of p.stops) {
      const t = byName.get(name);
      if (!t || t.spec.desiredStatus === 'STOPPED') p.stops.delete(name);
    }
    if ((p.creates.size === 0 && p.stops.size === 0) || now - p.since >= this.timeoutMs) {
      this.pending.delete(key);
      return true;
    }
    return false;
  }

  private entry(key: string, now: number): Pending {
    let p = this.pending.get(key);
    if (!p) {
      p = { creates: new Set(), stops: new Set(), since: now };
      this.pending.set(key, p);
    }
    return p;
  }
}
