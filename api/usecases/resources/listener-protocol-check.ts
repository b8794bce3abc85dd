/**
 * Listeners and the target groups they forward to must share a protocol (api/v1/listener-protocols.ts):
 * checked when either side is written, against the other side as stored in the same cluster. A
 * LoadBalancer naming a group that does not exist yet is not refused for it; the group is checked
 * against the listeners when it is created. Two writes racing each other (a listener and its group
 * changed at once) can both pass: the proxy leaves such a listener out and says why.
 */
import { isDeepStrictEqual } from 'node:util';
import type { BerthObject } from '../../v1/index.js';
import { listenerProtocolIssues, targetGroupProtocolIssues } from '../../v1/listener-protocols.js';
import type { LoadBalancer } from '../../v1/load-balancer.js';
import type { TargetGroup } from '../../v1/target-group.js';
import { isOfKind } from './codec.js';
import { InvalidError, type ResourceId } from './errors.js';

export interface ListenerProtocolReader {
  targetGroups(cluster: string): Promise<TargetGroup[]>;
  loadBalancers(cluster: string): Promise<LoadBalancer[]>;
}

/** Throws InvalidError at the field that breaks the rule; nothing is read for any other kind or for a write that changes neither listeners nor protocol. */
export async function checkListenerProtocols(
  next: BerthObject,
  previous: BerthObject | undefined,
  id: ResourceId,
  read: ListenerProtocolReader,
): Promise<void> {
  if (isOfKind(next, 'LoadBalancer')) {
    if (previous && isOfKind(previous, 'LoadBalancer') && isDeepStrictEqual(previous.spec, next.spec)) return;
    const protocols = new Map((await read.targetGroups(next.metadata.cluster)).map((g) => [g.metadata.name, g.spec.protocol]));
    const issues = listenerProtocolIssues(next.spec, (name) => protocols.get(name));
    if (issues.length > 0) throw new InvalidError(id, issues);
  }
  if (isOfKind(next, 'TargetGroup')) {
    if (previous && isOfKind(previous, 'TargetGroup') && previous.spec.protocol === next.spec.protocol) return;
    const issues = targetGroupProtocolIssues(next.metadata.name, next.spec.protocol, await read.loadBalancers(next.metadata.cluster));
    if (issues.length > 0) throw new InvalidError(id, issues);
  }
}
