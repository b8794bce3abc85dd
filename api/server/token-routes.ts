/**
 * Token management, for installation admins only (a cluster admin cannot mint itself more):
 *
 *   POST   /apis/berth.dev/v1/tokens        {name, grants: {cluster: admin|edit|view}, ttlSeconds?} → {token, id, expiresAt?}
 *                                            {name, role: scrape, ttlSeconds?}: a token for /metrics alone
 *                                            {name, role: lb, cluster, ttlSeconds?}: `berth lb`'s token for one cluster
 *   GET    /apis/berth.dev/v1/tokens        → {items: [{id, name, role, grants?, cluster?, instance?, expiresAt?}]}
 *   DELETE /apis/berth.dev/v1/tokens/{id}   → {revoked: N}
 *
 * A token is shown once, when created; the store keeps only its hash, and `id` (the hash's first
 * 12 hex digits) names it afterwards. A grant names a cluster that must exist, or `*`.
 */
import { z } from 'zod';
import { ALL_CLUSTERS, ClusterRole, GrantCluster } from '../auth/principal.js';
import { Name } from '../v1/meta.js';
import { ForbiddenError } from '../auth/errors.js';
import type { TokenRegistry } from '../auth/tokens.js';
import { TOKEN_ROUTE, TOKENS_PATH } from '../paths.js';
import { NotFoundError } from '../usecases/resources/errors.js';
import type { ResourceStore } from '../usecases/resources/resource-store.js';
import { BadRequestError } from './errors-to-status.js';
import type { ApiApp } from './meta-routes.js';
import { stateOf, type RequestState } from './request-state.js';

const MAX_TTL_SECONDS = 10 * 365 * 24 * 3600;

const tokenName = z.string().min(1).max(128);
const ttlSeconds = z.int().min(1).max(MAX_TTL_SECONDS).optional();

const GrantsTokenBody = z.strictObject({
  name: tokenName,
  grants: z.record(GrantCluster, ClusterRole).refine((g) => Object.keys(g).length > 0, 'give at least one cluster: role'),
  ttlSeconds,
});
const ScrapeTokenBody = z.strictObject({ name: tokenName, role: z.literal('scrape'), ttlSeconds });
const LbTokenBody = z.strictObject({ name: tokenName, role: z.literal('lb'), cluster: Name, ttlSeconds });
export type CreateTokenBody = z.infer<typeof GrantsTokenBody> | z.infer<typeof ScrapeTokenBody> | z.infer<typeof LbTokenBody>;

/** Picks the shape by `role`, so an error names the field that is wrong (a union would say only "Invalid input"). */
function parseCreateTokenBody(body: unknown) {
  const role = typeof body === 'object' && body !== null && 'role' in body ? body.role : undefined;
  if (role === undefined) return GrantsTokenBody.safeParse(body);
  return role === 'lb' ? LbTokenBody.safeParse(body) : ScrapeTokenBody.safeParse(body);
}

const Id = z.object({ id: z.string().regex(/^[0-9a-f]{12}$/, 'a token id is 12 hex digits (see GET tokens)') });

function mustBeAdmin(state: RequestState, what: string): void {
  if (state.principal?.role !== 'admin') throw new ForbiddenError(`${state.principal?.name ?? 'this caller'} may not ${what}; only an installation admin may`);
}

const issues = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

export function registerTokenRoutes(app: ApiApp, tokens: TokenRegistry, resources: ResourceStore): void {
  app.post(TOKENS_PATH, async (request, reply) => {
    const state = stateOf(request);
    Object.assign(state, { route: TOKENS_PATH, verb: 'create' });
    mustBeAdmin(state, 'create tokens');
    const body = parseCreateTokenBody(request.body);
    if (!body.success) throw new BadRequestError(`invalid token request: ${issues(body.error)}`);
    const ttlMs = body.data.ttlSeconds && body.data.ttlSeconds * 1000;
    if ('role' in body.data) {
      const { ttlSeconds: _ttl, ...identity } = body.data;
      if (identity.role === 'lb' && !(await resources.get('Cluster', { name: identity.cluster })))
        throw new NotFoundError({ kind: 'Cluster', cluster: identity.cluster, name: identity.cluster });
      const issued = await tokens.issueRoleToken(identity, ttlMs);
      request.log.info({ id: issued.id, ...identity, expiresAt: issued.expiresAt }, 'token created');
      return reply.code(201).send(issued);
    }
    for (const cluster of Object.keys(body.data.grants))
      if (cluster !== ALL_CLUSTERS && !(await resources.get('Cluster', { name: cluster })))
        throw new NotFoundError({ kind: 'Cluster', cluster, name: cluster });
    const issued = await tokens.issueUserToken(body.data.name, body.data.grants, ttlMs);
    request.log.info({ id: issued.id, name: body.data.name, grants: body.data.grants, expiresAt: issued.expiresAt }, 'token created');
    return reply.code(201).send(issued);
  });

  app.get(TOKENS_PATH, async (request) => {
    const state = stateOf(request);
    Object.assign(state, { route: TOKENS_PATH, verb: 'list' });
    mustBeAdmin(state, 'list tokens');
    return { items: (await tokens.list()).map(({ id, identity }) => ({ id, ...identity })) };
  });

  app.delete(TOKEN_ROUTE, async (request) => {
    const state = stateOf(request);
    Object.assign(state, { route: `${TOKENS_PATH}/{id}`, verb: 'delete' });
    mustBeAdmin(state, 'revoke tokens');
    const params = Id.safeParse(request.params);
    if (!params.success) throw new BadRequestError(issues(params.error));
    const revoked = await tokens.revokeById(params.data.id);
    if (revoked === 0) throw new BadRequestError(`no token has id ${params.data.id}; \`berth token list\` shows them`, 404);
    request.log.info({ id: params.data.id, revoked }, 'token revoked');
    return { revoked };
  });
}
