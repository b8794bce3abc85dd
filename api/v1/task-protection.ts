/**
 * Task scale-in protection (ECS UpdateTaskProtection / GetTaskProtection): a protected task is never
 * chosen by its service to stop for a scale-in or a deployment until the protection expires. It is
 * part of the task's spec — what its owner (a user, the task itself through the API) wants — and may
 * change while the task runs; the service controller reads it, nothing else writes it.
 */
import { z } from 'zod';
import { Timestamp } from './meta.js';

/** ECS: expiresInMinutes defaults to 120 (2 hours), at most 2880 (48 hours). */
export const TASK_PROTECTION_DEFAULT_MINUTES = 120;
export const TASK_PROTECTION_MAX_MINUTES = 2880;

export const TaskProtection = z.strictObject({
  protectionEnabled: z.boolean(),
  /** When the protection lapses (ECS's expirationDate); set from expiresInMinutes when it is enabled. */
  expirationDate: Timestamp.optional(),
});
export type TaskProtection = z.infer<typeof TaskProtection>;

/** What UpdateTaskProtection with these arguments stores, at `now` (ms). */
export function taskProtection(enabled: boolean, expiresInMinutes: number | undefined, now: number): TaskProtection {
  if (!enabled) return { protectionEnabled: false };
  const minutes = expiresInMinutes ?? TASK_PROTECTION_DEFAULT_MINUTES;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > TASK_PROTECTION_MAX_MINUTES)
    throw new RangeError(`expiresInMinutes must be a whole number of minutes, 1-${TASK_PROTECTION_MAX_MINUTES} (got ${minutes})`);
  return { protectionEnabled: true, expirationDate: new Date(now + minutes * 60_000).toISOString() };
}

/** Until when (ms) the task is protected at `now`, or undefined when it is not. */
export function protectedUntil(protection: TaskProtection | undefined, now: number): number | undefined {
  if (!protection?.protectionEnabled) return undefined;
  const until = protection.expirationDate === undefined ? Number.POSITIVE_INFINITY : Date.parse(protection.expirationDate);
  return until > now ? until : undefined;
}
