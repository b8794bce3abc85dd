/**
 * How a listener action or a service names a target group: by `targetGroupName` (berth's object
 * name) or by an ELB `targetGroupArn` (`arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID`),
 * of which only NAME is read, so ECS and ELB JSON drop in unchanged.
 */
import { z } from 'zod';
import { parseArn } from './arn.js';
import { ECS_IDENTIFIER_PATTERN } from './common.js';

export const TARGET_GROUP_REF_MESSAGE = 'name the target group with targetGroupName or targetGroupArn, exactly one of them';

export const TargetGroupRef = z.strictObject({
  targetGroupArn: z
    .string()
    .refine((a) => targetGroupNameOfArn(a) !== undefined, 'expected arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID')
    .optional(),
  targetGroupName: z.string().regex(ECS_IDENTIFIER_PATTERN, 'a target group name is 1-255 letters, digits, hyphens or underscores').optional(),
});

export function hasOneTargetGroupRef(ref: { targetGroupArn?: string | undefined; targetGroupName?: string | undefined }): boolean {
  return (ref.targetGroupArn === undefined) !== (ref.targetGroupName === undefined);
}

/** The NAME of an ELB target-group ARN; undefined if it is not one. */
export function targetGroupNameOfArn(arn: string): string | undefined {
  const parsed = parseArn(arn);
  if (parsed?.service !== 'elasticloadbalancing' || parsed.resourceType !== 'targetgroup') return undefined;
  const name = parsed.resourceId.split('/')[0];
  return name !== undefined && ECS_IDENTIFIER_PATTERN.test(name) ? name : undefined;
}

/** The target group's object name, from either field. */
export function targetGroupNameOf(ref: { targetGroupArn?: string | undefined; targetGroupName?: string | undefined }): string | undefined {
  return ref.targetGroupName ?? (ref.targetGroupArn === undefined ? undefined : targetGroupNameOfArn(ref.targetGroupArn));
}
