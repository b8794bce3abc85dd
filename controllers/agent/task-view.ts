/**
 * The agent's view of its tasks: the informer's cache, corrected by the agent's own status writes
 * until the watch delivers them. Without the correction, a reconcile right after a write would plan
 * from the status before it and write the same step again.
 *
 * It also recognises the watch's echo of a version the worker already had in hand (its own status
 * write, or the task it re-read after a conflict): the worker planned from that version in the same
 * reconcile, so the echo brings nothing new and needs no reconcile of its own (each one costs a
 * list and inspect on the Docker engine, competing with the starts and stops under way).
 */
import type { Task } from '../../api/v1/task.js';

export interface TaskCache {
  get(name: string): Task | undefined;
}

const revisionOf = (t: Task) => Number(t.metadata.resourceVersion ?? 0);

export class TaskView {
  private readonly written = new Map<string, Task>();
  /** The resourceVersion of the last version the worker observed itself, until the watch echoes it. */
  private readonly echoes = new Map<string, string>();

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
    const version = task.metadata.resourceVersion;
    const echo = this.echoes.get(task.metadata.name);
    if (version !== undefined && (echo === undefined || Number(version) >= Number(echo))) this.echoes.set(task.metadata.name, version);
  }

  /**
   * True once for the watch's delivery of a version the worker observed itself (see observeWrite):
   * the worker already planned from it. Any other version — a change made by someone else — is new.
   */
  isEcho(task: Task): boolean {
    const name = task.metadata.name;
    const echo = this.echoes.get(name);
    if (echo === undefined || task.metadata.resourceVersion === undefined) return false;
    // The watch has reached (or passed) the echoed version: nothing more to wait for.
    if (Number(task.metadata.resourceVersion) >= Number(echo)) this.echoes.delete(name);
    return task.metadata.resourceVersion === echo;
  }

  /** The task is gone: drop the agent's own version of it. */
  forget(name: string): void {
    this.written.delete(name);
    this.echoes.delete(name);
  }
}
