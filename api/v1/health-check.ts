/**
 * A container's health check, with ECS's defaults and maxima. The agent turns it into Docker's own
 * HEALTHCHECK, so the ranges here are what Docker will accept. The minimum interval and timeout are
 * 1 s, Docker's and Kubernetes' floor: ECS's 5 s / 2 s minima are a limit of the AWS service, not
 * part of the model.
 */
import { z } from 'zod';

/** Applied when a field is absent; the agent and controllers read them from here. */
export const HEALTH_CHECK_DEFAULTS = { interval: 30, timeout: 5, retries: 3 } as const;

export const HEALTH_CHECK_RANGES = {
  interval: { min: 1, max: 300 },
  timeout: { min: 1, max: 60 },
  retries: { min: 1, max: 10 },
  startPeriod: { min: 0, max: 300 },
} as const;

/** The first element of a health-check command says how Docker runs the rest. */
export const HEALTH_CHECK_COMMAND_KINDS = ['CMD', 'CMD-SHELL'] as const;

function inRange(field: keyof typeof HEALTH_CHECK_RANGES) {
  const { min, max } = HEALTH_CHECK_RANGES[field];
  return z.int().min(min, `${field} must be at least ${min}`).max(max, `${field} must be at most ${max}`);
}

const HealthCheckCommand = z
  .array(z.string())
  .min(2, 'command needs a kind and something to run, e.g. ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]')
  .superRefine((command, ctx) => {
    const kind = command[0];
    if (kind !== undefined && !(HEALTH_CHECK_COMMAND_KINDS as readonly string[]).includes(kind))
      ctx.addIssue({
        code: 'custom',
        path: [0],
        message: `command must start with "CMD" or "CMD-SHELL", got "${kind}"`,
      });
  });

export const HealthCheck = z.strictObject({
  command: HealthCheckCommand,
  interval: inRange('interval').default(HEALTH_CHECK_DEFAULTS.interval),
  timeout: inRange('timeout').default(HEALTH_CHECK_DEFAULTS.timeout),
  retries: inRange('retries').default(HEALTH_CHECK_DEFAULTS.retries),
  /** Absent means no grace period, as in ECS. */
  startPeriod: inRange('startPeriod').optional(),
});
export type HealthCheck = z.infer<typeof HealthCheck>;
