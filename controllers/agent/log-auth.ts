/**
 * Who may read logs from this agent: installation admins, and a log-reader token the API server
 * made for a call to this very instance and this very log path — as the API server judges the bearer token (GET /whoami),
 * on every call. Answers are not kept: a token revoked (or expired) a moment ago must not read one
 * more line here, and a log call is rare enough that one more round trip to the API costs nothing.
 */
import type { Principal } from '../../api/auth/principal.js';
import type { Logger } from '../../api/log.js';

export type CallerCheck = { ok: true; principal: Principal } | { ok: false; code: 401 | 403 | 503; message: string };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export class LogCallerAuth {
  constructor(
    private readonly identify: (token: string) => Promise<Principal | undefined>,
    private readonly self: { cluster: string; instance: string },
    private readonly log: Logger,
  ) {}

  /** `path`: the agent path asked for; a log-reader token made for another path is refused. */
  async check(authorization: string | undefined, path: string): Promise<CallerCheck> {
    if (authorization === undefined)
      return { ok: false, code: 401, message: 'this request carries no bearer token; pass "Authorization: Bearer <admin token>"' };
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined) return { ok: false, code: 401, message: 'the Authorization header is not "Bearer <token>"' };
    let principal: Principal | undefined;
    try {
      principal = await this.identify(token);
    } catch (err) {
      this.log.warn({ err }, "cannot check a log caller's token with the API server");
      return { ok: false, code: 503, message: 'cannot check the token with the API server right now; try again' };
    }
    if (!principal) return { ok: false, code: 401, message: 'the API server does not know this bearer token (revoked, expired or mistyped)' };
    if (principal.role === 'admin') return { ok: true, principal };
    const { cluster, instance } = this.self;
    if (principal.role === 'log-reader' && (principal.cluster !== cluster || principal.instance !== instance))
      return {
        ok: false,
        code: 403,
        message: `${principal.name} was made for ${principal.instance ? `instance ${principal.cluster}/${principal.instance}` : 'no instance'}, not this one (${cluster}/${instance})`,
      };
    // The API server binds each call's token to the one log it reads: captured on the way, it reads no other.
    if (principal.role === 'log-reader' && principal.path !== path)
      return { ok: false, code: 403, message: `${principal.name} was made for ${principal.path === undefined ? 'no log path' : principal.path}, not ${path}` };
    if (principal.role === 'log-reader') return { ok: true, principal };
    return { ok: false, code: 403, message: `${principal.name} may not read container logs; only admins and the API server may` };
  }
}
