/**
 * What the proxy should serve, from the cluster's LoadBalancers and TargetGroups (pure): listeners
 * (the config's frontends, changed only by a reload) and each group's servers (changed through the
 * Runtime API). A listener that cannot be served (its port taken by another load balancer, a group
 * that does not exist, an HTTP listener forwarding to a TCP group) is left out with the reason.
 */
import type { ForwardAction, Listener, LoadBalancer } from '../../../api/v1/load-balancer.js';
import { targetGroupNameOf } from '../../../api/v1/target-group-ref.js';
import type { TargetGroup, TargetGroupSpec } from '../../../api/v1/target-group.js';
import { targetKey } from '../conventions.js';

export interface DesiredServer {
  /** HAProxy server name: targetKey, stable for the target. */
  name: string;
  address: string;
  port: number;
  draining: boolean;
}

export interface DesiredBackend {
  name: string;
  group: string;
  spec: TargetGroupSpec;
  servers: DesiredServer[];
}

export interface DesiredFrontend {
  name: string;
  loadBalancer: string;
  /** The load balancer's generation this listener comes from (proxies report the generation they route). */
  generation: number;
  /** The target groups its actions forward to. */
  groups: string[];
  listener: Listener;
}

export interface Desired {
  frontends: DesiredFrontend[];
  backends: DesiredBackend[];
  /** Listeners left out, and why. */
  skipped: string[];
}

export const backendName = (group: string) => `tg_${group}`;

/** Load balancer → generation, of the listeners forwarding to `group` (what a proxy reports routing, on that group). */
export function generationsForwardingTo(frontends: readonly DesiredFrontend[], group: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of frontends) if (f.groups.includes(group)) out[f.loadBalancer] = f.generation;
  return out;
}
export const frontendName = (lb: string, port: number) => `lb_${lb}_${port}`;

function actionGroups(a: ForwardAction): string[] {
  const one = targetGroupNameOf(a);
  if (one !== undefined) return [one];
  return (a.forwardConfig?.targetGroups ?? []).map(targetGroupNameOf).filter((n): n is string => n !== undefined);
}

export function desiredState(loadBalancers: readonly LoadBalancer[], groups: readonly TargetGroup[]): Desired {
  const byName = new Map(groups.map((g) => [g.metadata.name, g]));
  const skipped: string[] = [];
  const frontends: DesiredFrontend[] = [];
  const ports = new Map<number, string>();
  for (const lb of [...loadBalancers].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    for (const listener of lb.spec.listeners) {
      const where = `load balancer ${lb.metadata.name} listener ${listener.port}`;
      const taken = ports.get(listener.port);
      if (taken !== undefined) {
        skipped.push(`${where}: port ${listener.port} is served by load balancer ${taken}; give one of them another port`);
        continue;
      }
      const named = [...listener.defaultActions, ...listener.rules.flatMap((r) => r.actions)].flatMap(actionGroups);
      const missing = named.filter((n) => !byName.has(n));
      if (missing.length > 0) {
        skipped.push(`${where}: no target group ${missing.join(', ')}; create it or fix the name`);
        continue;
      }
      const mismatched = named.filter((n) => byName.get(n)?.spec.protocol !== listener.protocol);
      if (mismatched.length > 0) {
        skipped.push(`${where}: a ${listener.protocol} listener cannot forward to target group ${mismatched.join(', ')} of another protocol`);
        continue;
      }
      ports.set(listener.port, lb.metadata.name);
      frontends.push({
        name: frontendName(lb.metadata.name, listener.port),
        loadBalancer: lb.metadata.name,
        generation: lb.metadata.generation ?? 0,
        groups: [...new Set(named)],
        listener,
      });
    }
  }
  const backends = [...groups]
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map((g) => ({
      name: backendName(g.metadata.name),
      group: g.metadata.name,
      spec: g.spec,
      servers: (g.status?.targets ?? []).map((t) => ({ name: targetKey(t), address: t.id, port: t.port, draining: t.health === 'draining' })),
    }));
  return { frontends, backends, skipped };
}
