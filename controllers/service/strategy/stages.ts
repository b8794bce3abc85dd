/**
 * The stage machine of one BLUE_GREEN, LINEAR or CANARY deployment, ECS's lifecycle in order:
 *
 *   RECONCILE_SERVICE → PRE_SCALE_UP → SCALE_UP → POST_SCALE_UP → TEST_TRAFFIC_SHIFT →
 *   POST_TEST_TRAFFIC_SHIFT → PRODUCTION_TRAFFIC_SHIFT → POST_PRODUCTION_TRAFFIC_SHIFT →
 *   BAKE_TIME → CLEAN_UP
 *
 * A stage first does its own work (SCALE_UP: green reaches its full count, healthy; the traffic
 * stages: set planned weights — all at once, in linear steps, or canary then the rest, each step
 * baked; BAKE_TIME: wait), then runs the lifecycle hooks that name it; all must succeed (a PAUSE
 * continued, a webhook answering SUCCEEDED, a timeout with action CONTINUE) before the next stage.
 * Any failure — a hook FAILED, a timeout with ROLLBACK, an alarm, the user's rollback — fails the
 * deployment; plan-strategy.ts then rolls it back. CLEAN_UP removes blue and the rolling plan
 * completes the deployment once only green remains.
 *
 * PURE: webhook answers and alarm readings are observed by the controller and passed in; the time
 * is passed in. Nothing here does I/O.
 */
import { activeAlarms } from '../../../api/v1/deployment-alarms.js';
import type { DeploymentConfiguration } from '../../../api/v1/service.js';
import {
  HOOK_STAGES,
  ROLLOUT_STAGES,
  type AlarmState,
  type DeploymentRollout,
  type HookRun,
  type HookStage,
  type RolloutAction,
  type RolloutStage,
} from '../../../api/v1/deployment-strategy.js';

/** What a webhook answered (ECS's Lambda response), or why calling it failed. */
export type HookAnswer = { hookStatus: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS'; callBackDelay?: number; hookDetails?: unknown } | { error: string };

/** ECS re-invokes a hook that answered IN_PROGRESS after 30 s unless it gave a callBackDelay. */
export const DEFAULT_CALLBACK_DELAY_SECONDS = 30;
/**
 * How often a deployment whose weights the proxies have not all applied looks again. A proxy's
 * report wakes the service (its TargetGroup watch); this is for the pass that records the weights'
 * generations, and for a service whose groups no proxy reports on (nothing else wakes it).
 */
export const TRAFFIC_POLL_MS = 500;
/** ECS's default hook timeout: 24 hours. */
export const DEFAULT_HOOK_TIMEOUT_MINUTES = 1440;
/** Stages during which deployment alarms are evaluated: while production traffic moves and bakes. */
export const ALARM_STAGES: readonly RolloutStage[] = ['PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME'];

export interface StageInput {
  config: DeploymentConfiguration;
  rollout: DeploymentRollout;
  deploymentId: string;
  desired: number;
  /** Green's (this deployment's) live tasks and how many of them are healthy. */
  green: { live: number; healthy: number };
  /** Webhook answers the controller got this pass, by hookId. */
  hookAnswers?: ReadonlyMap<string, HookAnswer>;
  /** Alarm readings the controller made this pass (undefined: none were due). */
  alarms?: readonly AlarmState[];
  /** The user's latest `berth rollout continue|rollback|stop`, when it names this deployment. */
  action?: RolloutAction;
  /** Every proxy routing the service's load balancers applied the weights of rollout.trafficPending (weights-applied.ts); default true. */
  trafficApplied?: boolean;
  now: number;
}

export interface StageOutcome {
  rollout: DeploymentRollout;
  /** Green may start its tasks (from SCALE_UP on). */
  mayScaleGreen: boolean;
  /** Blue's tasks may be stopped (CLEAN_UP). */
  mayRemoveBlue: boolean;
  /** The deployment fails (and is rolled back) for this reason. */
  fail?: string;
  /** Stages entered this pass, in order (for events). */
  entered: RolloutStage[];
  /** When time alone changes this outcome (a bake or step ends, a hook is due or expires). */
  wakeAt?: number;
}

export function minuteMs(config: DeploymentConfiguration): number {
  return config.berthMinuteSeconds * 1000;
}

/** The stage machine's state for a deployment that starts now, replacing `blue`, in its first stage. */
export function beginRollout(config: DeploymentConfiguration, deploymentId: string, blue: string, now: number): DeploymentRollout {
  return enter(
    config,
    deploymentId,
    {
      strategy: config.strategy,
      stage: 'RECONCILE_SERVICE',
      stageStartedAt: iso(now),
      blue,
      productionTrafficWeight: 0,
      testTrafficWeight: 0,
      hooks: [],
      alarms: [],
    },
    'RECONCILE_SERVICE',
    now,
  );
}

export function advanceStage(input: StageInput): StageOutcome {
  const { config, now } = input;
  let r: DeploymentRollout = { ...input.rollout, hooks: input.rollout.hooks.map((h) => ({ ...h })) };
  const entered: RolloutStage[] = [];
  const out = (fail?: string): StageOutcome => ({
    rollout: r,
    mayScaleGreen: stageIndex(r.stage) >= stageIndex('SCALE_UP'),
    mayRemoveBlue: r.stage === 'CLEAN_UP',
    ...(fail !== undefined ? { fail } : {}),
    entered,
    wakeAt: fail !== undefined ? undefined : wakeAt(r, config, now),
  });

  // 1. The user's word comes first.
  const action = input.action;
  if (action?.deployment === input.deploymentId) {
    if (action.action === 'STOP') return out('stopped by the user (berth rollout stop / StopServiceDeployment).');
    if (action.action === 'ROLLBACK') return out('rolled back by the user (berth rollout rollback).');
    const at = Date.parse(action.at);
    for (const h of r.hooks)
      if (h.status === 'AWAITING_ACTION' && Date.parse(h.startedAt) <= at && (action.hookId === undefined || action.hookId === h.hookId)) {
        h.status = 'SUCCEEDED';
        h.reason = 'continued by the user';
      }
  }

  // 2. Webhook answers.
  for (const h of r.hooks) {
    const answer = input.hookAnswers?.get(h.hookId);
    if (!answer || h.status !== 'IN_PROGRESS') continue;
    h.invocations += 1;
    if ('error' in answer) {
      // ECS: a hook that fails or answers no valid hookStatus rolls the deployment back.
      h.status = 'FAILED';
      h.reason = answer.error;
    } else if (answer.hookStatus === 'IN_PROGRESS') {
      h.nextInvokeAt = iso(now + (answer.callBackDelay ?? DEFAULT_CALLBACK_DELAY_SECONDS) * 1000);
      if (answer.hookDetails !== undefined) h.hookDetails = answer.hookDetails as HookRun['hookDetails'];
    } else {
      h.status = answer.hookStatus;
      h.nextInvokeAt = undefined;
      if (answer.hookStatus === 'FAILED') h.reason = 'the webhook answered FAILED';
    }
  }
  const failedHook = r.hooks.find((h) => h.status === 'FAILED');
  if (failedHook) return out(`lifecycle hook ${failedHook.hookId} at ${failedHook.stage} failed: ${failedHook.reason ?? 'FAILED'}.`);

  // 3. Timeouts.
  for (const h of r.hooks) {
    if ((h.status === 'AWAITING_ACTION' || h.status === 'IN_PROGRESS') && h.expiresAt !== undefined && Date.parse(h.expiresAt) <= now) {
      h.status = 'TIMED_OUT';
      h.nextInvokeAt = undefined;
      if (h.timeoutAction !== 'CONTINUE') return out(`lifecycle hook ${h.hookId} at ${h.stage} timed out (timeoutConfiguration.action ROLLBACK).`);
    }
  }

  // 4. Alarms.
  if (input.alarms !== undefined) {
    r = { ...r, alarms: [...input.alarms] };
    const firing = input.alarms.find((a) => a.state === 'ALARM');
    if (firing) return out(`deployment alarm ${firing.name} fired during ${r.stage}: ${firing.reason ?? 'ALARM'}.`);
  }

  // 5. Weights the proxies now route: the clocks that waited for them start now.
  if (r.trafficPending !== undefined && input.trafficApplied !== false) r = trafficRouted(config, r, now);

  // 6. The stage's own work, then the next stage while stages complete at once.
  for (let guard = 0; guard < ROLLOUT_STAGES.length; guard++) {
    r = work(config, r, now);
    if (!stageDone(r, input)) break;
    const next = ROLLOUT_STAGES[stageIndex(r.stage) + 1];
    if (next === undefined) break;
    r = enter(config, input.deploymentId, r, next, now);
    entered.push(next);
  }
  return out();
}

function stageIndex(stage: RolloutStage): number {
  return ROLLOUT_STAGES.indexOf(stage);
}

function isHookStage(stage: RolloutStage): stage is HookStage {
  return (HOOK_STAGES as readonly string[]).includes(stage);
}

/** The new stage's starting state: its hooks started, its timers set. */
function enter(config: DeploymentConfiguration, deploymentId: string, r: DeploymentRollout, stage: RolloutStage, now: number): DeploymentRollout {
  const next: DeploymentRollout = { ...r, stage, stageStartedAt: iso(now) };
  if (stage === 'BAKE_TIME') next.bakeEndsAt = iso(now + config.bakeTimeInMinutes * minuteMs(config));
  if (!isHookStage(stage)) return next;
  const started: HookRun[] = (config.lifecycleHooks ?? []).flatMap((hook, index) => {
    if (!hook.lifecycleStages.includes(stage)) return [];
    const pause = hook.targetType === 'PAUSE';
    const timeout = hook.timeoutConfiguration;
    return [
      {
        hookId: `${pause ? 'berth-pause' : 'berth-hook'}-${deploymentId.replace(/^ecs-svc\//, '')}-${stage.toLowerCase()}-${index}`,
        index,
        stage,
        targetType: hook.targetType,
        status: pause ? ('AWAITING_ACTION' as const) : ('IN_PROGRESS' as const),
        startedAt: iso(now),
        expiresAt: iso(now + (timeout?.timeoutInMinutes ?? DEFAULT_HOOK_TIMEOUT_MINUTES) * minuteMs(config)),
        timeoutAction: timeout?.action ?? 'ROLLBACK',
        ...(pause ? {} : { nextInvokeAt: iso(now) }),
        invocations: 0,
        ...(hook.hookDetails !== undefined ? { hookDetails: hook.hookDetails } : {}),
      },
    ];
  });
  return { ...next, hooks: [...next.hooks.filter((h) => h.stage !== stage), ...started] };
}

/**
 * Traffic steps while traffic shifts. A step stores new weights and marks them pending: the
 * controller records the load balancers' generations once it has written them, and the step's bake
 * starts when every proxy routes them (trafficRouted), not in this pass — the proxies apply the
 * weights on their next pass, and a bake counted from here would be that much shorter than asked.
 */
function work(config: DeploymentConfiguration, r: DeploymentRollout, now: number): DeploymentRollout {
  if (r.trafficPending !== undefined) return r;
  const pending = { since: iso(now), loadBalancers: {} };
  if (r.stage === 'TEST_TRAFFIC_SHIFT' && r.testTrafficWeight < 100) return { ...r, testTrafficWeight: 100, trafficPending: pending };
  if (r.stage !== 'PRODUCTION_TRAFFIC_SHIFT' || r.productionTrafficWeight >= 100) return r;
  if (r.nextStepAt !== undefined && Date.parse(r.nextStepAt) > now) return r;
  const { step, first } = trafficSteps(config, r.strategy);
  const weight = r.productionTrafficWeight === 0 ? first : Math.min(100, r.productionTrafficWeight + step);
  const rounded = Math.min(100, Math.round(weight * 10) / 10);
  const { nextStepAt: _done, ...rest } = r;
  return { ...rest, productionTrafficWeight: rounded, trafficPending: pending };
}

/** The proxies route the pending weights: the step's bake starts now (a step below 100 %). */
function trafficRouted(config: DeploymentConfiguration, r: DeploymentRollout, now: number): DeploymentRollout {
  const { trafficPending: _routed, ...rest } = r;
  if (r.stage !== 'PRODUCTION_TRAFFIC_SHIFT' || r.productionTrafficWeight >= 100) return rest;
  return { ...rest, nextStepAt: iso(now + trafficSteps(config, r.strategy).bakeMinutes * minuteMs(config)) };
}

/** How production traffic moves: the first weight, each further step, and how long each step bakes. */
export function trafficSteps(config: DeploymentConfiguration, strategy: DeploymentRollout['strategy']): { first: number; step: number; bakeMinutes: number } {
  if (strategy === 'LINEAR') {
    const c = config.linearConfiguration ?? { stepPercent: 10, stepBakeTimeInMinutes: 6 };
    return { first: c.stepPercent, step: c.stepPercent, bakeMinutes: c.stepBakeTimeInMinutes };
  }
  if (strategy === 'CANARY') {
    const c = config.canaryConfiguration ?? { canaryPercent: 5, canaryBakeTimeInMinutes: 10 };
    return { first: c.canaryPercent, step: 100, bakeMinutes: c.canaryBakeTimeInMinutes };
  }
  return { first: 100, step: 100, bakeMinutes: 0 };
}

function stageDone(r: DeploymentRollout, input: StageInput): boolean {
  const hooksDone = r.hooks
    .filter((h) => h.stage === r.stage)
    .every((h) => h.status === 'SUCCEEDED' || (h.status === 'TIMED_OUT' && h.timeoutAction === 'CONTINUE'));
  switch (r.stage) {
    case 'SCALE_UP':
      return input.green.live >= input.desired && input.green.healthy >= input.desired;
    case 'TEST_TRAFFIC_SHIFT':
      return r.trafficPending === undefined && hooksDone;
    case 'PRODUCTION_TRAFFIC_SHIFT':
      return r.productionTrafficWeight >= 100 && r.trafficPending === undefined && hooksDone;
    case 'BAKE_TIME':
      return r.bakeEndsAt !== undefined && Date.parse(r.bakeEndsAt) <= input.now;
    case 'CLEAN_UP':
      return false;
    default:
      return hooksDone;
  }
}

function wakeAt(r: DeploymentRollout, config: DeploymentConfiguration, now: number): number | undefined {
  const times: number[] = [];
  for (const h of r.hooks) {
    if (h.status !== 'AWAITING_ACTION' && h.status !== 'IN_PROGRESS') continue;
    if (h.expiresAt !== undefined) times.push(Date.parse(h.expiresAt));
    if (h.nextInvokeAt !== undefined) times.push(Date.parse(h.nextInvokeAt));
  }
  if (r.stage === 'PRODUCTION_TRAFFIC_SHIFT' && r.nextStepAt !== undefined) times.push(Date.parse(r.nextStepAt));
  if (r.trafficPending !== undefined) times.push(now + TRAFFIC_POLL_MS);
  if (r.stage === 'BAKE_TIME' && r.bakeEndsAt !== undefined) times.push(Date.parse(r.bakeEndsAt));
  const alarmsDue = alarmsDueAt(r, config, now);
  if (alarmsDue !== undefined) times.push(alarmsDue);
  const valid = times.filter((t) => !Number.isNaN(t));
  return valid.length > 0 ? Math.min(...valid) : undefined;
}

/** How often alarms are read while they are evaluated: a tenth of a (berth) minute, at least 500 ms. */
export function alarmIntervalMs(config: DeploymentConfiguration): number {
  return Math.max(500, minuteMs(config) / 10);
}

/** When the alarms are next due (undefined: none configured, or not in an alarm stage). */
export function alarmsDueAt(r: DeploymentRollout, config: DeploymentConfiguration, now: number): number | undefined {
  if (activeAlarms(config).length === 0 || !ALARM_STAGES.includes(r.stage)) return undefined;
  const last = Math.min(...r.alarms.map((a) => Date.parse(a.checkedAt)));
  return r.alarms.length === 0 || Number.isNaN(last) ? now : last + alarmIntervalMs(config);
}

/** The webhooks of the current stage due to be called now. */
export function dueWebhooks(r: DeploymentRollout, now: number): HookRun[] {
  return r.hooks.filter(
    (h) => h.targetType === 'AWS_LAMBDA' && h.status === 'IN_PROGRESS' && h.nextInvokeAt !== undefined && Date.parse(h.nextInvokeAt) <= now,
  );
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
