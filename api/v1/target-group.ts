/**
 * TargetGroup: ELB's target group — where a load balancer's listener forwards, how targets are
 * health-checked, and how long a leaving target drains. Services register their tasks in one through
 * `spec.loadBalancers` (service-load-balancers.ts); the target-group controller (controllers/lb)
 * writes the targets into status, and `berth lb` (the HAProxy data plane) checks them and reports
 * their health back, which the controller folds into each target's `health`.
 * Field names are ELB's (CreateTargetGroup, ModifyTargetGroupAttributes), camel-cased.
 */
import { z } from 'zod';
import { Count, EcsIdentifier } from './common.js';
import { defineKind, Timestamp } from './meta.js';

export const TARGET_GROUP_PROTOCOLS = ['HTTP', 'TCP'] as const;
export const TargetGroupProtocol = z.enum(TARGET_GROUP_PROTOCOLS);

/** ELB's defaults, except the thresholds' and interval's floors, which tests and small setups shorten. */
export const TARGET_GROUP_DEFAULTS = {
  path: '/',
  httpCode: '200',
  intervalSeconds: 30,
  timeoutSeconds: 5,
  healthyThresholdCount: 5,
  unhealthyThresholdCount: 2,
  deregistrationDelay: 300,
  slowStart: 0,
} as const;

/** `200`, `200,202`, `200-299`: ELB's Matcher.HttpCode. */
const HTTP_CODE = /^[1-5][0-9]{2}(-[1-5][0-9]{2})?(,[1-5][0-9]{2}(-[1-5][0-9]{2})?)*$/;

export const TargetGroupHealthCheck = z
  .strictObject({
    /** HTTP target groups: the path requested (GET) on each target. */
    path: z.string().startsWith('/', 'healthCheck.path must start with "/"').max(1024).default(TARGET_GROUP_DEFAULTS.path),
    matcher: z
      .strictObject({
        httpCode: z.string().regex(HTTP_CODE, 'httpCode is a status (200), a list (200,202) or a range (200-299)').default(TARGET_GROUP_DEFAULTS.httpCode),
      })
      .prefault({}),
    intervalSeconds: z.int().min(1).max(300).default(TARGET_GROUP_DEFAULTS.intervalSeconds),
    timeoutSeconds: z.int().min(1).max(120).default(TARGET_GROUP_DEFAULTS.timeoutSeconds),
    healthyThresholdCount: z.int().min(1).max(10).default(TARGET_GROUP_DEFAULTS.healthyThresholdCount),
    unhealthyThresholdCount: z.int().min(1).max(10).default(TARGET_GROUP_DEFAULTS.unhealthyThresholdCount),
  })
  .superRefine((h, ctx) => {
    // A check that may take longer than the interval would overlap the next one (ELB asks for
    // less than the interval; equal is allowed here so that 1 s checks are possible).
    if (h.timeoutSeconds > h.intervalSeconds)
      ctx.addIssue({
        code: 'custom',
        path: ['timeoutSeconds'],
        message: `timeoutSeconds (${h.timeoutSeconds}) must be at most intervalSeconds (${h.intervalSeconds}); shorten the timeout or lengthen the interval`,
      });
  });
export type TargetGroupHealthCheck = z.infer<typeof TargetGroupHealthCheck>;

export const TargetGroupSpec = z.strictObject({
  protocol: TargetGroupProtocol.default('HTTP'),
  /** The port targets receive traffic on when registered without one (a service's tasks bring their own host port). */
  port: z.int().min(1).max(65535).optional(),
  healthCheck: TargetGroupHealthCheck.prefault({}),
  /** Seconds a deregistered target keeps its open connections before it is removed (ELB's deregistration_delay.timeout_seconds). */
  deregistrationDelay: z.int().min(0).max(3600).default(TARGET_GROUP_DEFAULTS.deregistrationDelay),
  /** Seconds over which a new healthy target's share of traffic ramps up (ELB's slow_start.duration_seconds); 0: at once. */
  slowStart: z
    .int()
    .min(0)
    .max(900)
    .refine((s) => s === 0 || s >= 30, 'slowStart is 0 (off) or 30-900 seconds, as ELB allows')
    .default(TARGET_GROUP_DEFAULTS.slowStart),
});
export type TargetGroupSpec = z.infer<typeof TargetGroupSpec>;

/** ELB's TargetHealth.State. */
export const TARGET_HEALTH_STATES = ['initial', 'healthy', 'unhealthy', 'draining', 'unused'] as const;
export const TargetHealthState = z.enum(TARGET_HEALTH_STATES);
export type TargetHealthState = z.infer<typeof TargetHealthState>;

export const Target = z.strictObject({
  /** The task (its name) the target is; with container and port, the target's identity. */
  task: z.string().min(1),
  containerName: EcsIdentifier,
  containerPort: z.int().min(1).max(65535),
  /** Where the proxy connects: the instance's address and the container's host port. */
  id: z.string().min(1),
  port: z.int().min(1).max(65535),
  /** The service that registered it. */
  service: z.string().min(1),
  health: TargetHealthState.default('initial'),
  /** ELB's TargetHealth.Reason/Description in one: why it is not healthy. */
  reason: z.string().optional(),
  /** When it was first registered (slow start counts from here). */
  registeredAt: Timestamp.optional(),
  /** When it began draining: it is removed deregistrationDelay seconds later. */
  drainingSince: Timestamp.optional(),
});
export type Target = z.infer<typeof Target>;

/** What one proxy last saw of the targets' health checks. */
export const ProxyHealthReport = z.strictObject({
  proxy: z.string().min(1).max(253),
  reportedAt: Timestamp,
  /** `address:port` → the proxy's check result. */
  targets: z.record(z.string().min(1), z.enum(['healthy', 'unhealthy', 'initial'])),
  /**
   * Load balancer name → the generation of its spec whose listeners and weights this proxy routes
   * now, for each load balancer forwarding to this group: a deployment's bake starts once every
   * proxy reporting a load balancer has applied the generation its weights were written in.
   */
  loadBalancers: z.record(z.string().min(1), Count).optional(),
});
export type ProxyHealthReport = z.infer<typeof ProxyHealthReport>;

export const TargetGroupStatus = z.strictObject({
  observedGeneration: Count.optional(),
  /** Written by the target-group controller alone. */
  targets: z.array(Target).default([]),
  /** Written by each proxy (`berth lb`) about its own checks; the controller reads them into targets[].health. */
  healthReports: z.array(ProxyHealthReport).default([]),
});
export type TargetGroupStatus = z.infer<typeof TargetGroupStatus>;

export const TargetGroup = defineKind('TargetGroup', TargetGroupSpec, TargetGroupStatus, { name: EcsIdentifier });
export type TargetGroup = z.infer<typeof TargetGroup>;
