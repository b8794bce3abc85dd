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
 *
 * It also keeps the exits Docker has announced (die events) that no inspect has confirmed yet:
 * Docker sends `die` when the process has ended, then tears down the container's network and
 * mounts holding the container's lock, and a stop or an inspect returns only after that (150–450 ms
 * later on a busy engine). The agent reports the exit from the event, as the ECS agent does.
 */

import type { RuntimeEvent } from './runtime/types.js';

/** What Docker's die event says of an exit. */
export interface ContainerExit {
  exitCode: number;
  /** Epoch ms. */
  at: number;
  /** Docker sent `oom` for it before the die. */
  oomKilled: boolean;
}

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
  private readonly exits = new Map<string, ContainerExit>();
  private readonly exitWaiters = new Map<string, Set<() => void>>();
  /** Containers Docker reported out of memory (`oom` comes before their `die`). */
  private readonly oomKilled = new Set<string>();

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

  /** What one of Docker's events (of a container of `task`) tells the index. */
  learn(event: RuntimeEvent, task: string): void {
    switch (event.type) {
      case 'create':
        return this.add(event.id, task);
      case 'destroy':
        return this.remove(event.id);
      case 'oom':
        return this.outOfMemory(event.id);
      case 'die':
        return this.exited(event.id, { exitCode: event.exitCode ?? -1, at: event.time });
      case 'start': // started again (a restartPolicy, or someone else): the exit is history
        return this.forgetExit(event.id);
      case 'health_status':
        return;
    }
  }

  /** Docker reported container `id` out of memory: its coming exit is an OOM kill. */
  outOfMemory(id: string): void {
    this.oomKilled.add(id);
  }

  /** Docker announced that container `id` exited (its die event). */
  exited(id: string, exit: Omit<ContainerExit, 'oomKilled'>): void {
    this.exits.set(id, { ...exit, oomKilled: this.oomKilled.delete(id) });
    for (const wake of this.exitWaiters.get(id) ?? []) wake();
    this.exitWaiters.delete(id);
  }

  /** The announced exit of `id` that no inspect has confirmed yet. */
  exitOf(id: string): ContainerExit | undefined {
    return this.exits.get(id);
  }

  /** An inspect saw `id` exited (or running again): the engine's word replaces the event's. */
  forgetExit(id: string): void {
    this.exits.delete(id);
  }

  /** Resolves when Docker announces the exit of `id`; `cancel` when no longer waiting. */
  whenExited(id: string): { exited: Promise<void>; cancel: () => void } {
    if (this.exits.has(id)) return { exited: Promise.resolve(), cancel: () => undefined };
    let wake: () => void = () => undefined;
    const exited = new Promise<void>((resolve) => (wake = resolve));
    let waiters = this.exitWaiters.get(id);
    if (!waiters) this.exitWaiters.set(id, (waiters = new Set()));
    waiters.add(wake);
    const cancel = () => {
      waiters.delete(wake);
      if (waiters.size === 0 && this.exitWaiters.get(id) === waiters) this.exitWaiters.delete(id);
    };
    return { exited, cancel };
  }

  remove(id: string): void {
    this.exits.delete(id);
    this.oomKilled.delete(id);
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
