/** What the hooks learn about a request (route, verb, caller) and hand on to handlers and metrics. */
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import type { ApiCall } from './api-call.js';
import type { Admit } from './auth-hooks.js';

export interface RequestState {
  /** Route template for metrics, e.g. /apis/berth.dev/v1/clusters/{cluster}/tasks/{name}. */
  route: string;
  verb: string;
  /** The kind a resource request is about, for metrics. */
  kind?: string;
  principal?: Principal;
  /** The SHA-256 of the caller's bearer token (for ending its streams when it is revoked). */
  tokenSha256?: string;
  /** Present for resource requests. */
  call?: ApiCall;
  /** What the caller's write must also pass (auth-hooks.ts authorizeCall). */
  admit?: Admit;
}

declare module 'fastify' {
  interface FastifyRequest {
    berth: RequestState | null;
  }
}

export function stateOf(request: FastifyRequest): RequestState {
  if (!request.berth) throw new Error('internal: request state missing (onRequest hook did not run)');
  return request.berth;
}
