/**
 * The seam where traffic shifting plugs in. The service controller decides the weights (the stage
 * machine's planned productionTrafficWeight / testTrafficWeight, recorded in the deployment's
 * status); a TrafficShifter makes a load balancer route them. A service without a load balancer
 * uses NO_TRAFFIC: BLUE_GREEN then just scales green, bakes and removes blue.
 *
 * The load balancer implements `shift` for services that have `loadBalancers`: production weights
 * go to the production listener rule's target groups (blue's and the alternate), test weights to
 * the test listener rule's. It must be idempotent (the same shift may come twice: a status write
 * that failed after a shift is planned again) and resolve only once the proxy routes the weights;
 * a rejection makes the reconcile retry before the new weights are recorded.
 */
import type { TargetGroupSide } from '../../../api/v1/advanced-configuration.js';
import type { Deployment } from '../../../api/v1/service.js';
import type { ObjectOf, ObjectRef } from '../../kit/types.js';
import { jsonEqual } from '../../../api/json-equal.js';
import { primaryOf } from '../deployments.js';

type Service = ObjectOf<'Service'>;

export interface WeightedDeployment {
  /** The deployment id (its tasks carry it in the berth.dev/deployment label). */
  deployment: string;
  /** Percent of the listener's traffic, 0-100; the weights of one listener add up to 100. */
  weight: number;
  /** Which of its load balancers' two target groups the deployment's tasks are in (advancedConfiguration). */
  side: TargetGroupSide;
}

export interface TrafficPlan {
  production: WeightedDeployment[];
  test: WeightedDeployment[];
}

/** Load balancer name → the generation its spec reached with the weights written (proxies report the generation they route). */
export type WrittenGenerations = Record<string, number>;

export interface TrafficShifter {
  /** Store `plan` for `service` (its spec says which load balancers); resolves with the generations written, once stored. */
  shift(service: Service, ref: ObjectRef, plan: TrafficPlan): Promise<WrittenGenerations>;
}

/** For services without a load balancer, and until one is wired in: nothing to move, nothing to wait for. */
export const NO_TRAFFIC: TrafficShifter = { shift: () => Promise.resolve({}) };

/** The weights `deployments` ask for: the PRIMARY's rollout splits them with blue; otherwise all goes to the PRIMARY. */
export function trafficPlan(deployments: readonly Deployment[]): TrafficPlan | undefined {
  const primary = primaryOf(deployments);
  if (primary === undefined) return undefined;
  const side = (id: string): TargetGroupSide => deployments.find((d) => d.id === id)?.targetGroupSide ?? 'PRIMARY';
  // A rollback whose traffic has not returned yet (plan-strategy.ts): the failed deployment keeps its weights, blue the rest.
  const failed = primary.rollbackFrom === undefined ? undefined : deployments.find((d) => d.id === primary.rollbackFrom);
  if (primary.rolloutState === 'IN_PROGRESS' && primary.trafficReturnedAt === undefined && failed?.rollout !== undefined) {
    const blue = { deployment: primary.id, side: side(primary.id) };
    const held = (green: number): WeightedDeployment[] =>
      green >= 100
        ? [{ deployment: failed.id, weight: 100, side: side(failed.id) }]
        : [{ ...blue, weight: 100 - green }, ...(green > 0 ? [{ deployment: failed.id, weight: green, side: side(failed.id) }] : [])];
    return { production: held(failed.rollout.productionTrafficWeight), test: held(failed.rollout.testTrafficWeight) };
  }
  const r = primary.rollout;
  const greenSide = side(primary.id);
  if (r === undefined || primary.rolloutState !== 'IN_PROGRESS' || r.blue === undefined || r.blue === '') {
    const all = [{ deployment: primary.id, weight: 100, side: greenSide }];
    return { production: all, test: all };
  }
  const blue = { deployment: r.blue, side: side(r.blue) };
  const split = (green: number): WeightedDeployment[] =>
    green >= 100
      ? [{ deployment: primary.id, weight: 100, side: greenSide }]
      : [{ ...blue, weight: 100 - green }, ...(green > 0 ? [{ deployment: primary.id, weight: green, side: greenSide }] : [])];
  return { production: split(r.productionTrafficWeight), test: split(r.testTrafficWeight) };
}

/** Shifts traffic when the weights the plan makes differ from those the last status recorded; the generations written, or undefined when nothing moved. */
export async function shiftIfChanged(
  shifter: TrafficShifter,
  service: Service,
  before: readonly Deployment[],
  after: readonly Deployment[],
): Promise<WrittenGenerations | undefined> {
  const next = trafficPlan(after);
  if (next === undefined || jsonEqual(next, trafficPlan(before) ?? null)) return undefined;
  return shifter.shift(service, { kind: 'Service', cluster: service.metadata.cluster, name: service.metadata.name }, next);
}

/**
 * The deployment whose rollout holds the weights that wait for the proxies: the PRIMARY's; on a
 * rollback, the failed deployment's (the weights that returned its traffic to blue: its tasks stop
 * only once the proxies route them, plan-strategy.ts).
 */
export function trafficPendingOn(deployments: readonly Deployment[]): Deployment | undefined {
  const primary = primaryOf(deployments);
  if (primary?.rollbackFrom === undefined) return primary;
  return deployments.find((d) => d.id === primary.rollbackFrom);
}

/** `deployments` with the generations just written recorded in the pending weights (the plan set them pending this pass; trafficPendingOn). */
export function recordWritten(deployments: readonly Deployment[], written: WrittenGenerations): Deployment[] {
  const holder = trafficPendingOn(deployments)?.id;
  return deployments.map((d) =>
    d.id === holder && d.rollout?.trafficPending !== undefined
      ? { ...d, rollout: { ...d.rollout, trafficPending: { ...d.rollout.trafficPending, loadBalancers: { ...written } } } }
      : d,
  );
}
