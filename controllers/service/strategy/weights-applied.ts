/**
 * Whether the proxies route the weights a deployment stored (PURE): its rollout.trafficPending
 * names the generation each load balancer reached when they were written, and every `berth lb`
 * reports, on each target group a load balancer forwards to, the generation of that load balancer
 * it has applied (LbProxy). The weights are routed when every proxy reporting a load balancer,
 * freshly, on one of the service's groups, has applied at least its generation.
 *
 * The bound: a load balancer that no fresh report names is taken as routed. No proxy routes it then
 * (none runs, or the one that did is gone and its report went stale): there is no traffic whose
 * move to wait for, and waiting for a proxy that may never come would hold the deployment forever.
 * A proxy that runs but fails to apply (its Runtime API commands keep failing) is waited for: the
 * traffic has not moved, and starting the bake would be the error this waits to avoid.
 */
import type { DeploymentRollout } from '../../../api/v1/deployment-strategy.js';
import type { TargetGroup } from '../../../api/v1/target-group.js';
import { freshReports } from '../../lb/targets.js';

export function weightsApplied(pending: DeploymentRollout['trafficPending'], groups: readonly Pick<TargetGroup, 'spec' | 'status'>[], now: number): boolean {
  if (pending === undefined) return true;
  const reports = groups.flatMap((g) => freshReports(g, now));
  return Object.entries(pending.loadBalancers).every(([name, generation]) =>
    reports.every((r) => r.loadBalancers?.[name] === undefined || r.loadBalancers[name] >= generation),
  );
}
