/**
 * Who is calling (bearer token → principal) and whether they may make this call. Authentication
 * runs before the body is read, so an anonymous client cannot make the server parse a megabyte;
 * authorization runs after, because an agent's create is judged by the name in its body.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorize } from '../auth/authorize.js';
import { ForbiddenError, UnauthorizedError } from '../auth/errors.js';
import { ANONYMOUS_LOOPBACK, type Principal } from '../auth/principal.js';
import type { TokenRegistry } from '../auth/tokens.js';
import type { ResourceStore } from '../resources/resource-store.js';
import type { ApiCall } from './api-call.js';

export interface ServerAuth {
  tokens: TokenRegistry;
  /** Let requests without a token in as admin when they come from loopback (single-machine dev). */
  insecureLoopback?: boolean;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export async function authenticate(auth: ServerAuth, request: FastifyRequest): Promise<Principal> {
  const header = request.headers.authorization;
  if (header === undefined) {
    if (auth.insecureLoopback && isLoopback(request.socket.remoteAddress)) return ANONYMOUS_LOOPBACK;
    throw new UnauthorizedError('this request carries no bearer token');
  }
  const token = BEARER.exec(header)?.[1];
  if (token === undefined) throw new UnauthorizedError('the Authorization header is not "Bearer <token>"');
  const identity = await auth.tokens.authenticate(token);
  if (!identity) throw new UnauthorizedError('the bearer token is not valid here (revoked, mistyped, or from another installation)');
  return identity;
}

const NamedBody = z.object({ metadata: z.object({ name: z.string() }) });

export async function authorizeCall(resources: ResourceStore, principal: Principal, call: ApiCall, body: unknown): Promise<void> {
  const { path, verb, query } = call;
  const name = path.name ?? (verb === 'create' ? NamedBody.safeParse(body).data?.metadata.name : undefined);
  const cluster = path.kind === 'Cluster' ? path.name : path.cluster;
  const decision = authorize(principal, { verb, kind: path.kind, cluster, name, subresource: path.subresource, containerInstance: query.containerInstance });
  if (decision.allowed === true) return;
  if (decision.allowed === false) throw new ForbiddenError(decision.reason);
  if (name === undefined) throw new ForbiddenError('a task must be named');
  // The stored task decides, not the request body: an agent cannot claim a task by saying so.
  const task = await resources.get('Task', { cluster, name });
  const boundTo = task?.spec.containerInstance;
  if (task && boundTo !== decision.instance)
    throw new ForbiddenError(
      `task ${task.metadata.cluster}/${name} is ${boundTo ? `bound to instance ${boundTo}` : 'not bound to any instance'}; ` +
        `the agent of instance ${decision.instance} may only read and report on its own tasks`,
    );
}
