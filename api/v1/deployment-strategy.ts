/**
 * How a service deploys a new revision, with ECS's field names (deploymentConfiguration.strategy,
 * bakeTimeInMinutes, linearConfiguration, canaryConfiguration, lifecycleHooks, the circuit breaker's
 * thresholdConfiguration and resetOnHealthyTask), and the state of one deployment's stage machine
 * the service controller records in the service's status (deployments[].rollout).
 *
 * berth's own additions, each named `berth…` so they read as what they are:
 * - `berthMinuteSeconds`: how many seconds one "minute" of this configuration's *InMinutes fields
 *   lasts (default 60). ECS's fields are whole minutes; tests (and demos) need seconds.
 * - `berthAlarms`: deployment alarms without CloudWatch — HTTP checks and Prometheus-style instant
 *   queries evaluated while traffic shifts and during the bake time; one that fires rolls back.
 * A lifecycle hook's `hookTargetArn` is an http(s) URL here: berth POSTs the deployment context to
 * it in place of invoking a Lambda, and reads ECS's Lambda answer ({hookStatus, callBackDelay}).
 */
import { z } from 'zod';
import { Count } from './common.js';
import { Timestamp } from './meta.js';
import { DeploymentAlarms } from './deployment-alarms.js';

export const DEPLOYMENT_STRATEGIES = ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'] as const;
export type DeploymentStrategy = (typeof DEPLOYMENT_STRATEGIES)[number];

/** The stages a lifecycle hook may name (ECS's list). */
export const HOOK_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
] as const;
export type HookStage = (typeof HOOK_STAGES)[number];

/** Every stage of a BLUE_GREEN / LINEAR / CANARY deployment, in order (ECS's lifecycle). */
export const ROLLOUT_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
] as const;
export type RolloutStage = (typeof ROLLOUT_STAGES)[number];

/** ECS: bakeTimeInMinutes, stepBakeTimeInMinutes and canaryBakeTimeInMinutes are 0-1440. */
const BakeMinutes = z.int().min(0, 'must be 0-1440 minutes').max(1440, 'must be 0-1440 minutes');

export const LinearConfiguration = z.strictObject({
  stepPercent: z.number().min(3, 'stepPercent must be 3.0-100.0').max(100, 'stepPercent must be 3.0-100.0').default(10),
  stepBakeTimeInMinutes: BakeMinutes.default(6),
});
export const CanaryConfiguration = z.strictObject({
  canaryPercent: z.number().min(0.1, 'canaryPercent must be 0.1-100.0').max(100, 'canaryPercent must be 0.1-100.0').default(5),
  canaryBakeTimeInMinutes: BakeMinutes.default(10),
});

export const HOOK_TIMEOUT_ACTIONS = ['CONTINUE', 'ROLLBACK'] as const;
export const HOOK_TARGET_TYPES = ['AWS_LAMBDA', 'PAUSE'] as const;

export const LifecycleHook = z
  .strictObject({
    /** ECS: AWS_LAMBDA (here: a webhook URL in hookTargetArn) or PAUSE (wait for `berth rollout continue`). */
    targetType: z.enum(HOOK_TARGET_TYPES).default('AWS_LAMBDA'),
    hookTargetArn: z.string().min(1).optional(),
    /** Accepted for ECS compatibility; a webhook needs no role. */
    roleArn: z.string().min(1).optional(),
    lifecycleStages: z.array(z.enum(HOOK_STAGES)).min(1, 'name at least one lifecycle stage'),
    hookDetails: z.json().optional(),
    timeoutConfiguration: z
      .strictObject({
        timeoutInMinutes: z.int().min(1, 'timeoutInMinutes must be 1-20160').max(20160, 'timeoutInMinutes must be 1-20160').default(1440),
        action: z.enum(HOOK_TIMEOUT_ACTIONS).default('ROLLBACK'),
      })
      .optional(),
  })
  .superRefine((h, ctx) => {
    if (h.targetType === 'PAUSE') return;
    if (h.hookTargetArn === undefined || !/^https?:\/\/[^\s]+$/.test(h.hookTargetArn))
      ctx.addIssue({
        code: 'custom',
        path: ['hookTargetArn'],
        message:
          'berth calls a webhook in place of a Lambda: hookTargetArn must be an http:// or https:// URL answering {"hookStatus": "SUCCEEDED" | "FAILED" | "IN_PROGRESS"} (or use targetType PAUSE)',
      });
  });
export type LifecycleHook = z.infer<typeof LifecycleHook>;

export const ALARM_COMPARISONS = ['GreaterThanThreshold', 'GreaterThanOrEqualToThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'] as const;

/** A berth deployment alarm: fires when the HTTP check fails or the query's value crosses the threshold (CloudWatch's operators). */
export const BerthAlarm = z
  .strictObject({
    name: z.string().min(1).max(255),
    type: z.enum(['HTTP', 'PROMETHEUS']),
    /** HTTP: the URL to GET (fires unless it answers 2xx). PROMETHEUS: the server's base URL (…/api/v1/query is called). */
    url: z.url({ protocol: /^https?$/, error: 'url must be an http:// or https:// URL' }),
    query: z.string().min(1).optional(),
    comparisonOperator: z.enum(ALARM_COMPARISONS).default('GreaterThanThreshold'),
    threshold: z.number().optional(),
  })
  .superRefine((a, ctx) => {
    if (a.type === 'PROMETHEUS' && (a.query === undefined || a.threshold === undefined))
      ctx.addIssue({ code: 'custom', path: ['query'], message: 'a PROMETHEUS alarm needs a query and a threshold' });
  });
export type BerthAlarm = z.infer<typeof BerthAlarm>;

/** The fields deploymentConfiguration gains (spread into its schema). */
export const deploymentStrategyShape = {
  strategy: z.enum(DEPLOYMENT_STRATEGIES).default('ROLLING'),
  bakeTimeInMinutes: BakeMinutes.default(0),
  linearConfiguration: LinearConfiguration.optional(),
  canaryConfiguration: CanaryConfiguration.optional(),
  lifecycleHooks: z.array(LifecycleHook).max(10, 'at most 10 lifecycle hooks').optional(),
  berthAlarms: z.array(BerthAlarm).max(10, 'at most 10 alarms').optional(),
  /** ECS's CloudWatch alarms, naming berthAlarms (deployment-alarms.ts). */
  alarms: DeploymentAlarms.optional(),
  berthMinuteSeconds: z.int().min(1).max(60).default(60),
};

export const THRESHOLD_TYPES = ['COUNT', 'BOUNDED_PERCENT', 'UNBOUNDED_PERCENT'] as const;
export const ThresholdConfiguration = z.strictObject({
  type: z.enum(THRESHOLD_TYPES).default('BOUNDED_PERCENT'),
  value: z.int().min(1, 'value must be at least 1').default(50),
});
export type ThresholdConfiguration = z.infer<typeof ThresholdConfiguration>;

/** The fields deploymentCircuitBreaker gains. */
export const circuitBreakerShape = {
  thresholdConfiguration: ThresholdConfiguration.optional(),
  /** ECS's default: a task that becomes healthy resets the failure count. */
  resetOnHealthyTask: z.boolean().default(true),
};

/**
 * ECS runs LINEAR and CANARY only with a load balancer (their traffic moves between target groups).
 * `loadBalancers` is read loosely so this check works whichever shape the load balancer's fields take.
 */
export function strategyIssues(spec: { deploymentConfiguration: { strategy: DeploymentStrategy }; loadBalancers?: unknown }, ctx: z.RefinementCtx): void {
  const strategy = spec.deploymentConfiguration.strategy;
  const balanced = Array.isArray(spec.loadBalancers) && spec.loadBalancers.length > 0;
  if ((strategy === 'LINEAR' || strategy === 'CANARY') && !balanced)
    ctx.addIssue({
      code: 'custom',
      path: ['deploymentConfiguration', 'strategy'],
      message: `strategy ${strategy} shifts traffic between target groups and needs a load balancer (spec.loadBalancers), as ECS requires; use BLUE_GREEN or ROLLING for a service without one`,
    });
  // With a load balancer, green needs a target group of its own and a listener rule to weight (ECS requires both too).
  const entries: unknown[] = Array.isArray(spec.loadBalancers) ? spec.loadBalancers : [];
  if (strategy === 'ROLLING') return;
  entries.forEach((entry, i) => {
    if (typeof entry === 'object' && entry !== null && 'advancedConfiguration' in entry) return;
    ctx.addIssue({
      code: 'custom',
      path: ['loadBalancers', i, 'advancedConfiguration'],
      message: `strategy ${strategy} moves traffic from blue's target group to green's: give this entry advancedConfiguration {alternateTargetGroupName (or alternateTargetGroupArn), productionListenerRule}, as ECS requires`,
    });
  });
}

export const HOOK_STATUSES = ['AWAITING_ACTION', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'TIMED_OUT'] as const;
export type HookStatus = (typeof HOOK_STATUSES)[number];

/** One hook of the current stage as it runs (ECS's DeploymentLifecycleHookDetail). */
export const HookRun = z.strictObject({
  hookId: z.string().min(1),
  /** Index into deploymentConfiguration.lifecycleHooks. */
  index: Count,
  stage: z.enum(HOOK_STAGES),
  targetType: z.enum(HOOK_TARGET_TYPES),
  status: z.enum(HOOK_STATUSES),
  startedAt: Timestamp,
  expiresAt: Timestamp.optional(),
  timeoutAction: z.enum(HOOK_TIMEOUT_ACTIONS).optional(),
  /** A webhook's next invocation (it answered IN_PROGRESS, or has not been called yet). */
  nextInvokeAt: Timestamp.optional(),
  invocations: Count.default(0),
  /** What the webhook last returned in hookDetails, passed back on its next invocation (as ECS does). */
  hookDetails: z.json().optional(),
  reason: z.string().optional(),
});
export type HookRun = z.infer<typeof HookRun>;

export const AlarmState = z.strictObject({
  name: z.string().min(1),
  state: z.enum(['OK', 'ALARM']),
  reason: z.string().optional(),
  checkedAt: Timestamp,
});
export type AlarmState = z.infer<typeof AlarmState>;

/** A deployment's stage machine (BLUE_GREEN, LINEAR, CANARY), written by the service controller. */
export const DeploymentRollout = z.strictObject({
  strategy: z.enum(DEPLOYMENT_STRATEGIES),
  stage: z.enum(ROLLOUT_STAGES),
  stageStartedAt: Timestamp,
  /** The deployment whose tasks serve until green takes over (blue). */
  blue: z.string().optional(),
  /** Planned share of production traffic for green (this deployment), percent. */
  productionTrafficWeight: z.number().min(0).max(100).default(0),
  /** Planned share of test traffic for green, percent. */
  testTrafficWeight: z.number().min(0).max(100).default(0),
  /** LINEAR/CANARY: when the current traffic step's bake ends and the next step may start. */
  nextStepAt: Timestamp.optional(),
  bakeEndsAt: Timestamp.optional(),
  /**
   * Weights stored and not yet routed by every proxy: since when, and the generation each load
   * balancer reached when they were written. While it is set the clocks wait (a traffic step's bake,
   * the traffic stages' end, so BAKE_TIME too): they start when the proxies report that generation.
   */
  trafficPending: z
    .strictObject({
      since: Timestamp,
      loadBalancers: z.record(z.string().min(1), Count).default({}),
    })
    .optional(),
  hooks: z.array(HookRun).default([]),
  alarms: z.array(AlarmState).default([]),
});
export type DeploymentRollout = z.infer<typeof DeploymentRollout>;

/** The circuit breaker's count since its last reset (resetOnHealthyTask), kept on the deployment. */
export const BreakerState = z.strictObject({
  resetAt: Timestamp.optional(),
  failures: Count.default(0),
  threshold: Count.optional(),
});
export type BreakerState = z.infer<typeof BreakerState>;

/** The annotation `berth rollout continue|rollback|stop` writes on the service (users own metadata; the controller owns status). */
export const ROLLOUT_ACTION_ANNOTATION = 'berth.dev/rollout-action';
export const RolloutAction = z.strictObject({
  action: z.enum(['CONTINUE', 'ROLLBACK', 'STOP']),
  /** The deployment it applies to (the PRIMARY when it was given). */
  deployment: z.string().min(1),
  /** When it was asked: CONTINUE releases the pause hooks waiting at that time. */
  at: Timestamp,
  hookId: z.string().min(1).optional(),
});
export type RolloutAction = z.infer<typeof RolloutAction>;
