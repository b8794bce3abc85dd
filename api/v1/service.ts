/**
 * Service: keep N copies of a task definition revision running, and roll them forward when the
 * revision changes. Users write spec; the service controller alone writes status.
 */
import { z } from 'zod';
import { Count, DEFAULT_LAUNCH_TYPE, EcsIdentifier, LaunchType, Tags } from './common.js';
import { DEFAULT_MAX_TASKS_PER_SERVICE, MAX_TASKS_PER_SERVICE_CEILING } from './cluster.js';
import { defineKind, Timestamp } from './meta.js';
import { PlacementConstraints, PlacementStrategies } from './placement.js';
import { ServiceRegistries } from './service-registry.js';
import { PinnedTaskDefinitionRefString, TaskDefinitionRefString } from './task-definition-ref.js';
import { BreakerState, circuitBreakerShape, DeploymentRollout, deploymentStrategyShape, strategyIssues } from './deployment-strategy.js';
import { ServiceLoadBalancers } from './service-load-balancers.js';
import { TargetGroupSide } from './advanced-configuration.js';
import { deploymentAlarmIssues } from './deployment-alarms.js';

export const SCHEDULING_STRATEGIES = ['REPLICA', 'DAEMON'] as const;
export const MAX_HEALTH_CHECK_GRACE_PERIOD_SECONDS = 2_147_483_647;
export const MAX_SERVICE_EVENTS = 100;

export const DEPLOYMENT_DEFAULTS = {
  minimumHealthyPercent: 100,
  maximumPercent: 200,
  deploymentCircuitBreaker: { enable: false, rollback: false },
} as const;
export const SERVICE_DEFAULTS = {
  /** ECS requires desiredCount for REPLICA services; berth defaults it to 1 as Kubernetes does. */
  desiredCount: 1,
  launchType: DEFAULT_LAUNCH_TYPE,
  schedulingStrategy: 'REPLICA',
  healthCheckGracePeriodSeconds: 0,
} as const;

export const DeploymentConfiguration = z
  .strictObject({
    minimumHealthyPercent: z
      .int()
      .min(0, 'minimumHealthyPercent must be 0-100')
      .max(100, 'minimumHealthyPercent must be 0-100')
      .default(DEPLOYMENT_DEFAULTS.minimumHealthyPercent),
    maximumPercent: z.int().min(100, 'maximumPercent must be at least 100').default(DEPLOYMENT_DEFAULTS.maximumPercent),
    deploymentCircuitBreaker: z
      .strictObject({
        enable: z.boolean().default(DEPLOYMENT_DEFAULTS.deploymentCircuitBreaker.enable),
        rollback: z.boolean().default(DEPLOYMENT_DEFAULTS.deploymentCircuitBreaker.rollback),
        ...circuitBreakerShape,
      })
      .prefault({}),
    ...deploymentStrategyShape,
  })
  .superRefine((d, ctx) => {
    deploymentAlarmIssues(d, ctx);
    // A rolling update must be able to start a new task (max above 100) or stop an old one first
    // (min below 100); 100/100 can do neither, and ECS rejects it.
    if (d.maximumPercent <= d.minimumHealthyPercent)
      ctx.addIssue({
        code: 'custom',
        path: ['maximumPercent'],
        message: `maximumPercent (${d.maximumPercent}) must be greater than minimumHealthyPercent (${d.minimumHealthyPercent}), or a deployment can never make progress`,
      });
  });
export type DeploymentConfiguration = z.infer<typeof DeploymentConfiguration>;

export const ServiceSpec = z
  .strictObject({
    /** `web`: follow the newest ACTIVE revision; `web:3`: pinned. */
    taskDefinition: TaskDefinitionRefString,
    /**
     * Ignored for DAEMON services, which run one task per instance. At most the cluster's
     * maxTasksPerService (checked when the service is written, against its Cluster).
     */
    desiredCount: Count.max(
      MAX_TASKS_PER_SERVICE_CEILING,
      `desiredCount must be at most ${MAX_TASKS_PER_SERVICE_CEILING} (and at most the cluster's maxTasksPerService, default ${DEFAULT_MAX_TASKS_PER_SERVICE})`,
    ).default(SERVICE_DEFAULTS.desiredCount),
    launchType: LaunchType.default(SERVICE_DEFAULTS.launchType),
    placementStrategy: PlacementStrategies.optional(),
    placementConstraints: PlacementConstraints.optional(),
    deploymentConfiguration: DeploymentConfiguration.prefault({}),
    healthCheckGracePeriodSeconds: z.int().min(0).max(MAX_HEALTH_CHECK_GRACE_PERIOD_SECONDS).default(SERVICE_DEFAULTS.healthCheckGracePeriodSeconds),
    schedulingStrategy: z.enum(SCHEDULING_STRATEGIES).default(SERVICE_DEFAULTS.schedulingStrategy),
    tags: Tags.optional(),
    serviceRegistries: ServiceRegistries.optional(),
    loadBalancers: ServiceLoadBalancers.optional(),
  })
  .superRefine(strategyIssues);
export type ServiceSpec = z.infer<typeof ServiceSpec>;

export const DEPLOYMENT_STATUSES = ['PRIMARY', 'ACTIVE', 'INACTIVE'] as const;
export const ROLLOUT_STATES = ['IN_PROGRESS', 'COMPLETED', 'FAILED'] as const;

export const Deployment = z.strictObject({
  id: z.string().min(1),
  status: z.enum(DEPLOYMENT_STATUSES),
  /** The resolved revision this deployment runs. */
  taskDefinition: PinnedTaskDefinitionRefString,
  desiredCount: Count.default(0),
  pendingCount: Count.default(0),
  runningCount: Count.default(0),
  failedTasks: Count.default(0),
  rolloutState: z.enum(ROLLOUT_STATES).default('IN_PROGRESS'),
  rolloutStateReason: z.string().optional(),
  /** When this deployment started (a rollback starts it again): its failedTasks count from here. */
  createdAt: Timestamp.optional(),
  updatedAt: Timestamp.optional(),
  /** Set while this deployment is a rollback started by the circuit breaker: the one that failed. */
  rollbackFrom: z.string().optional(),
  /**
   * A rollback: when traffic returned to it. A rollback from CLEAN_UP (blue partly scaled down, all
   * traffic on green) leaves traffic where the failed deployment had it until blue is back at its
   * count, healthy in its target groups; ECS too restores the blue revision before shifting back.
   */
  trafficReturnedAt: Timestamp.optional(),
  rollout: DeploymentRollout.optional(),
  circuitBreaker: BreakerState.optional(),
  /** Services with advancedConfiguration: the target group this deployment's tasks register in. */
  targetGroupSide: TargetGroupSide.optional(),
});
export type Deployment = z.infer<typeof Deployment>;

/** How many deployments status.history keeps (newest first); older ones are dropped. */
export const MAX_DEPLOYMENT_HISTORY = 25;
export const DEPLOYMENT_RECORD_STATES = ['IN_PROGRESS', 'COMPLETED', 'FAILED', 'STOPPED'] as const;

/**
 * One deployment as it happened, for `berth rollout history/undo/status`: status.deployments forgets
 * a deployment once its tasks have drained, and events are trimmed, so the controller keeps this.
 * A rollback is a new record for the deployment it returns to. STOPPED: superseded while in progress.
 */
export const DeploymentRecord = z.strictObject({
  id: z.string().min(1),
  taskDefinition: PinnedTaskDefinitionRefString,
  state: z.enum(DEPLOYMENT_RECORD_STATES),
  startedAt: Timestamp,
  finishedAt: Timestamp.optional(),
  reason: z.string().optional(),
  /** Set on the record of a deployment returned to by the circuit breaker: the one that failed. */
  rollbackFrom: z.string().optional(),
});
export type DeploymentRecord = z.infer<typeof DeploymentRecord>;

export const ServiceEvent = z.strictObject({ id: z.string().min(1), createdAt: Timestamp, message: z.string().min(1) });
export type ServiceEvent = z.infer<typeof ServiceEvent>;

export const ServiceStatus = z.strictObject({
  runningCount: Count.default(0),
  pendingCount: Count.default(0),
  desiredCount: Count.default(0),
  /** The metadata.generation the controller last acted on. */
  observedGeneration: Count.optional(),
  /** The revision the service runs: its PRIMARY deployment's (after a rollback, the one returned to). */
  taskDefinition: PinnedTaskDefinitionRefString.optional(),
  /**
   * The revision spec.taskDefinition last resolved to: a new resolution starts a deployment. It
   * differs from taskDefinition after the circuit breaker rolled that revision back.
   */
  resolvedTaskDefinition: PinnedTaskDefinitionRefString.optional(),
  deployments: z.array(Deployment).default([]),
  /** Deployments as they started and ended, newest first, at most MAX_DEPLOYMENT_HISTORY. */
  history: z.array(DeploymentRecord).max(MAX_DEPLOYMENT_HISTORY).default([]),
  /** Newest first, at most MAX_SERVICE_EVENTS; the controller trims older ones. */
  events: z.array(ServiceEvent).max(MAX_SERVICE_EVENTS, `at most ${MAX_SERVICE_EVENTS} events are kept`).default([]),
});
export type ServiceStatus = z.infer<typeof ServiceStatus>;

/** ECS's CreateService: up to 255 letters, digits, "-" and "_" (so no `web:3`, which reads as a task definition). */
export const Service = defineKind('Service', ServiceSpec, ServiceStatus, { name: EcsIdentifier });
export type Service = z.infer<typeof Service>;
