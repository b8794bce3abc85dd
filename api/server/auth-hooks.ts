/**
 * Who is calling (bearer token → principal) and whether they may make this call. Authentication
 * runs before the body is read, so an anonymous client cannot make the server parse a megabyte;
 * authorization runs after, because an agent's create is judged by the name in its body.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorize } from '../auth/authorize.js';
import { ForbiddenError, UnauthorizedError } from '../auth/errors.js';
import { ANONYMOUS_LOOPBACK, atLeast, roleIn, type Principal } from '../auth/principal.js';
import { parseTaskDefinitionRef } from '../v1/task-definition-ref.js';
import { hashToken, type TokenRegistry } from '../auth/tokens.js';
import { agentInstanceRefusals } from '../auth/agent-instance-rules.js';
import { lbReportRefusals } from '../auth/lb-report-rules.js';
import { isOfKind } from '../usecases/resources/codec.js';
import type { ResourceStore, WriteOptions } from '../usecases/resources/resource-store.js';
import type { ContainerInstance } from '../v1/container-instance.js';
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

export async function authenticate(auth: ServerAuth, request: FastifyRequest): Promise<{ principal: Principal; tokenSha256?: string }> {
  const header = request.headers.authorization;
  if (header === undefined) {
    if (auth.insecureLoopback && isLoopback(request.socket.remoteAddress)) return { principal: ANONYMOUS_LOOPBACK };
    throw new UnauthorizedError('this request carries no bearer token');
  }
  const token = BEARER.exec(header)?.[1];
  if (token === undefined) throw new UnauthorizedError('the Authorization header is not "Bearer <token>"');
  const identity = await auth.tokens.authenticate(token);
  if (!identity) throw new UnauthorizedError('the bearer token is not valid here (revoked, expired, mistyped, or from another installation)');
  return { principal: identity, tokenSha256: hashToken(token) };
}

const NamedBody = z.object({ metadata: z.object({ name: z.string() }) });

/** An admission the write must pass (resource-store.ts WriteOptions.admit), or undefined. */
export type Admit = NonNullable<WriteOptions['admit']>;

/**
 * Throws ForbiddenError when `principal` may not make `call`; returns the admission its write
 * must also pass, when what may be written depends on the object (an agent's own instance).
 */
export async function authorizeCall(resources: ResourceStore, principal: Principal, call: ApiCall, body: unknown): Promise<Admit | undefined> {
  const { path, verb, query } = call;
  const name = path.name ?? (verb === 'create' ? NamedBody.safeParse(body).data?.metadata.name : undefined);
  const cluster = path.kind === 'Cluster' ? path.name : path.cluster;
  const decision = authorize(principal, {
    verb,
    kind: path.kind,
    cluster,
    name,
    subresource: path.subresource,
    containerInstance: query.containerInstance,
    view: query.view,
  });
  if (decision.allowed === true) return undefined;
  if (decision.allowed === false) throw new ForbiddenError(decision.reason);
  if (decision.allowed === 'ownInstanceRules') return agentInstanceAdmission(resources, decision.instance, path.subresource);
  if (decision.allowed === 'ownHealthReport') return lbReportAdmission(decision.proxy);
  if (decision.allowed === 'needsAdminWhereUsed') {
    if (name === undefined) throw new ForbiddenError('name the task definition revision to deregister or delete');
    await checkAdminWhereUsed(resources, principal, name);
    return undefined;
  }
  if (name === undefined || cluster === undefined) throw new ForbiddenError('an agent must name the object and its cluster');
  if (decision.allowed === 'needsBoundDefinition') {
    await checkBoundDefinition(resources, cluster, name, decision.instance);
    return undefined;
  }
  // The stored task decides, not the request body: an agent cannot claim a task by saying so.
  const task = await resources.get('Task', { cluster, name });
  const boundTo = task?.spec.containerInstance;
  if (task && boundTo !== decision.instance)
    throw new ForbiddenError(
      `task ${task.metadata.cluster}/${name} is ${boundTo ? `bound to instance ${boundTo}` : 'not bound to any instance'}; ` +
        `the agent of instance ${decision.instance} may only read and report on its own tasks`,
    );
  return undefined;
}

/** Tasks read per page while looking for one that uses a definition. */
const PAGE = 500;

/**
 * Some task bound to `instance` uses task definition `name`. There is no index of tasks by
 * instance in the store, so this pages through the cluster's tasks, as the agent's own filtered
 * list does; an agent loads each revision once (controllers/agent/definitions.ts caches them).
 */
async function checkBoundDefinition(resources: ResourceStore, cluster: string, name: string, instance: string): Promise<void> {
  let token: string | undefined;
  do {
    const page = await resources.list('Task', { cluster, limit: PAGE, continue: token });
    if (page.items.some((t) => t.spec.containerInstance === instance && t.spec.taskDefinition === name)) return;
    token = page.continue;
  } while (token);
  throw new ForbiddenError(
    `no task bound to instance ${instance} uses task definition ${cluster}/${name}; the agent of instance ${instance} may only read the definitions of its own tasks`,
  );
}

/**
 * Deregistering or deleting a task definition changes what runs in every cluster that uses it (a
 * service pinned to it, following its family, or deploying it; a task of it not yet stopped): the
 * caller must be `admin` in each of them (authorize.ts).
 */
async function checkAdminWhereUsed(resources: ResourceStore, principal: Principal, name: string): Promise<void> {
  const family = parseTaskDefinitionRef(name)?.family ?? name;
  const users = new Set<string>();
  for (const service of await listEvery(resources, 'Service')) {
    const ref = parseTaskDefinitionRef(service.spec.taskDefinition);
    const following = ref?.revision === undefined && ref?.family === family;
    if (following || service.spec.taskDefinition === name || service.status?.deployments.some((d) => d.taskDefinition === name))
      users.add(service.metadata.cluster);
  }
  for (const task of await listEvery(resources, 'Task'))
    if (task.spec.taskDefinition === name && task.status?.lastStatus !== 'STOPPED') users.add(task.metadata.cluster);
  const lacking = [...users].filter((c) => !atLeast(roleIn(principal, c), 'admin')).sort();
  if (lacking.length > 0)
    throw new ForbiddenError(
      `task definition ${name} is used in cluster${lacking.length > 1 ? 's' : ''} ${lacking.join(', ')}, where ${principal.name} is not admin; ` +
        'deregistering or deleting it changes what runs there, so it needs admin in every cluster that uses it (or admin in *)',
    );
}

async function listEvery<K extends 'Service' | 'Task'>(resources: ResourceStore, kind: K) {
  const items = [];
  let token: string | undefined;
  do {
    const page = await resources.list(kind, { limit: PAGE, continue: token });
    items.push(...page.items);
    token = page.continue;
  } while (token);
  return items;
}

function agentInstanceAdmission(resources: ResourceStore, instance: string, subresource: 'status' | undefined): Admit {
  return async (next, current) => {
    if (!isOfKind(next, 'ContainerInstance') || (current && !isOfKind(current, 'ContainerInstance')))
      throw new Error('internal: instance admission of another kind');
    const refusals = agentInstanceRefusals(next, current, subresource);
    const address = next.spec.agent?.address;
    if (refusals.length === 0 && address !== undefined && address !== current?.spec.agent?.address) {
      const holder = await addressHolder(resources, address, next);
      if (holder) refusals.push({ path: 'spec.agent.address', message: `${address} is the log address of instance ${holder}; an agent registers its own` });
    }
    if (refusals.length > 0)
      throw new ForbiddenError(`the agent of instance ${instance} may not write this: ${refusals.map((r) => `${r.path}: ${r.message}`).join('; ')}`);
  };
}

function lbReportAdmission(proxy: string): Admit {
  return (next, current) => {
    if (!isOfKind(next, 'TargetGroup') || (current && !isOfKind(current, 'TargetGroup'))) throw new Error('internal: health report admission of another kind');
    const refusals = lbReportRefusals(proxy, next.status, current?.status);
    if (refusals.length > 0)
      throw new ForbiddenError(`the load balancer token ${proxy} may not write this: ${refusals.map((r) => `${r.path}: ${r.message}`).join('; ')}`);
  };
}

/** The instance (`cluster/name`) other than `self` that registered the same log address, if any. */
async function addressHolder(resources: ResourceStore, address: string, self: ContainerInstance): Promise<string | undefined> {
  const origin = new URL(address).origin;
  const { items } = await resources.list('ContainerInstance', {});
  const other = items.find((ci) => {
    const theirs = ci.spec.agent?.address;
    if (theirs === undefined || (ci.metadata.cluster === self.metadata.cluster && ci.metadata.name === self.metadata.name)) return false;
    return URL.canParse(theirs) && new URL(theirs).origin === origin;
  });
  return other && `${other.metadata.cluster}/${other.metadata.name}`;
}
