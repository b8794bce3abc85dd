/**
 * A long response (a watch stream, a followed log) lives no longer than the token that opened it:
 * it ends when that token is revoked (on this server or, through the token mirror, on another) or
 * expires. Without this a revoked token kept every stream it had open.
 */
import type { TokenRegistry } from '../auth/tokens.js';
import type { RequestState } from './request-state.js';

/** Calls `end` when the request's token is revoked or expires; returns the cleanup to call when the response ends first. */
export function endWithToken(tokens: TokenRegistry, state: RequestState, end: () => void): () => void {
  const { tokenSha256, principal } = state;
  if (tokenSha256 === undefined) return () => undefined; // no token (anonymous loopback): nothing to revoke
  const off = tokens.onRevoked((sha256) => {
    if (sha256 === tokenSha256) end();
  });
  const expiresAt = principal?.expiresAt === undefined ? undefined : Date.parse(principal.expiresAt);
  // setTimeout holds at most ~24.8 days; a token living longer is re-judged by the client's next request.
  const timer = expiresAt === undefined ? undefined : setTimeout(end, Math.min(Math.max(0, expiresAt - Date.now()), 2 ** 31 - 1));
  return () => {
    off();
    clearTimeout(timer);
  };
}
