/**
 * The agent's view of its tasks: the informer's cache, corrected by the agent's own status writes
 * until the watch delivers them. Without the correction, a reconcile right after a write would plan
 * from the status before it and write the same step again.
 */
import type { Task } from '../../api/v1/task.js';

export interface TaskCache {
  get(name: string): Task | undefined;
}

const revisionOf = (t: Task) => Number(t.metadata.resourceVersion ?? 0);

export class TaskView {
  private readonly written = new Map<string, Task>();

  constructor(private readonly cache: TaskCache) {}

  /** The newest known version of the task, or undefined when it is gone (or not bound here). */
  current(name: string): Task | undefined {
    const cached = this.cache.get(name);
    const mine = this.written.get(name);
    // Every task reaches the agent through the cache first, so one missing there was deleted.
    if (!mine || !cached || revisionOf(cached) >= revisionOf(mine)) {
      this.written.delete(name);
      return cached;
    }
    return mine;
  }

  /** A version the agent wrote or read itself, newer than the cache may have yet. */
  observeWrite(task: Task): void {
    const have = this.written.get(task.metadata.name);
    if (!have || revisionOf(task) >= revisionOf(have)) this.written.set(task.metadata.name, task);
  }

  /** The task is gone: drop the agent's own version of it. */
  forget(name: string): void {
    this.written.delete(name);
  }
}
