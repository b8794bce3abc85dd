/**
 * LoadBalancer: ELB's load balancer with its listeners — a port and protocol each, rules matching
 * a request's path or host, and actions forwarding to target groups by weight. `berth lb` turns it
 * into HAProxy frontends (controllers/lb). Field names are ELB's (CreateListener, CreateRule),
 * camel-cased; a target group is named by `targetGroupName` or by its ELB `targetGroupArn`.
 */
import { z } from 'zod';
import { Count, EcsIdentifier } from './common.js';
import { defineKind } from './meta.js';
import { TargetGroupRef, TARGET_GROUP_REF_MESSAGE, hasOneTargetGroupRef } from './target-group-ref.js';

export const LISTENER_PROTOCOLS = ['HTTP', 'TCP'] as const;

const WeightedTargetGroup = TargetGroupRef.extend({
  /** ELB's 0-999: a share of the listener's traffic in proportion to the other groups' weights. */
  weight: z.int().min(0).max(999).default(1),
}).refine(hasOneTargetGroupRef, TARGET_GROUP_REF_MESSAGE);

export const ForwardAction = z
  .strictObject({
    type: z.literal('forward'),
    /** One target group (ELB's shorthand), or ... */
    targetGroupArn: TargetGroupRef.shape.targetGroupArn,
    targetGroupName: TargetGroupRef.shape.targetGroupName,
    /** ... several, by weight (blue/green, canary). */
    forwardConfig: z.strictObject({ targetGroups: z.array(WeightedTargetGroup).min(1).max(5) }).optional(),
  })
  .refine(
    (a) => (a.forwardConfig === undefined) === hasOneTargetGroupRef(a),
    'a forward action names one target group (targetGroupName or targetGroupArn) or lists several in forwardConfig.targetGroups, not both',
  );
export type ForwardAction = z.infer<typeof ForwardAction>;

export const RULE_CONDITION_FIELDS = ['path-pattern', 'host-header'] as const;

export const RuleCondition = z.strictObject({
  field: z.enum(RULE_CONDITION_FIELDS),
  /** ELB's patterns: `*` any characters, `?` one; a request matches when any value matches. */
  values: z
    .array(
      z
        .string()
        .min(1)
        .max(128)
        .regex(/^[A-Za-z0-9_\-.$/~"'@:+&()!,;=*?]+$/, 'a condition value is letters, digits, and the characters ELB allows in paths and hosts'),
    )
    .min(1)
    .max(5),
});
export type RuleCondition = z.infer<typeof RuleCondition>;

export const ListenerRule = z.strictObject({
  /** 1-50000, lowest first; unique within a listener. */
  priority: z.int().min(1).max(50_000),
  conditions: z.array(RuleCondition).min(1).max(5),
  actions: z.array(ForwardAction).length(1, 'a rule has exactly one forward action'),
});
export type ListenerRule = z.infer<typeof ListenerRule>;

export const Listener = z
  .strictObject({
    port: z.int().min(1).max(65535),
    protocol: z.enum(LISTENER_PROTOCOLS).default('HTTP'),
    defaultActions: z.array(ForwardAction).length(1, 'a listener has exactly one default forward action'),
    /** HTTP listeners only: matched by priority before the default action. */
    rules: z.array(ListenerRule).default([]),
  })
  .superRefine((l, ctx) => {
    if (l.protocol === 'TCP' && l.rules.length > 0)
      ctx.addIssue({ code: 'custom', path: ['rules'], message: 'a TCP listener cannot match paths or hosts; remove its rules or make it HTTP' });
    const seen = new Set<number>();
    l.rules.forEach((r, i) => {
      if (seen.has(r.priority))
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'priority'],
          message: `priority ${r.priority} is used by another rule of this listener; give each rule its own`,
        });
      seen.add(r.priority);
    });
  });
export type Listener = z.infer<typeof Listener>;

export const LoadBalancerSpec = z
  .strictObject({
    listeners: z.array(Listener).min(1).max(50),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<number>();
    s.listeners.forEach((l, i) => {
      if (seen.has(l.port))
        ctx.addIssue({ code: 'custom', path: ['listeners', i, 'port'], message: `port ${l.port} has another listener; each listener needs its own port` });
      seen.add(l.port);
    });
  });
export type LoadBalancerSpec = z.infer<typeof LoadBalancerSpec>;

export const LoadBalancerStatus = z.strictObject({
  observedGeneration: Count.optional(),
});

export const LoadBalancer = defineKind('LoadBalancer', LoadBalancerSpec, LoadBalancerStatus, { name: EcsIdentifier });
export type LoadBalancer = z.infer<typeof LoadBalancer>;
