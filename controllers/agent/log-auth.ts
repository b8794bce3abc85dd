/**
 * Who may read logs from this agent: admins and log readers (the API server's own token), as the
 * API server judges their bearer token
 * (GET /whoami). Positive answers are kept for a while so a `berth logs` burst is not a burst of
 * calls to the API; negative ones are not, so a token just issued works at once. Tokens are kept
 * only as their SHA-256.
 */
import type { Principal } from '../../api/auth/principal.js';
import { hashToken } from '../../api/auth/tokens.js';
import type { Logger } from '../../api/log.js';

export const CALLER_CACHE_MS = 30_000;
const MAX_CACHED = 1_000;

export type CallerCheck =
  | { ok: true; principal: Principal }
  | { ok: false; code: 401 | 403 | 503; message: string };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export class LogCallerAuth {
  private readonly cache = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly identify: (token: string) => Promise<Principal | undefined>,
    private readonly now: () => number,
    private readonly log: Logger,
    private readonly cacheMs = CALLER_CACHE_MS,
  ) {}

  async check(authorization: string | undefined): Promise<CallerCheck> {
    if (authorization === undefined) return { ok: false, code: 401, message: 'this request carries no bearer token; pass "Authorization: Bearer <admin token>"' };
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined) return { ok: false, code: 401, message: 'the Authorization header is not "Bearer <token>"' };
    const principal = await this.principalOf(token);
    if (principal === 'unreachable') return { ok: false, code: 503, message: 'cannot check the token with the API server right now; try again' };
    if (!principal) return { ok: false, code: 401, message: 'the API server does not know this bearer token' };
    if (principal.role !== 'admin' && principal.role !== 'log-reader') return { ok: false, code: 403, message: `${principal.name} may not read container logs; only admins and the API server may` };
    return { ok: true, principal };
  }

  private async principalOf(token: string): Promise<Principal | undefined | 'unreachable'> {
    const key = hashToken(token);
    const now = this.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.principal;
    let principal: Principal | undefined;
    try {
      principal = await this.identify(token);
    } catch (err) {
      this.log.warn({ err }, 'cannot check a log caller\'s token with the API server');
      return 'unreachable';
    }
    if (principal) {
      if (this.cache.size >= MAX_CACHED) for (const [k, v] of this.cache) if (v.until <= now || this.cache.size >= MAX_CACHED) this.cache.delete(k);
      this.cache.set(key, { principal, until: now + this.cacheMs });
    }
    return principal;
  }
}
