/**
 * Which tasks to stop when a service scales in, as ECS documents it for each strategy:
 * - spread(field): stop from the most crowded value of the field first, keeping the spread
 *   balanced (ECS: "selects tasks to terminate that maintain a balance across Availability Zones");
 * - binpack(field): stop the task whose instance has the most of the resource left once it is
 *   stopped, so the least-used instances empty first and can be let go;
 * - random: pick at random among what the earlier strategies left tied (only with an `rng`).
 * Strategies apply in order, each breaking the ties of the one before; what is still tied after
 * them goes newest first (the task most recently created), then by name, so the answer is stable.
 * No strategies means DEFAULT_PLACEMENT_STRATEGIES, as for placement.
 * Each pick updates the counts and free resources the next pick sees.
 */
import { ATTRIBUTE_FIELD_PREFIX, type PlacementStrategy } from '../../../api/v1/index.js';
import type { Rng } from './place.js';
import { effectiveStrategies } from './strategies.js';

export interface StoppableTask {
  readonly name: string;
  readonly instance: {
    readonly name: string;
    readonly attributes?: Readonly<Record<string, string>>;
    /** Free on the instance now (before this task stops); needed only by binpack. */
    readonly remainingCpu?: number;
    readonly remainingMemory?: number;
  };
  /** What the task holds, freed when it stops; needed only by binpack. */
  readonly cpu?: number;
  readonly memory?: number;
  /** RFC 3339; a task without one counts as the newest. */
  readonly createdAt?: string;
}

/** Up to `count` task names, in the order they should be stopped. */
export function chooseTasksToStop(tasks: readonly StoppableTask[], count: number, strategies?: readonly PlacementStrategy[], rng?: Rng): string[] {
  const order = effectiveStrategies(strategies);
  const left = [...tasks];
  const free = new Map<string, { cpu: number; memory: number }>();
  for (const t of tasks)
    if (!free.has(t.instance.name)) free.set(t.instance.name, { cpu: t.instance.remainingCpu ?? 0, memory: t.instance.remainingMemory ?? 0 });

  const chosen: string[] = [];
  while (chosen.length < count && left.length > 0) {
    let tied = left;
    for (const s of order) {
      if (tied.length <= 1) break;
      if (s.type === 'random') {
        const one = rng ? tied[Math.min(tied.length - 1, Math.floor(rng() * tied.length))] : undefined;
        if (one) tied = [one];
        break;
      }
      const score = s.type === 'spread' ? crowding(s.field ?? 'instanceId', left) : freedAfterStop(s.field, free);
      tied = keepHighest(tied, score);
    }
    const pick = tied.reduce((a, b) => (newerOrFirstByName(b, a) ? b : a));
    chosen.push(pick.name);
    left.splice(left.indexOf(pick), 1);
    const f = free.get(pick.instance.name);
    if (f) {
      f.cpu += pick.cpu ?? 0;
      f.memory += pick.memory ?? 0;
    }
  }
  return chosen;
}

/** How many of the remaining tasks share this task's value of `field`. */
function crowding(field: string, left: readonly StoppableTask[]): (t: StoppableTask) => number {
  const valueOf = (t: StoppableTask) =>
    field.startsWith(ATTRIBUTE_FIELD_PREFIX) ? t.instance.attributes?.[field.slice(ATTRIBUTE_FIELD_PREFIX.length)] : t.instance.name;
  const counts = new Map<string | undefined, number>();
  for (const t of left) counts.set(valueOf(t), (counts.get(valueOf(t)) ?? 0) + 1);
  return (t) => counts.get(valueOf(t)) ?? 0;
}

/** The resource left on the task's instance once the task stops. */
function freedAfterStop(field: string | undefined, free: ReadonlyMap<string, { cpu: number; memory: number }>): (t: StoppableTask) => number {
  return field === 'cpu' ? (t) => (free.get(t.instance.name)?.cpu ?? 0) + (t.cpu ?? 0) : (t) => (free.get(t.instance.name)?.memory ?? 0) + (t.memory ?? 0);
}

function keepHighest(tasks: readonly StoppableTask[], score: (t: StoppableTask) => number): StoppableTask[] {
  let best = -Infinity;
  for (const t of tasks) best = Math.max(best, score(t));
  return tasks.filter((t) => score(t) === best);
}

/** Is `a` stopped before `b`: newer first (no timestamp = newest), then by name. */
function newerOrFirstByName(a: StoppableTask, b: StoppableTask): boolean {
  const at = a.createdAt === undefined ? Infinity : Date.parse(a.createdAt);
  const bt = b.createdAt === undefined ? Infinity : Date.parse(b.createdAt);
  if (at !== bt) return at > bt;
  return a.name < b.name;
}
