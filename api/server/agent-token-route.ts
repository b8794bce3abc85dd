/**
 * `POST /apis/berth.dev/v1/clusters/{cluster}/containerinstances/{name}/token` → `{token}`: an admin
 * (of the installation, or of the cluster) issues a token for the agent of one container instance, which may then touch only that instance
 * and the tasks bound to it (api/auth/authorize.ts). The instance need not exist yet: the agent
 * registers it with this very token.
 */
import { z } from 'zod';
import { ForbiddenError } from '../auth/errors.js';
import { atLeast, roleIn } from '../auth/principal.js';
import type { TokenRegistry } from '../auth/tokens.js';
import { AGENT_TOKEN_ROUTE } from '../paths.js';
import { Name } from '../v1/meta.js';
import { BadRequestError } from './errors-to-status.js';
import type { ApiApp } from './meta-routes.js';
import { stateOf } from './request-state.js';

const Params = z.object({ cluster: Name, name: Name });

export function registerAgentTokenRoute(app: ApiApp, tokens: TokenRegistry): void {
  app.post(AGENT_TOKEN_ROUTE, async (request, reply) => {
    const state = stateOf(request);
    state.route = AGENT_TOKEN_ROUTE;
    state.verb = 'create';
    const params = Params.safeParse(request.params);
    if (!params.success)
      throw new BadRequestError(`invalid cluster or instance name: ${params.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    if (!state.principal || !atLeast(roleIn(state.principal, params.data.cluster), 'admin'))
      throw new ForbiddenError(
        `${state.principal?.name ?? 'this caller'} may not issue agent tokens for cluster ${params.data.cluster}; it needs the admin role there`,
      );
    const token = await tokens.issueAgentToken(params.data.cluster, params.data.name);
    request.log.info({ cluster: params.data.cluster, instance: params.data.name }, 'agent token issued');
    return reply.code(201).send({ token });
  });
}
