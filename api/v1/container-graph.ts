/**
 * Which containers of a task wait for which: the edges that links, volumesFrom and dependsOn draw.
 * The agent starts containers in this order, so the references must resolve and must not loop.
 */
import { linkTarget, type ContainerDefinition } from './container-definition.js';

export type Path = (string | number)[];
export interface RuleIssue {
  path: Path;
  message: string;
}

/** One reference from a container to another, with where it was written. */
export interface ContainerEdge {
  from: string;
  to: string;
  path: Path;
}

/** Every reference to another container, valid or not; `path` is relative to the task definition spec. */
export function containerEdges(containers: readonly ContainerDefinition[]): ContainerEdge[] {
  const edges: ContainerEdge[] = [];
  containers.forEach((c, i) => {
    const at = ['containerDefinitions', i];
    c.links?.forEach((l, k) => edges.push({ from: c.name, to: linkTarget(l), path: [...at, 'links', k] }));
    c.volumesFrom?.forEach((v, k) => edges.push({ from: c.name, to: v.sourceContainer, path: [...at, 'volumesFrom', k, 'sourceContainer'] }));
    c.dependsOn?.forEach((d, k) => edges.push({ from: c.name, to: d.containerName, path: [...at, 'dependsOn', k, 'containerName'] }));
  });
  return edges;
}

/** References to containers that do not exist, or to the container itself. */
export function danglingReferenceIssues(containers: readonly ContainerDefinition[]): RuleIssue[] {
  const names = new Set(containers.map((c) => c.name));
  const issues: RuleIssue[] = [];
  for (const e of containerEdges(containers)) {
    if (e.to === e.from) issues.push({ path: e.path, message: `container "${e.from}" cannot refer to itself` });
    else if (!names.has(e.to))
      issues.push({
        path: e.path,
        message: `no container named "${e.to}" in this task definition (containers: ${[...names].join(', ')})`,
      });
  }
  return issues;
}

/** One issue per cycle, at the reference that closes it, naming the whole loop. */
export function cycleIssues(containers: readonly ContainerDefinition[]): RuleIssue[] {
  const names = new Set(containers.map((c) => c.name));
  const out = new Map<string, ContainerEdge[]>();
  for (const e of containerEdges(containers)) {
    if (e.to === e.from || !names.has(e.to)) continue; // reported as dangling instead
    out.set(e.from, [...(out.get(e.from) ?? []), e]);
  }
  const issues: RuleIssue[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const e of out.get(name) ?? []) {
      const s = state.get(e.to);
      if (s === 'visiting') {
        const loop = [...stack.slice(stack.indexOf(e.to)), e.to];
        issues.push({ path: e.path, message: `containers wait on each other in a cycle: ${loop.join(' -> ')}` });
      } else if (s === undefined) visit(e.to);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const c of containers) if (!state.has(c.name)) visit(c.name);
  return issues;
}
