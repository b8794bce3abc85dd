/**
 * ECS's CloudWatch `deploymentConfiguration.alarms` ({alarmNames, enable, rollback}), mapped onto
 * berth's own deployment alarms: berth has no CloudWatch, so each of alarmNames must name an entry
 * of deploymentConfiguration.berthAlarms (the check that stands for that CloudWatch alarm). With
 * `alarms` given, only the named berthAlarms are evaluated, and none while `enable` is false;
 * without it, every berthAlarms entry is. berth always rolls back a deployment whose alarm fires,
 * so `rollback: false` (fail and stay) is refused rather than ignored.
 */
import { z } from 'zod';
import type { BerthAlarm } from './deployment-strategy.js';

export const DeploymentAlarms = z.strictObject({
  alarmNames: z.array(z.string().min(1).max(255)).min(1, 'name at least one alarm').max(10, 'at most 10 alarms'),
  enable: z.boolean(),
  rollback: z.boolean(),
});
export type DeploymentAlarms = z.infer<typeof DeploymentAlarms>;

/** Issues of `alarms` against the berthAlarms beside it. */
export function deploymentAlarmIssues(
  d: { alarms?: DeploymentAlarms | undefined; berthAlarms?: readonly BerthAlarm[] | undefined },
  ctx: z.RefinementCtx,
): void {
  if (d.alarms === undefined) return;
  const defined = new Set((d.berthAlarms ?? []).map((a) => a.name));
  d.alarms.alarmNames.forEach((name, i) => {
    if (!defined.has(name))
      ctx.addIssue({
        code: 'custom',
        path: ['alarms', 'alarmNames', i],
        message: `berth has no CloudWatch: alarm "${name}" must be defined in deploymentConfiguration.berthAlarms (an HTTP check or a Prometheus query with this name)`,
      });
  });
  if (d.alarms.enable && !d.alarms.rollback)
    ctx.addIssue({
      code: 'custom',
      path: ['alarms', 'rollback'],
      message: 'berth always rolls a deployment back when one of its alarms fires: set alarms.rollback to true (or enable to false)',
    });
}

/** The berthAlarms a deployment evaluates. */
export function activeAlarms(d: { alarms?: DeploymentAlarms | undefined; berthAlarms?: readonly BerthAlarm[] | undefined }): BerthAlarm[] {
  const all = d.berthAlarms ?? [];
  if (d.alarms === undefined) return [...all];
  if (!d.alarms.enable) return [];
  const named = new Set(d.alarms.alarmNames);
  return all.filter((a) => named.has(a.name));
}
