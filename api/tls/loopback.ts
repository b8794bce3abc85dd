/** Whether a listen or URL host is loopback only: plain http stays there; anything else is served over TLS. */
import { isLoopback } from '../server/auth-hooks.js';

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || isLoopback(bare);
}
