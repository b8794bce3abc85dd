/**
 * ECS's `clientToken`: a retried RunTask or CreateService with the same token gets the result of
 * the first call instead of a second one. The token (hashed with the caller's name, so two callers
 * never share one) is kept as a label on what the call created, so it survives restarts and holds
 * across API servers; a label value holds 63 characters, a hex SHA-256 prefix fits.
 */
import { createHash } from 'node:crypto';
import type { Principal } from '../../auth/principal.js';

export const CLIENT_TOKEN_LABEL = 'ecs.berth.dev/client-token';

export function clientTokenLabel(principal: Principal, token: string): string {
  return createHash('sha256').update(`${principal.name}\n${token}`).digest('hex').slice(0, 40);
}
