/**
 * In which order a task's containers start and stop, from their dependsOn (and links/volumesFrom,
 * which ECS also orders by: a container starts after the containers it links to or takes volumes
 * from, as an implicit START dependency unless dependsOn names a condition for that pair).
 *
 * Pure: the agent calls `startPlan` once per task, then `dependencyState` on every observation to
 * learn whether a waiting container may start now, must keep waiting, or can never start.
 */
import type { ContainerDefinition } from '../../../api/v1/container-definition.js';
import { linkTarget } from '../../../api/v1/container-definition.js';
import type { ContainerDependency } from '../../../api/v1/container-parts.js';
import { ContainerSpecError } from './errors.js';
import type { ContainerHealth } from './types.js';

export type DependencyCondition = ContainerDependency['condition'];

export interface StartPlan {
  /** Containers in groups: every container of a wave depends only on containers of earlier waves. */
  waves: string[][];
  /** What each container waits for before it may start (empty: nothing). */
  waitsFor: Record<string, ContainerDependency[]>;
  /** Stop order: the start waves reversed, so dependents stop before what they depend on. */
  stopWaves: string[][];
}

type Definition = Pick<ContainerDefinition, 'name' | 'dependsOn' | 'links' | 'volumesFrom'>;

export function startPlan(containers: readonly Definition[]): StartPlan {
  const names = new Set(containers.map((c) => c.name));
  const waitsFor: Record<string, ContainerDependency[]> = {};
  for (const c of containers) waitsFor[c.name] = dependenciesOf(c, names);

  const waves: string[][] = [];
  const placed = new Set<string>();
  while (placed.size < containers.length) {
    // Definition order within a wave, so the plan is the same every time.
    const wave = containers.filter((c) => !placed.has(c.name) && (waitsFor[c.name] ?? []).every((d) => placed.has(d.containerName))).map((c) => c.name);
    if (wave.length === 0) {
      const stuck = containers.filter((c) => !placed.has(c.name)).map((c) => c.name);
      throw new ContainerSpecError(stuck.join(', '), 'dependsOn', `containers wait on each other in a cycle (${stuck.join(', ')}); no start order exists`);
    }
    wave.forEach((n) => placed.add(n));
    waves.push(wave);
  }
  return { waves, waitsFor, stopWaves: [...waves].reverse().map((w) => [...w]) };
}

function dependenciesOf(c: Definition, names: ReadonlySet<string>): ContainerDependency[] {
  const deps = new Map<string, DependencyCondition>();
  const implicit = [...(c.links ?? []).map(linkTarget), ...(c.volumesFrom ?? []).map((v) => v.sourceContainer)];
  for (const target of implicit) deps.set(target, 'START');
  for (const d of c.dependsOn ?? []) deps.set(d.containerName, d.condition);
  for (const target of deps.keys()) {
    if (target === c.name) throw new ContainerSpecError(c.name, 'dependsOn', 'a container cannot depend on itself');
    if (!names.has(target)) throw new ContainerSpecError(c.name, 'dependsOn', `no container named "${target}" in the task`);
  }
  return [...deps].map(([containerName, condition]) => ({ containerName, condition }));
}

/** What the agent has observed of a dependency. */
export interface ObservedDependency {
  /** It has been started at least once (it may have exited since). */
  started: boolean;
  exited: boolean;
  exitCode?: number;
  health: ContainerHealth;
}

/**
 * `satisfied`: the condition holds; `waiting`: it may still come to hold; `unsatisfiable`: it never
 * will (SUCCESS after a non-zero exit, HEALTHY after the dependency exited), so the task fails to
 * start, as ECS stops it with TaskFailedToStart. An unhealthy dependency is still `waiting`: Docker
 * flips it back to healthy when the check passes again, and the container's startTimeout bounds the wait.
 */
export type DependencyState = 'satisfied' | 'waiting' | 'unsatisfiable';

export function dependencyState(condition: DependencyCondition, d: ObservedDependency): DependencyState {
  switch (condition) {
    case 'START':
      return d.started ? 'satisfied' : 'waiting';
    case 'COMPLETE':
      return d.exited ? 'satisfied' : 'waiting';
    case 'SUCCESS':
      if (!d.exited) return 'waiting';
      return d.exitCode === 0 ? 'satisfied' : 'unsatisfiable';
    case 'HEALTHY':
      if (d.health === 'healthy') return 'satisfied';
      return d.exited ? 'unsatisfiable' : 'waiting';
  }
}

/** Whether a container may start now: every dependency satisfied, or the first one that never will be. */
export function readiness(
  waits: readonly ContainerDependency[],
  observe: (container: string) => ObservedDependency | undefined,
): { state: DependencyState; blockedBy?: ContainerDependency } {
  let waiting: ContainerDependency | undefined;
  for (const dep of waits) {
    const seen = observe(dep.containerName);
    const state = seen ? dependencyState(dep.condition, seen) : 'waiting';
    if (state === 'unsatisfiable') return { state, blockedBy: dep };
    if (state === 'waiting') waiting ??= dep;
  }
  return waiting ? { state: 'waiting', blockedBy: waiting } : { state: 'satisfied' };
}
