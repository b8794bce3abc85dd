/**
 * The service plan's strategy step (PURE): runs the PRIMARY deployment's stage machine
 * (stages.ts) for BLUE_GREEN / LINEAR / CANARY, and the user's `berth rollout rollback|stop` for
 * any strategy. Says what the rolling step may do (start green, stop blue) and whether the
 * deployment failed, in which case it is rolled back to the last deployment that completed —
 * always, as ECS does for a failed hook, an alarm and StopServiceDeployment.
 *
 * A deployment uses its strategy only when there is a blue to replace (a previous deployment that
 * completed). The first deployment of a service, and a rollback, start their tasks the rolling way
 * at once: there is nothing to shift traffic from.
 */
import type { Deployment } from '../../../api/v1/service.js';
import type { AlarmState, RolloutAction } from '../../../api/v1/deployment-strategy.js';
import type { TargetGroupSide } from '../../../api/v1/advanced-configuration.js';
import type { ObjectOf } from '../../kit/types.js';
import { primaryOf, rollBackTo, rollbackTarget, type DeploymentNote } from '../deployments.js';
import { advanceStage, beginRollout, TRAFFIC_POLL_MS, type HookAnswer } from './stages.js';
import { trafficPendingOn } from './traffic.js';

type Service = ObjectOf<'Service'>;

/** What the controller observed for the strategy this pass (outside the store): webhook answers, alarm readings, the user's action. */
export interface StrategyObservations {
  hookAnswers?: ReadonlyMap<string, HookAnswer>;
  alarms?: readonly AlarmState[];
  action?: RolloutAction;
  /** The proxies route the weights pending (on the PRIMARY's rollout, or a rollback's failed deployment's: trafficPendingOn); default true. */
  trafficApplied?: boolean;
}

export interface StrategyStepInput {
  service: Service;
  deployments: Deployment[];
  desired: number;
  /** Live and healthy task counts of a deployment, by id. */
  counts: (deployment: string) => { live: number; healthy: number };
  observed: StrategyObservations;
  now: number;
  deleting: boolean;
}

export interface StrategyStep {
  deployments: Deployment[];
  notes: DeploymentNote[];
  /** The PRIMARY may start tasks now. */
  mayScaleGreen: boolean;
  /** Older deployments' tasks may be stopped now. */
  mayRemoveBlue: boolean;
  /** Green runs at full count beside blue: the rolling step's maximumPercent does not bound it. */
  fullGreen: boolean;
  /** Stage changes, for events. */
  stages: string[];
  wakeAt?: number;
}

export function strategyStep(input: StrategyStepInput): StrategyStep {
  const { service, now } = input;
  const config = service.spec.deploymentConfiguration;
  const nowIso = new Date(now).toISOString();
  let deployments = input.deployments;
  const notes: DeploymentNote[] = [];
  const primary = primaryOf(deployments);
  const open: StrategyStep = { deployments, notes, mayScaleGreen: true, mayRemoveBlue: true, fullGreen: false, stages: [] };
  if (input.deleting || primary === undefined || primary.rolloutState !== 'IN_PROGRESS') return open;

  const fail = (reason: string): StrategyStep => {
    const failed: Deployment = { ...(deployments.find((d) => d.id === primary.id) ?? primary), rolloutState: 'FAILED', rolloutStateReason: reason };
    deployments = deployments.map((d) => (d.id === primary.id ? failed : d));
    notes.push({ type: 'failed', id: primary.id, reason });
    const target = rollbackTarget(deployments);
    if (target) {
      deployments = rollBackTo(deployments, target, failed, nowIso);
      notes.push({ type: 'rolledBack', from: primary.id, to: target.id, taskDefinition: target.taskDefinition });
      return returnTraffic({ ...open, deployments, notes }, input);
    }
    return { ...open, deployments, notes };
  };

  const action = input.observed.action?.deployment === primary.id ? input.observed.action : undefined;
  const blue = rollbackTarget(deployments);
  const staged = primary.rollout !== undefined || (config.strategy !== 'ROLLING' && primary.rollbackFrom === undefined && blue !== undefined);
  const side = sideFor(service, primary, staged ? blue : undefined, blue);
  if (side !== undefined) {
    deployments = deployments.map((d) => (d.id === primary.id ? { ...d, targetGroupSide: side } : d));
    open.deployments = deployments;
  }
  if (primary.rollbackFrom !== undefined && primary.trafficReturnedAt === undefined) {
    const step = returnTraffic({ ...open, deployments }, input);
    if (action?.action !== 'STOP' && action?.action !== 'ROLLBACK') return step;
    deployments = step.deployments;
  }
  const returning = primary.trafficReturnedAt === undefined ? undefined : awaitReturnedTraffic({ ...open, deployments }, input);
  if (returning !== undefined && action?.action !== 'STOP' && action?.action !== 'ROLLBACK') return returning;
  if (returning !== undefined) deployments = returning.deployments;
  if (!staged) {
    // A rolling deployment (or a rollback) can still be stopped by the user; CONTINUE has nothing to continue.
    if (action?.action === 'STOP') return fail('stopped by the user (berth rollout stop / StopServiceDeployment).');
    if (action?.action === 'ROLLBACK') return fail('rolled back by the user (berth rollout rollback).');
    return open;
  }

  const rollout = primary.rollout ?? beginRollout(config, primary.id, blue?.id ?? '', now);
  const outcome = advanceStage({
    config,
    rollout,
    deploymentId: primary.id,
    desired: input.desired,
    green: input.counts(primary.id),
    hookAnswers: input.observed.hookAnswers,
    alarms: input.observed.alarms,
    action,
    ...(input.observed.trafficApplied === undefined ? {} : { trafficApplied: input.observed.trafficApplied }),
    now,
  });
  deployments = deployments.map((d) => (d.id === primary.id ? { ...d, rollout: outcome.rollout } : d));
  if (outcome.fail !== undefined) return fail(outcome.fail);
  return {
    deployments,
    notes,
    mayScaleGreen: outcome.mayScaleGreen,
    mayRemoveBlue: outcome.mayRemoveBlue,
    fullGreen: true,
    stages: (primary.rollout === undefined ? [rollout.stage, ...outcome.entered] : outcome.entered).map((s) => `${primary.id}: ${s}`),
    wakeAt: outcome.wakeAt,
  };
}

/**
 * A rollback's traffic (the PRIMARY is the deployment returned to): it returns at once when blue is
 * at its full count — a failure before CLEAN_UP, whose blue was never scaled down. In CLEAN_UP blue
 * was partly removed and green has all the traffic: blue is scaled back up first (it may start its
 * tasks), and the traffic returns, and green's tasks may go, only once blue's tasks are healthy at
 * the desired count (container health and their target groups' checks: the plan's counts), as ECS
 * restores the blue service revision before shifting traffic back.
 */
function returnTraffic(step: StrategyStep, input: Pick<StrategyStepInput, 'desired' | 'counts' | 'now'>): StrategyStep {
  const primary = primaryOf(step.deployments);
  if (primary?.rollbackFrom === undefined || primary.trafficReturnedAt !== undefined) return step;
  const failed = step.deployments.find((d) => d.id === primary.rollbackFrom);
  const blueReady = input.counts(primary.id).healthy >= input.desired;
  // Held: blue (the PRIMARY) starts its tasks beside green's, whatever maximumPercent says; green's stay.
  if (failed?.rollout?.stage === 'CLEAN_UP' && !blueReady) return { ...step, mayScaleGreen: true, mayRemoveBlue: false, fullGreen: true };
  const nowIso = new Date(input.now).toISOString();
  const returned = { ...primary, trafficReturnedAt: nowIso };
  // Traffic green had (its rollout split it) goes back in weights the proxies route on their next
  // pass: green's tasks stay until they do (awaitReturnedTraffic), or a request still sent to green
  // would find its tasks gone.
  const pending =
    failed?.rollout === undefined ? undefined : { ...failed, rollout: { ...failed.rollout, trafficPending: { since: nowIso, loadBalancers: {} } } };
  const deployments = step.deployments.map((d) => (d.id === primary.id ? returned : d.id === pending?.id ? pending : d));
  if (pending === undefined) return { ...step, deployments };
  return { ...step, deployments, mayRemoveBlue: false, wakeAt: input.now + TRAFFIC_POLL_MS };
}

/**
 * A rollback whose traffic returned: while the weights that returned it are not routed by every
 * proxy (the failed deployment's rollout.trafficPending, weights-applied.ts), the failed
 * deployment's tasks stay; once they are, the pending mark goes and they may stop. Undefined: no
 * weights pending.
 */
function awaitReturnedTraffic(step: StrategyStep, input: Pick<StrategyStepInput, 'observed' | 'now'>): StrategyStep | undefined {
  const failed = trafficPendingOn(step.deployments);
  if (failed?.rollout?.trafficPending === undefined) return undefined;
  if (input.observed.trafficApplied === false) return { ...step, mayRemoveBlue: false, wakeAt: input.now + TRAFFIC_POLL_MS };
  const { trafficPending: _routed, ...rollout } = failed.rollout;
  return { ...step, deployments: step.deployments.map((d) => (d.id === failed.id ? { ...failed, rollout } : d)) };
}

/**
 * The target group side a new deployment's tasks register in, for a service whose load balancers
 * have advancedConfiguration (undefined: already chosen, or nothing to choose): a staged deployment
 * takes the side blue does not use (ECS alternates the two groups); any other (the first, a rolling
 * one, a rollback) the side production traffic already goes to.
 */
function sideFor(service: Service, primary: Deployment, stagedBlue: Deployment | undefined, blue: Deployment | undefined): TargetGroupSide | undefined {
  if (primary.targetGroupSide !== undefined || !(service.spec.loadBalancers ?? []).some((e) => e.advancedConfiguration !== undefined)) return undefined;
  if (stagedBlue !== undefined) return (stagedBlue.targetGroupSide ?? 'PRIMARY') === 'PRIMARY' ? 'ALTERNATE' : 'PRIMARY';
  return blue?.targetGroupSide ?? 'PRIMARY';
}
