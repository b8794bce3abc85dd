/**
 * `POST /apis/berth.dev/v1/clusters/{cluster}/containerinstances/{name}/token` → `{token}`: an admin
 * (of the installation, or of the cluster) issues a token for the agent of one container instance, which may then touch only that instance
 * and the tasks bound to it (api/auth/authorize.ts). The instance need not exist yet: the agent
 * registers it with this very token.
 */
import { ForbiddenError } from '../auth/errors.js';
import { atLeast, roleIn } from '../auth/principal.js';
import type { TokenRegistry } from '../auth/tokens.js';
import { AGENT_TOKEN_ROUTE } from '../paths.js';
import type { ApiApp } from './meta-routes.js';
import { clusterNameParams } from './cluster-name-params.js';
import { stateOf } from './request-state.js';

export function registerAgentTokenRoute(app: ApiApp, tokens: TokenRegistry): void {
  app.post(AGENT_TOKEN_ROUTE, async (request, reply) => {
    const state = stateOf(request);
    state.route = AGENT_TOKEN_ROUTE;
    state.verb = 'create';
    const params = clusterNameParams(request.params, 'instance');
    if (!state.principal || !atLeast(roleIn(state.principal, params.cluster), 'admin'))
      throw new ForbiddenError(
        `${state.principal?.name ?? 'this caller'} may not issue agent tokens for cluster ${params.cluster}; it needs the admin role there`,
      );
    const token = await tokens.issueAgentToken(params.cluster, params.name);
    request.log.info({ cluster: params.cluster, instance: params.name }, 'agent token issued');
    return reply.code(201).send({ token });
  });
}
