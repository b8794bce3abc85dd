/**
 * Which of this instance's containers exist on the engine, by task: what a reconcile observes
 * instead of listing the engine each time (as the kubelet keeps a pod cache fed by its relists and
 * events). A filtered `GET /containers/json` cost dockerd ~6.6 ms of CPU with 70 containers, more
 * than a third of a create and a start (18.5 ms): two of them per task started made berth's engine
 * work measurably more than `docker run`'s.
 *
 * It is fed by a full list (agent start, every sweep, after Docker's event stream reopens), by
 * Docker's create and destroy events, and by the agent's own creates and removes. It only says
 * which containers to inspect: an inspect stays the truth about each one, and a container found
 * gone there is dropped. A container it misses (an event lost with a broken stream) is found by
 * the next relist; meanwhile a create of the same deterministic name conflicts and is adopted.
 */

/** A relist in progress: changes seen after it began win over its (older) snapshot. */
export interface Relist {
  readonly sequence: number;
}

export class ContainerIndex {
  /** Task name → its container ids. */
  private readonly byTask = new Map<string, Set<string>>();
  /** Container id → task name, and the sequence of the change that put it here. */
  private readonly entries = new Map<string, { task: string; sequence: number }>();
  /** Ids removed while a relist was in flight, with when, so its snapshot cannot revive them. */
  private readonly removed = new Map<string, number>();
  private sequence = 0;
  private relistsInFlight = 0;

  /** The ids of `task`'s containers, as far as this agent knows. */
  ofTask(task: string): string[] {
    const ids = this.byTask.get(task);
    return ids ? [...ids] : [];
  }

  add(id: string, task: string): void {
    const current = this.entries.get(id);
    if (current?.task === task) return;
    if (current) this.detach(id, current.task);
    this.entries.set(id, { task, sequence: ++this.sequence });
    this.removed.delete(id);
    let ids = this.byTask.get(task);
    if (!ids) this.byTask.set(task, (ids = new Set()));
    ids.add(id);
  }

  remove(id: string): void {
    const current = this.entries.get(id);
    if (current) {
      this.entries.delete(id);
      this.detach(id, current.task);
    }
    if (this.relistsInFlight > 0) this.removed.set(id, ++this.sequence);
  }

  /** Call before listing the engine; hand the token and the list to `finishRelist`. */
  beginRelist(): Relist {
    this.relistsInFlight++;
    return { sequence: this.sequence };
  }

  /**
   * Replaces what is known with the engine's list, except for what changed after the list was
   * asked for: a container added since is kept, one removed since stays removed.
   */
  finishRelist(relist: Relist, listed: readonly { id: string; task: string }[]): void {
    const fresh = new Set<string>();
    for (const { id, task } of listed) {
      const removedAt = this.removed.get(id);
      if (removedAt !== undefined && removedAt > relist.sequence) continue;
      fresh.add(id);
      this.add(id, task);
    }
    for (const [id, entry] of this.entries) if (!fresh.has(id) && entry.sequence <= relist.sequence) this.remove(id);
    this.abandonRelist();
  }

  /** A relist that failed: nothing is replaced. */
  abandonRelist(): void {
    this.relistsInFlight = Math.max(0, this.relistsInFlight - 1);
    if (this.relistsInFlight === 0) this.removed.clear();
  }

  private detach(id: string, task: string): void {
    const ids = this.byTask.get(task);
    if (!ids) return;
    ids.delete(id);
    if (ids.size === 0) this.byTask.delete(task);
  }
}
