/**
 * Access keys for the ECS API (api/auth/access-keys.ts), for installation admins only, as tokens are
 * (token-routes.ts): a key holds a role per cluster, as a user token does.
 *
 *   POST   /apis/berth.dev/v1/accesskeys        {name, grants: {cluster: admin|edit|view}} or {name, admin: true} → {accessKeyId, secretAccessKey}
 *   GET    /apis/berth.dev/v1/accesskeys        → {items: [{accessKeyId, name, role, grants?, createdAt}]}
 *   DELETE /apis/berth.dev/v1/accesskeys/{id}   → {revoked: true}
 *
 * The secret is in the answer to POST alone; it is never logged.
 */
import { z } from 'zod';
import { ALL_CLUSTERS, ClusterRole, GrantCluster } from '../auth/principal.js';
import { ForbiddenError } from '../auth/errors.js';
import type { AccessKeyRegistry } from '../auth/access-keys.js';
import { ACCESS_KEY_ROUTE, ACCESS_KEYS_PATH } from '../paths.js';
import { NotFoundError } from '../usecases/resources/errors.js';
import type { ResourceStore } from '../usecases/resources/resource-store.js';
import { BadRequestError } from './errors-to-status.js';
import type { ApiApp } from './meta-routes.js';
import { stateOf, type RequestState } from './request-state.js';

/** A key holds a role per cluster, or (`admin: true`) is an installation admin, as `berth up`'s admin token is. */
export const CreateAccessKeyBody = z.union([
  z.strictObject({
    name: z.string().min(1).max(128),
    grants: z.record(GrantCluster, ClusterRole).refine((g) => Object.keys(g).length > 0, 'give at least one cluster: role'),
  }),
  z.strictObject({ name: z.string().min(1).max(128), admin: z.literal(true) }),
]);

const Id = z.object({ id: z.string().min(1) });

function mustBeAdmin(state: RequestState, what: string): void {
  if (state.principal?.role !== 'admin') throw new ForbiddenError(`${state.principal?.name ?? 'this caller'} may not ${what}; only an installation admin may`);
}

const issues = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

export function registerAccessKeyRoutes(app: ApiApp, keys: AccessKeyRegistry, resources: ResourceStore): void {
  app.post(ACCESS_KEYS_PATH, async (request, reply) => {
    const state = stateOf(request);
    Object.assign(state, { route: ACCESS_KEYS_PATH, verb: 'create' });
    mustBeAdmin(state, 'create access keys');
    const body = CreateAccessKeyBody.safeParse(request.body);
    if (!body.success) throw new BadRequestError(`invalid access key request: ${issues(body.error)}`);
    const grants = 'grants' in body.data ? body.data.grants : undefined;
    for (const cluster of Object.keys(grants ?? {}))
      if (cluster !== ALL_CLUSTERS && !(await resources.get('Cluster', { name: cluster })))
        throw new NotFoundError({ kind: 'Cluster', cluster, name: cluster });
    const issued = await keys.issue(grants ? { name: body.data.name, role: 'user', grants } : { name: body.data.name, role: 'admin' });
    request.log.info({ accessKeyId: issued.accessKeyId, name: body.data.name, grants: grants ?? 'installation admin' }, 'access key created');
    return reply.code(201).send(issued);
  });

  app.get(ACCESS_KEYS_PATH, async (request) => {
    const state = stateOf(request);
    Object.assign(state, { route: ACCESS_KEYS_PATH, verb: 'list' });
    mustBeAdmin(state, 'list access keys');
    return { items: (await keys.list()).map(({ accessKeyId, identity, createdAt }) => ({ accessKeyId, ...identity, createdAt })) };
  });

  app.delete(ACCESS_KEY_ROUTE, async (request) => {
    const state = stateOf(request);
    Object.assign(state, { route: `${ACCESS_KEYS_PATH}/{id}`, verb: 'delete' });
    mustBeAdmin(state, 'revoke access keys');
    const params = Id.safeParse(request.params);
    if (!params.success) throw new BadRequestError(issues(params.error));
    if (!(await keys.revoke(params.data.id))) throw new BadRequestError(`no access key has id ${params.data.id}; \`berth credentials list\` shows them`, 404);
    request.log.info({ accessKeyId: params.data.id }, 'access key revoked');
    return { revoked: true };
  });
}
