/**
 * A listener forwards only to target groups of its own protocol: ELB refuses CreateListener,
 * ModifyListener and CreateRule with IncompatibleProtocols otherwise (an HTTP listener belongs to an
 * Application Load Balancer, whose target groups are HTTP; a TCP one to a Network Load Balancer,
 * whose groups are TCP). These pure functions find such forwards in a LoadBalancer, or the listeners
 * a TargetGroup's protocol would break; the write path (api/usecases/resources) refuses them, so the
 * proxy never has to leave a listener out for it (controllers/lb/proxy/desired.ts still does, for
 * objects stored before this check or written concurrently).
 */
import type { LoadBalancerSpec } from './load-balancer.js';
import { targetGroupNameOf } from './target-group-ref.js';
import type { TargetGroupSpec } from './target-group.js';

type Protocol = TargetGroupSpec['protocol'];

export interface ListenerProtocolIssue {
  /** Path inside the object: ['spec', 'listeners', 0, 'defaultActions', 0, 'targetGroupName']. */
  path: (string | number)[];
  message: string;
}

/** One target group a listener forwards to, and where the LoadBalancer names it. */
export interface ListenerForward {
  path: (string | number)[];
  port: number;
  protocol: Protocol;
  group: string;
}

type Ref = { targetGroupArn?: string | undefined; targetGroupName?: string | undefined };

const refField = (ref: Ref) => (ref.targetGroupName !== undefined ? 'targetGroupName' : 'targetGroupArn');

/** Every target group each listener's default action and rules forward to. */
export function listenerForwards(spec: LoadBalancerSpec): ListenerForward[] {
  return spec.listeners.flatMap((l, i) => {
    const actions = [
      ...l.defaultActions.map((a, j) => ({ a, at: ['spec', 'listeners', i, 'defaultActions', j] })),
      ...l.rules.flatMap((r, k) => r.actions.map((a, j) => ({ a, at: ['spec', 'listeners', i, 'rules', k, 'actions', j] }))),
    ];
    return actions.flatMap(({ a, at }) => {
      const refs: Array<{ ref: Ref; path: (string | number)[] }> =
        a.forwardConfig === undefined
          ? [{ ref: a, path: [...at, refField(a)] }]
          : a.forwardConfig.targetGroups.map((g, k) => ({ ref: g, path: [...at, 'forwardConfig', 'targetGroups', k, refField(g)] }));
      return refs.flatMap(({ ref, path }) => {
        const group = targetGroupNameOf(ref);
        return group === undefined ? [] : [{ path, port: l.port, protocol: l.protocol, group }];
      });
    });
  });
}

/**
 * The forwards of a LoadBalancer to a target group of another protocol. `protocolOf` gives a group's
 * protocol, undefined for a group that does not exist yet (not judged: it is judged when it is created).
 */
export function listenerProtocolIssues(spec: LoadBalancerSpec, protocolOf: (group: string) => Protocol | undefined): ListenerProtocolIssue[] {
  return listenerForwards(spec).flatMap((f) => {
    const theirs = protocolOf(f.group);
    if (theirs === undefined || theirs === f.protocol) return [];
    return [
      {
        path: f.path,
        message:
          `listener ${f.port} is ${f.protocol} but target group "${f.group}" is ${theirs}, and a listener forwards only to target groups of its own protocol ` +
          `(ELB's IncompatibleProtocols); name a ${f.protocol} target group here, or make the listener ${theirs}`,
      },
    ];
  });
}

/** The listeners of `loadBalancers` that forward to `group` and would not take its `protocol`. */
export function targetGroupProtocolIssues(
  group: string,
  protocol: Protocol,
  loadBalancers: readonly { metadata: { name: string }; spec: LoadBalancerSpec }[],
): ListenerProtocolIssue[] {
  const users = loadBalancers.flatMap((lb) =>
    listenerForwards(lb.spec)
      .filter((f) => f.group === group && f.protocol !== protocol)
      .map((f) => ({ text: `load balancer ${lb.metadata.name} listener ${f.port} (${f.protocol})`, protocol: f.protocol })),
  );
  const named = [...new Set(users.map((u) => u.text))];
  if (named.length === 0) return [];
  const wanted = [...new Set(users.map((u) => u.protocol))].join(' or ');
  return [
    {
      path: ['spec', 'protocol'],
      message:
        `${named.join(', ')} forward${named.length === 1 ? 's' : ''} to this target group, and a listener forwards only to target groups of its own protocol ` +
        `(ELB's IncompatibleProtocols); keep protocol ${wanted}, or first point those listeners at another group`,
    },
  ];
}
