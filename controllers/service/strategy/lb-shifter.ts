/**
 * The TrafficShifter of services behind berth's load balancers: writes the weights of a TrafficPlan
 * into the listener rules each load balancer entry's advancedConfiguration names (listener-weights.ts),
 * one compare-and-swap per LoadBalancer. It resolves once the rules are stored, with the generation
 * each LoadBalancer reached; every `berth lb` proxy then routes them on its next pass (maps set in
 * the running HAProxy, no reload) and reports that generation in its health reports, which the
 * deployment waits for before its clocks start (weights-applied.ts).
 *
 * A service without advancedConfiguration has nothing to move (ROLLING, or BLUE_GREEN without a
 * load balancer): no write. A rule that is missing rejects, naming it; the reconcile retries.
 */
import type { BerthClient } from '../../../api/client/types.js';
import { ListenerRuleError, ruleWrites, withRuleWrites } from './listener-weights.js';
import type { TrafficShifter } from './traffic.js';

export function loadBalancerShifter(client: Pick<BerthClient, 'mutate'>): TrafficShifter {
  return {
    async shift(service, ref, plan) {
      const writes = ruleWrites(service.spec.loadBalancers ?? [], plan);
      const byBalancer = new Map<string, typeof writes>();
      for (const w of writes) byBalancer.set(w.rule.loadBalancer, [...(byBalancer.get(w.rule.loadBalancer) ?? []), w]);
      const written: Record<string, number> = {};
      for (const [name, group] of byBalancer) {
        try {
          // Unchanged (the same shift again) writes nothing and answers the generation that holds these weights.
          const { object } = await client.mutate('LoadBalancer', { cluster: ref.cluster, name }, (lb) => {
            lb.spec = withRuleWrites(name, lb.spec, group);
          });
          written[name] = object.metadata.generation ?? 0;
        } catch (err) {
          if (err instanceof ListenerRuleError) throw err;
          throw new ListenerRuleError(
            `service ${ref.name}: cannot shift traffic on load balancer ${name}: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      }
      return written;
    },
  };
}
