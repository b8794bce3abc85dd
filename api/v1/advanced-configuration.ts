/**
 * A Service load balancer entry's `advancedConfiguration` (ECS's 2025 field for BLUE_GREEN,
 * LINEAR and CANARY): the alternate target group green's tasks register in, and the listener
 * rules whose forward action berth weights between the two groups — production traffic on
 * `productionListenerRule`, test traffic on `testListenerRule`.
 *
 * ELB names a rule by an ARN whose ids berth has no use for; berth reads a rule as
 * LOAD_BALANCER/PORT/PRIORITY (PRIORITY `default`: the listener's default action), either alone
 * (`front/80/default`) or as the tail of an ELB listener-rule ARN whose last two ids are the
 * listener's port and the rule's priority
 * (`arn:aws:elasticloadbalancing:REGION:ACCOUNT:listener-rule/app/front/ID/80/10`).
 */
import { z } from 'zod';
import { ECS_IDENTIFIER_PATTERN } from './common.js';
import { targetGroupNameOfArn } from './target-group-ref.js';

export interface ListenerRuleRef {
  loadBalancer: string;
  port: number;
  /** undefined: the listener's default action. */
  priority?: number;
}

const SHORT = /^([A-Za-z0-9_-]{1,255})\/(\d{1,5})\/(default|\d{1,5})$/;
const ARN =
  /^arn:[a-z][a-z0-9-]*:elasticloadbalancing:[a-z0-9-]*:[0-9]*:listener-rule\/(?:app|net)\/([A-Za-z0-9_-]{1,255})\/[A-Za-z0-9]+\/(\d{1,5})\/(default|\d{1,5})$/;

export function parseListenerRuleRef(text: string): ListenerRuleRef | undefined {
  const m = SHORT.exec(text) ?? ARN.exec(text);
  if (!m) return undefined;
  const [, loadBalancer = '', port = '', priority = ''] = m;
  const p = Number(port);
  if (p < 1 || p > 65535) return undefined;
  return priority === 'default' ? { loadBalancer, port: p } : { loadBalancer, port: p, priority: Number(priority) };
}

const LISTENER_RULE_MESSAGE =
  'a listener rule is LOAD_BALANCER/PORT/PRIORITY (PRIORITY "default" for the default action), e.g. front/80/default, or an ELB listener-rule ARN ending in /PORT/PRIORITY';
const ListenerRuleText = z.string().refine((t) => parseListenerRuleRef(t) !== undefined, LISTENER_RULE_MESSAGE);

export const AdvancedConfiguration = z
  .strictObject({
    alternateTargetGroupArn: z
      .string()
      .refine((a) => targetGroupNameOfArn(a) !== undefined, 'expected arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID')
      .optional(),
    /** berth's own: the alternate group by its object name (as targetGroupName is for targetGroupArn). */
    alternateTargetGroupName: z.string().regex(ECS_IDENTIFIER_PATTERN, 'a target group name is 1-255 letters, digits, hyphens or underscores').optional(),
    productionListenerRule: ListenerRuleText,
    testListenerRule: ListenerRuleText.optional(),
    /** Accepted for ECS compatibility: berth changes its own listener rules and needs no role. */
    roleArn: z.string().min(1).optional(),
  })
  .refine((c) => (c.alternateTargetGroupArn === undefined) !== (c.alternateTargetGroupName === undefined), {
    message: 'name the alternate target group with alternateTargetGroupName or alternateTargetGroupArn, exactly one of them',
    path: ['alternateTargetGroupName'],
  });
export type AdvancedConfiguration = z.infer<typeof AdvancedConfiguration>;

/** The alternate group's object name. */
export function alternateGroupNameOf(c: AdvancedConfiguration): string | undefined {
  return c.alternateTargetGroupName ?? (c.alternateTargetGroupArn === undefined ? undefined : targetGroupNameOfArn(c.alternateTargetGroupArn));
}

/** Which of an entry's two groups a deployment's tasks register in; absent on a deployment: PRIMARY (the entry's targetGroupName/Arn). */
export const TARGET_GROUP_SIDES = ['PRIMARY', 'ALTERNATE'] as const;
export const TargetGroupSide = z.enum(TARGET_GROUP_SIDES);
export type TargetGroupSide = z.infer<typeof TargetGroupSide>;
