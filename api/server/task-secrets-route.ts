/**
 * `GET /apis/berth.dev/v1/clusters/{cluster}/tasks/{name}/secrets`: the secret values task `name`
 * needs (api/usecases/secrets/task-secrets.ts), for the agent of the instance it is bound to and no one
 * else. The answer is never cached and never logged (the request line is; it holds no value).
 */
import { API_PREFIX, TASK_SECRETS_ROUTE } from '../paths.js';
import { secretsCaller, secretsOfTask } from '../usecases/secrets/task-secrets.js';
import type { ResourceStore } from '../usecases/resources/resource-store.js';
import type { ApiApp } from './meta-routes.js';
import { clusterNameParams } from './cluster-name-params.js';
import { stateOf } from './request-state.js';

const ROUTE_TEMPLATE = `${API_PREFIX}/clusters/{cluster}/tasks/{name}/secrets`;

export function registerTaskSecretsRoute(app: ApiApp, resources: ResourceStore): void {
  app.get(TASK_SECRETS_ROUTE, async (request, reply) => {
    const state = stateOf(request);
    state.route = ROUTE_TEMPLATE;
    state.verb = 'get';
    const { cluster, name } = clusterNameParams(request.params, 'task');
    const instance = secretsCaller(state.principal, cluster);
    const answer = await secretsOfTask(resources, cluster, name, instance);
    return reply.code(200).header('cache-control', 'no-store').type('application/json').send(answer);
  });
}
