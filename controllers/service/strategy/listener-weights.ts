/**
 * The listener-rule side of traffic shifting (PURE): for each of a service's load balancer entries
 * with advancedConfiguration, the forward action its production (and test) listener rule gets —
 * both target groups, weighted as the TrafficPlan says — and that action written into a
 * LoadBalancer's spec. ECS does the same to an ALB: it modifies the rule's forward action so that
 * the blue and green target groups share its traffic.
 */
import { parseListenerRuleRef, type ListenerRuleRef } from '../../../api/v1/advanced-configuration.js';
import type { ForwardAction, LoadBalancerSpec } from '../../../api/v1/load-balancer.js';
import type { ServiceLoadBalancer } from '../../../api/v1/service-load-balancers.js';
import { entryGroupOf } from '../../lb/service-groups.js';
import type { TrafficPlan, WeightedDeployment } from './traffic.js';

/** ELB's largest target-group weight: a plan's 100 % is this much. */
export const MAX_WEIGHT = 999;

export class ListenerRuleError extends Error {
  override readonly name = 'ListenerRuleError';
}

export interface RuleWrite {
  rule: ListenerRuleRef;
  /** The text it was named by, for messages. */
  named: string;
  action: ForwardAction;
}

/** The forward action sending `weights` to the entry's two groups: PRIMARY's share to targetGroupName/Arn, ALTERNATE's to the alternate. */
export function forwardAction(entry: ServiceLoadBalancer, weights: readonly WeightedDeployment[]): ForwardAction | undefined {
  const primary = entryGroupOf(entry, 'PRIMARY');
  const alternate = entryGroupOf(entry, 'ALTERNATE');
  if (primary === undefined || alternate === undefined || entry.advancedConfiguration === undefined) return undefined;
  const percent = (side: string) => weights.filter((w) => w.side === side).reduce((s, w) => s + w.weight, 0);
  const total = percent('PRIMARY') + percent('ALTERNATE');
  const alt = total === 0 ? 0 : Math.round((percent('ALTERNATE') / total) * MAX_WEIGHT);
  return {
    type: 'forward',
    forwardConfig: {
      targetGroups: [
        { targetGroupName: primary, weight: MAX_WEIGHT - alt },
        { targetGroupName: alternate, weight: alt },
      ],
    },
  };
}

/** The rule writes `plan` makes for a service's load balancer entries. */
export function ruleWrites(entries: readonly ServiceLoadBalancer[], plan: TrafficPlan): RuleWrite[] {
  return entries.flatMap((entry) => {
    const c = entry.advancedConfiguration;
    if (c === undefined) return [];
    const writes: RuleWrite[] = [];
    const add = (named: string | undefined, weights: readonly WeightedDeployment[]) => {
      const rule = named === undefined ? undefined : parseListenerRuleRef(named);
      const action = forwardAction(entry, weights);
      if (named !== undefined && rule !== undefined && action !== undefined) writes.push({ rule, named, action });
    };
    add(c.productionListenerRule, plan.production);
    add(c.testListenerRule, plan.test);
    return writes;
  });
}

/** `spec` with `writes` (all naming this load balancer) applied; throws ListenerRuleError naming a listener or rule it lacks. */
export function withRuleWrites(name: string, spec: LoadBalancerSpec, writes: readonly RuleWrite[]): LoadBalancerSpec {
  const listeners = spec.listeners.map((l) => ({ ...l, rules: l.rules.map((r) => ({ ...r })) }));
  for (const w of writes) {
    const listener = listeners.find((l) => l.port === w.rule.port);
    if (!listener)
      throw new ListenerRuleError(
        `listener rule ${w.named}: load balancer ${name} has no listener on port ${w.rule.port}; fix advancedConfiguration or add the listener`,
      );
    if (w.rule.priority === undefined) {
      listener.defaultActions = [w.action];
      continue;
    }
    const rule = listener.rules.find((r) => r.priority === w.rule.priority);
    if (!rule)
      throw new ListenerRuleError(
        `listener rule ${w.named}: listener ${w.rule.port} of load balancer ${name} has no rule of priority ${w.rule.priority}; fix advancedConfiguration or add the rule`,
      );
    rule.actions = [w.action];
  }
  return { ...spec, listeners };
}
